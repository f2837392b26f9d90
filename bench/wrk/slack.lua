-- wrk script for bench/run: sends the pre-signed Slack requests of one .tsv file (written by the
-- harness's Requests: timestamp, signature, content type, body per line), each thread starting at
-- its own offset, and prints one JSON line with the throughput, the latency percentiles and the
-- statuses seen.
-- Usage: wrk ... -s slack.lua http://127.0.0.1:PORT/slack/events -- FILE

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local ts, sig, ctype, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", wrk.path, {
      ["X-Slack-Request-Timestamp"] = ts,
      ["X-Slack-Signature"] = sig,
      ["Content-Type"] = ctype,
    }, body)
  end
  counter = (id * 7919) % #requests + 1
  ok, unauthorized, other = 0, 0, 0
end

function request()
  local r = requests[counter]
  counter = counter % #requests + 1
  return r
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 401 then
    unauthorized = unauthorized + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s200, s401, sother = 0, 0, 0
  for _, thread in ipairs(threads) do
    s200 = s200 + thread:get("ok")
    s401 = s401 + thread:get("unauthorized")
    sother = sother + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,'
      .. '"max_ms":%.3f,"status_200":%d,"status_401":%d,"status_other":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, s200, s401, sother, e.connect + e.read + e.write + e.timeout))
end
