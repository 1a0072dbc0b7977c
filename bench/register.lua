-- wrk script: POST a new Avro schema per request, spread over 100 subjects.
local counter = 0
local thread_id = math.random(1, 1000000)
request = function()
  counter = counter + 1
  local subject = "w" .. (counter % 100)
  local body = '{"schema": "{\\"type\\":\\"record\\",\\"name\\":\\"R' .. thread_id .. 'x' .. counter .. '\\",\\"fields\\":[{\\"name\\":\\"a\\",\\"type\\":\\"int\\"}]}"}'
  return wrk.format("POST", "/subjects/" .. subject .. "/versions", {["Content-Type"] = "application/json"}, body)
end
