# Times Python lifelines on the benchmark's data (binary doubles written by pof-bench); prints "task seconds".
import sys, time
import numpy as np
import pandas as pd

task, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rd = lambda name, k=n: np.fromfile(f"{d}/{name}", dtype="<f8", count=k)
t_ = rd("time.bin"); e = rd("event.bin")
if task == "km":
    from lifelines import KaplanMeierFitter
    s = time.perf_counter(); KaplanMeierFitter().fit(t_, e); el = time.perf_counter() - s
elif task == "logrank":
    from lifelines.statistics import logrank_test
    g = rd("group.bin")
    s = time.perf_counter(); logrank_test(t_[g == 0], t_[g == 1], e[g == 0], e[g == 1]); el = time.perf_counter() - s
else:
    from lifelines import CoxPHFitter
    if task == "cox_breslow":
        print(task, "NA")  # lifelines implements Efron only
        sys.exit(0)
    x = rd("x.bin", n * 10).reshape((10, n)).T
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(10)]); df["T"] = t_; df["E"] = e
    s = time.perf_counter(); CoxPHFitter().fit(df, "T", "E"); el = time.perf_counter() - s
print(task, el)
