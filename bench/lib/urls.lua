-- wrk script: cycles through the paths given after "--" (one scenario line), and
-- prints one machine-readable result line when done.
--   wrk -s bench/lib/urls.lua http://host:port -- /a /b?x=1 ...
local paths = {}
local n = 0

function init(args)
  for _, p in ipairs(args) do
    paths[#paths + 1] = p
  end
  if #paths == 0 then
    paths[1] = "/"
  end
end

function request()
  n = n + 1
  return wrk.format("GET", paths[((n - 1) % #paths) + 1])
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.1f p50=%.2f p95=%.2f p99=%.2f max=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, summary.errors.status))
end
