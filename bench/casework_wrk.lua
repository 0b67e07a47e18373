-- wrk script of bench/casework.py: one signed-in user per wrk thread (-t N -c N, so one
-- connection each), a closed loop with no think time, bounded by a request count per thread
-- (and by wrk's -d). Arguments after "--": data file (Lua, written by casework_load.py),
-- scenario name, requests per thread (0 = no bound). A thread that reaches its count
-- stops and appends a line to data.done_file; when every thread has, the Python side
-- ends wrk early with SIGINT (wrk would otherwise wait out -d).
-- Done prints one JSON line that starts with "BENCH " for the Python side to parse.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

-- setup/done environment -------------------------------------------------------------
local threads = {}
local next_index = 0

function setup(thread)
  thread:set("index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

-- thread environment -----------------------------------------------------------------
local scenario, limit, user, plain_request, done_file
responses, started, finished, statuses, latencies = 0, nil, nil, {}, {}
local sent

function init(args)
  local data = dofile(args[1])
  scenario, limit, done_file = args[2], tonumber(args[3]), data.done_file
  user = data.users[(index % #data.users) + 1]
  math.randomseed(index * 7919 + 17)
  local headers = { ["Cookie"] = user.cookie }
  -- A user may have a path of their own for a scenario (the admin's ?tenant=).
  local path = (user.paths and user.paths[scenario]) or data.paths[scenario] or "/"
  plain_request = wrk.format("GET", path, headers)
end

function request()
  sent = now()
  if started == nil then started = sent end
  if scenario ~= "post" then return plain_request end
  local client = user.clients[math.random(#user.clients)]
  local body = user.form .. "&language=" .. client.language
  return wrk.format("POST", "/clients/" .. client.id .. "/services", {
    ["Cookie"] = user.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, body)
  responses = responses + 1
  finished = now()
  -- Our own latency samples (ms), so that runs split into rounds can be pooled exactly.
  latencies[responses] = (finished - sent) * 1000
  statuses[status] = (statuses[status] or 0) + 1
  if limit > 0 and responses == limit then
    local marker = io.open(done_file, "a")
    marker:write(index, "\n")
    marker:close()
    wrk.thread:stop()
  end
end

-- done (setup environment) -----------------------------------------------------------
function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    local codes = {}
    for code, count in pairs(thread:get("statuses")) do
      table.insert(codes, string.format('"%d": %d', code, count))
    end
    local samples = {}
    for i, ms in ipairs(thread:get("latencies")) do samples[i] = string.format("%.3f", ms) end
    table.insert(parts, string.format(
      '{"responses": %d, "started": %.6f, "finished": %.6f, "statuses": {%s}, ' ..
      '"latencies_ms": [%s]}',
      thread:get("responses"), thread:get("started") or 0, thread:get("finished") or 0,
      table.concat(codes, ", "), table.concat(samples, ",")))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}, "threads": [%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status,
    e.timeout, table.concat(parts, ", ")))
end
