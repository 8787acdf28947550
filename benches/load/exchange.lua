-- wrk script: posts pre-signed auth tokens to /auth/v2/token. Thread n of
-- WRK_THREADS takes lines n, n + WRK_THREADS, ... of the file AUTH_TOKENS,
-- so no two threads send the same jti.
local next_index = 0

function setup(thread)
  thread:set("index", next_index)
  next_index = next_index + 1
end

function init(args)
  local total = tonumber(os.getenv("WRK_THREADS"))
  tokens = {}
  local line_number = 0
  for line in io.lines(os.getenv("AUTH_TOKENS")) do
    if line_number % total == index then
      table.insert(tokens, line)
    end
    line_number = line_number + 1
  end
  next_token = 1
end

function request()
  local token = tokens[next_token]
  next_token = next_token % #tokens + 1
  return wrk.format("POST", "/auth/v2/token",
    { ["Content-Type"] = "application/json; charset=utf-8" },
    '{"auth_token":"' .. token .. '"}')
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
