-- wrk script: the same explorer questions again and again (answered from the session's memory).
-- Set by serve-load: SESSION (env). Reports p50/p95/p99 and non-200 answers.
local session = os.getenv("SESSION")
local queries = {}
for _, e in ipairs({"os", "pfs_infield", "pfs_intrahepatic_outfield", "pfs_extrahepatic", "pfs_any"}) do
  for _, f in ipairs({"age", "stage", "pvt", "history", "afp", "pivka", "markers"}) do
    table.insert(queries, "endpoint=" .. e .. "&factor=" .. f)
  end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/sessions/" .. session .. "/explorer?" .. queries[(i % #queries) + 1])
end
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
