-- wrk reports its latency distribution to bench/pages.py on one line (microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH p50=%d p95=%d p99=%d max=%d requests=%d duration=%d errors=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
