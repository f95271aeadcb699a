# End to end with pandas + lifelines: CSV on disk -> fitted model -> JSON on stdout (scripts/bench --e2e).
#   python3 e2e_lifelines.py km FILE      Kaplan-Meier curve (time, survival, 95% CI), median
#   python3 e2e_lifelines.py cox FILE     Cox model (Efron ties) on every column but time/status
import json
import sys

import pandas as pd

task, path = sys.argv[1], sys.argv[2]
if task == "km":
    from lifelines import KaplanMeierFitter
    d = pd.read_csv(path, usecols=["time", "status"])
    k = KaplanMeierFitter().fit(d["time"], d["status"])
    sf, ci = k.survival_function_, k.confidence_interval_
    out = {"median": float(k.median_survival_time_), "time": sf.index.tolist(), "surv": sf.iloc[:, 0].tolist(),
           "lower95": ci.iloc[:, 0].tolist(), "upper95": ci.iloc[:, 1].tolist(),
           "n_risk": k.event_table["at_risk"].tolist()}
elif task == "cox":
    from lifelines import CoxPHFitter
    d = pd.read_csv(path)
    f = CoxPHFitter().fit(d, "time", "status")
    out = {"coef": f.params_.tolist(), "se": f.standard_errors_.tolist(), "loglik": float(f.log_likelihood_),
           "concordance": float(f.concordance_index_)}
else:
    sys.exit(f"unknown task {task}")
json.dump(out, sys.stdout)
