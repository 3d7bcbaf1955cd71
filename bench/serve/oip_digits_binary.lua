-- wrk script: the request of ../shared/bench/oip_digits.lua (the first digits test
-- image, batch 1) with Triton's binary tensor extension: the input as 256 bytes of
-- little-endian float32 after the JSON header, the output asked for as binary.
-- compare.sh writes the body to BODY_FILE and its JSON length to HEADER_LEN.
-- Usage: BODY_FILE=f HEADER_LEN=n wrk -t2 -c64 -d20s -s oip_digits_binary.lua URL
local model = os.getenv("MODEL") or "digits"
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.path = "/v2/models/" .. model .. "/infer"
wrk.body = f:read("*a")
f:close()
-- Without HEADER_LEN the body is plain JSON (compare.sh's batch-32 JSON request).
if os.getenv("HEADER_LEN") and os.getenv("HEADER_LEN") ~= "" then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = os.getenv("HEADER_LEN")
else
  wrk.headers["Content-Type"] = "application/json"
end
if os.getenv("AUTH") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("AUTH") end

done = function(summary, latency, requests)
  local errs = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"req_per_s": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "requests": %d, "errors": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, errs))
end
