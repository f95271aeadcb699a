# End to end with R: CSV on disk -> fitted model -> JSON on stdout (scripts/bench --e2e).
# Reads with data.table::fread when installed, else read.csv.
#   Rscript e2e.R km FILE     Kaplan-Meier curve (survfit), median
#   Rscript e2e.R cox FILE    coxph, Efron ties, every column but time/status
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]; path <- args[2]
has_fread <- requireNamespace("data.table", quietly = TRUE)
read <- function(cols = NULL) {
  if (has_fread) as.data.frame(data.table::fread(path, select = cols, showProgress = FALSE))
  else { d <- read.csv(path); if (is.null(cols)) d else d[cols] }
}
json <- function(x) if (requireNamespace("jsonlite", quietly = TRUE)) cat(jsonlite::toJSON(x, digits = NA)) else dput(x)
if (task == "km") {
  d <- read(c("time", "status"))
  f <- survfit(Surv(time, status) ~ 1, data = d)
  json(list(median = unname(summary(f)$table["median"]), time = f$time, surv = f$surv, std_err = f$std.err,
            lower95 = f$lower, upper95 = f$upper, n_risk = f$n.risk, n_event = f$n.event))
} else if (task == "cox") {
  d <- read()
  f <- coxph(Surv(time, status) ~ ., data = d, ties = "efron")
  json(list(coef = unname(coef(f)), se = unname(sqrt(diag(vcov(f)))), loglik = f$loglik,
            concordance = unname(f$concordance["concordance"])))
} else stop("unknown task ", task)
