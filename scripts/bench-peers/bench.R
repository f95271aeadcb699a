# Times R survival on the benchmark's data (binary doubles written by pof-bench); prints "task seconds".
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]; n <- as.integer(args[2]); dir <- args[3]
rd <- function(name, k = n) readBin(file.path(dir, name), "double", k)
time <- rd("time.bin"); event <- rd("event.bin")
t <- NA
if (task == "km") {
  t <- system.time(fit <- survfit(Surv(time, event) ~ 1))[["elapsed"]]
} else if (task == "logrank") {
  group <- rd("group.bin")
  t <- system.time(fit <- survdiff(Surv(time, event) ~ group))[["elapsed"]]
} else if (startsWith(task, "cox_")) {
  x <- matrix(rd("x.bin", n * 10), nrow = n)
  ties <- sub("cox_", "", task)
  t <- system.time(fit <- coxph(Surv(time, event) ~ x, ties = ties))[["elapsed"]]
}
cat(task, t, "\n")
