-- wrk script: POST a non-streaming chat completion and print one JSON line of results.
-- The request body comes from the environment (BENCH_BODY) so the harness owns it; extra headers are
-- passed with wrk's -H. With BENCH_OVERHEAD_HEADER set, each thread also collects that response header
-- (Switchyard's x-switchyard-overhead-ms) and the report includes its percentiles.
-- wrk's latency histogram is in microseconds.

wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"

local overhead_header = os.getenv("BENCH_OVERHEAD_HEADER")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  samples = {}
  count = 0
end

if overhead_header then
  function response(status, headers, body)
    local value = headers[overhead_header]
    if value and count < 100000 then
      count = count + 1
      samples[count] = tonumber(value)
    end
  end
end

function done(summary, latency, requests)
  local overhead = {}
  for _, thread in ipairs(threads) do
    local part = thread:get("samples")
    if part then
      for _, v in ipairs(part) do table.insert(overhead, v) end
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f},"overheadMs":[%s]}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(overhead, ",")))
end
