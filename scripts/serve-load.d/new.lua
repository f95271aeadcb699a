-- wrk script: explorer questions never asked before (every request a new cut-point, or new times for a
-- plan factor), so each is computed. Set by serve-load: SESSION (env).
local session = os.getenv("SESSION")
local endpoints = {"os", "pfs_infield", "pfs_intrahepatic_outfield", "pfs_extrahepatic", "pfs_any"}
local variables = {"age", "afp", "tumor_size_cm", "total_dose_gy", "albumin"}
local base = {age = 40, afp = 10, tumor_size_cm = 2, total_dose_gy = 30, albumin = 3}
local step = {age = 0.0001, afp = 0.01, tumor_size_cm = 0.0001, total_dose_gy = 0.0001, albumin = 0.00001}
local factors = {"age", "stage", "pvt", "history", "afp", "pivka", "markers"}
local n = 0
setup = function(thread) thread:set("offset", math.random(1, 1000000)) end
request = function()
  n = n + 1
  local k = n + (offset or 0) * 7
  local e = endpoints[(k % #endpoints) + 1]
  if k % 4 == 0 then
    -- a plan factor at rate times not asked before
    local f = factors[(k % #factors) + 1]
    return wrk.format("GET", string.format("/api/sessions/%s/explorer?endpoint=%s&factor=%s&at=6,%.4f", session, e, f, 12 + (k % 100000) / 10000))
  end
  local v = variables[(k % #variables) + 1]
  local cut = base[v] + (k % 200000) * step[v]
  return wrk.format("GET", string.format("/api/sessions/%s/explorer?endpoint=%s&variable=%s&cut=%.5f", session, e, v, cut))
end
response = function(status, headers, body) end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
