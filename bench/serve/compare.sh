#!/usr/bin/env bash
# Serves the same digits MLP (64-256-128-10) with gopad serve-model and with the
# Python references of ../shared/bench/serve_reference.py (Flask's own server,
# Flask under gunicorn with 2 workers, FastAPI under uvicorn with 2 workers), then
# runs wrk -t2 -c64 -d$DURATION with ../shared/bench/oip_digits.lua against each in
# turn, ROUNDS times, and prints the medians of req/s, p50, p99 and errors with the
# ratios; also gopad with Triton's binary tensor extension (for the one image of
# oip_digits.lua and for 32 images a request, as JSON and binary), serve-model's time to
# ready and RSS, and its RSS over a 60-second run (VmRSS, and how much of it is
# anonymous memory and how much the executable's file pages, from
# /proc/PID/smaps_rollup). Also measured in each round: the transport floor
# (bench/serve/floor: net/http answering a fixed response, no decoding, no
# model), the most a Go server reaches on this machine under this load; and,
# when GOPAD_BASELINE names another gopad binary, that binary too (before and
# after a change, side by side in one run).
# Needs: apt-get install -y wrk python3-torch python3-flask python3-fastapi uvicorn gunicorn
# Usage: bench/serve/compare.sh [ROUNDS]      (DURATION=20s, MEMORY_RUN=60s by default)
set -euo pipefail
rounds=${1:-3}
duration=${DURATION:-20s}
memory_run=${MEMORY_RUN:-60s}
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
[ -f "$shared/serve_reference.py" ] || { echo "compare.sh: $shared/serve_reference.py not found (set SHARED_BENCH)" >&2; exit 1; }
for tool in wrk gunicorn uvicorn; do
	command -v "$tool" >/dev/null || { echo "compare.sh: $tool missing: apt-get install -y wrk python3-torch python3-flask python3-fastapi uvicorn gunicorn" >&2; exit 1; }
done
/usr/bin/python3 -c 'import torch, flask, fastapi' 2>/dev/null || { echo "compare.sh: apt-get install -y python3-torch python3-flask python3-fastapi" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/gopad" . && go build -o "$tmp/floor" ./bench/serve/floor && go build -o "$tmp/servingonly" ./bench/serve/servingonly && go run ./bench/serve/mkdigits "$tmp/digits")

# The binary request: the JSON header, then the image of oip_digits.lua as float32.
header_len=$(/usr/bin/python3 - "$shared/oip_digits.lua" "$tmp/body.bin" <<'PY'
import json, re, struct, sys
lua = open(sys.argv[1]).read()
data = json.loads(re.search(r'"data":(\[[^\]]*\])', lua).group(1))
header = json.dumps({"inputs": [{"name": "input", "shape": [1, 64], "datatype": "FP32", "parameters": {"binary_data_size": 4 * len(data)}}],
                     "outputs": [{"name": "output", "parameters": {"binary_data": True}}]}, separators=(",", ":")).encode()
open(sys.argv[2], "wb").write(header + struct.pack("<%df" % len(data), *data))
print(len(header))
PY
)
# The same image 32 times in one request, as JSON and with the binary
# extension: where decoding is a larger share of the work.
header_len32=$(/usr/bin/python3 - "$shared/oip_digits.lua" "$tmp/body32.json" "$tmp/body32.bin" <<'PY'
import json, re, struct, sys
lua = open(sys.argv[1]).read()
data = json.loads(re.search(r'"data":(\[[^\]]*\])', lua).group(1)) * 32
body = {"inputs": [{"name": "input", "shape": [32, 64], "datatype": "FP32", "data": data}]}
open(sys.argv[2], "w").write(json.dumps(body, separators=(",", ":")))
header = json.dumps({"inputs": [{"name": "input", "shape": [32, 64], "datatype": "FP32", "parameters": {"binary_data_size": 4 * len(data)}}],
                     "outputs": [{"name": "output", "parameters": {"binary_data": True}}]}, separators=(",", ":")).encode()
open(sys.argv[3], "wb").write(header + struct.pack("<%df" % len(data), *data))
print(len(header))
PY
)

port_gopad=18701 port_flask=18702 port_gunicorn=18703 port_uvicorn=18704 port_floor=18705 port_base=18706
# SERVE_FLAGS: extra flags of the measured serve-model, e.g. --drop_file_cache.
"$tmp/gopad" serve-model --model_dir "$tmp/digits" --model_name digits --host 127.0.0.1 --http_port $port_gopad ${SERVE_FLAGS:-} >"$tmp/gopad.log" 2>&1 &
pids+=($!)
gopad_pid=$!
"$tmp/floor" 127.0.0.1:$port_floor >"$tmp/floor.log" 2>&1 &
pids+=($!)
floor_pid=$!
ports="$port_gopad $port_floor"
if [ -n "${GOPAD_BASELINE:-}" ]; then
	"$GOPAD_BASELINE" serve-model --model_dir "$tmp/digits" --model_name digits --host 127.0.0.1 --http_port $port_base >"$tmp/base.log" 2>&1 &
	pids+=($!)
	base_pid=$!
	ports="$ports $port_base"
fi
(cd "$shared" && exec /usr/bin/python3 serve_reference.py flask $port_flask) >"$tmp/flask.log" 2>&1 &
pids+=($!)
(cd "$shared" && exec gunicorn -w 2 -b 127.0.0.1:$port_gunicorn 'serve_reference:flask_app()') >"$tmp/gunicorn.log" 2>&1 &
pids+=($!)
(cd "$shared" && exec uvicorn --workers 2 --port $port_uvicorn --factory serve_reference:fastapi_app) >"$tmp/uvicorn.log" 2>&1 &
pids+=($!)
for port in $ports $port_flask $port_gunicorn $port_uvicorn; do
	for _ in $(seq 600); do
		curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
		sleep 0.5
	done
	curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null || { echo "compare.sh: the server on port $port never got ready" >&2; tail "$tmp"/*.log >&2; exit 1; }
done

# CPU time (user+system, ms) a process has used, from /proc/PID/stat.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14+$15)*1000/hz)}' "/proc/$1/stat"; }
run_wrk() { # NAME PORT [json|binary|json32|binary32] [PID: add the server's CPU time over the run]
	local script=$shared/oip_digits.lua body=$tmp/body.bin hl=$header_len
	case "${3:-}" in
	binary) script=$root/bench/serve/oip_digits_binary.lua ;;
	json32) script=$root/bench/serve/oip_digits_binary.lua body=$tmp/body32.json hl= ;;
	binary32) script=$root/bench/serve/oip_digits_binary.lua body=$tmp/body32.bin hl=$header_len32 ;;
	esac
	local c0=0
	[ -n "${4:-}" ] && c0=$(cpu_ms "$4")
	local out
	out=$(BODY_FILE=$body HEADER_LEN=$hl wrk -t2 -c64 -d"$duration" -s "$script" "http://127.0.0.1:$2" | tail -1)
	[ -n "${4:-}" ] && out="${out%\}}, \"cpu_ms\": $(($(cpu_ms "$4") - c0))}"
	echo "$1 $out"
}
for _ in $(seq "$rounds"); do
	run_wrk gopad $port_gopad json $gopad_pid
	run_wrk gopad-binary $port_gopad binary $gopad_pid
	run_wrk gopad-json32 $port_gopad json32 $gopad_pid
	run_wrk gopad-binary32 $port_gopad binary32 $gopad_pid
	if [ -n "${GOPAD_BASELINE:-}" ]; then
		run_wrk baseline $port_base json $base_pid
		run_wrk baseline-binary $port_base binary $base_pid
	fi
	run_wrk floor $port_floor json $floor_pid
	run_wrk flask $port_flask
	run_wrk gunicorn $port_gunicorn
	run_wrk uvicorn $port_uvicorn
done | tee "$tmp/results"

# Memory over a longer run: RSS of serve-model every 10 s under load.
# VmRSS, then its anonymous part and the rest (file pages: the executable's).
rss() {
	awk '/^VmRSS/ {r=$2} END {printf "%.1f", r/1024}' "/proc/$1/status"
	awk '/^Rss:/ {r=$2} /^Anonymous:/ {a=$2} END {printf " (anon %.1f, file %.1f)", a/1024, (r-a)/1024}' "/proc/$1/smaps_rollup"
}
(
	echo "rss-start $(rss $gopad_pid)"
	wrk -t2 -c64 -d"$memory_run" -s "$shared/oip_digits.lua" "http://127.0.0.1:$port_gopad" >"$tmp/memory-wrk" &
	w=$!
	while kill -0 $w 2>/dev/null; do sleep 10; kill -0 $w 2>/dev/null && echo "rss-under-load $(rss $gopad_pid)"; done
	echo "rss-end $(rss $gopad_pid)"
	echo "memory-run $(tail -1 "$tmp/memory-wrk")"
	# The same model served by package serving alone (bench/serve/servingonly),
	# under the same load for DURATION: what the rest of the binary costs.
	"$tmp/servingonly" "$tmp/digits" 127.0.0.1:18709 >"$tmp/servingonly.log" 2>&1 &
	so=$!
	for _ in $(seq 100); do curl -sf http://127.0.0.1:18709/v2/health/ready >/dev/null && break; sleep 0.1; done
	wrk -t2 -c64 -d"$duration" -s "$shared/oip_digits.lua" http://127.0.0.1:18709 >"$tmp/servingonly-wrk"
	echo "rss-servingonly-under-load $(rss $so)"
	echo "servingonly-run $(tail -1 "$tmp/servingonly-wrk")"
	kill $so
) | tee -a "$tmp/results"

# Time from exec to a 200 from /v2/health/ready, and RSS then, 5 starts.
/usr/bin/python3 - "$tmp/gopad" "$tmp/digits" <<'PY' | tee -a "$tmp/results"
import http.client, subprocess, sys, time
for i in range(5):
    port = 18710 + i
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.argv[1], "serve-model", "--model_dir", sys.argv[2], "--model_name", "digits",
                          "--host", "127.0.0.1", "--http_port", str(port)], stdout=subprocess.DEVNULL)
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/v2/health/ready")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.0005)
    ms = (time.perf_counter() - t0) * 1000
    rss = [int(l.split()[1]) for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0] / 1024
    p.terminate()
    p.wait()
    print(f"ready {ms:.1f} {rss:.1f}")
PY

/usr/bin/python3 - "$tmp/results" "$rounds" "$duration" <<'PY'
import json, statistics, sys
runs, ready, rss_ready, memory = {}, [], [], []
for line in open(sys.argv[1]):
    name, rest = line.split(" ", 1)
    if name == "ready":
        ms, mb = rest.split(); ready.append(float(ms)); rss_ready.append(float(mb))
    elif name.startswith("rss-"):
        memory.append((name, rest.strip()))
    elif name in ("memory-run", "servingonly-run"):
        memory.append((name, rest.strip()))
    else:
        runs.setdefault(name, []).append(json.loads(rest))
med = lambda name, k: statistics.median(r[k] for r in runs[name])
print(f"\nmedians of {sys.argv[2]} rounds of wrk -t2 -c64 -d{sys.argv[3]} (oip_digits.lua: one image, batch 1)")
# CPU per request: the server's own CPU time over the run divided by the
# requests answered; far steadier than req/s on a machine shared with others.
def cpu_us(name):
    if "cpu_ms" not in runs[name][0]:
        return None
    return statistics.median(r["cpu_ms"] * 1000 / r["requests"] for r in runs[name])
print(f"  {'server':16s} {'req/s':>10s} {'p50 ms':>8s} {'p99 ms':>8s} {'errors':>7s} {'CPU us/req':>10s}   runs (req/s)")
for name in runs:
    c = cpu_us(name)
    print(f"  {name:16s} {med(name,'req_per_s'):10.0f} {med(name,'p50_ms'):8.2f} {med(name,'p99_ms'):8.2f} {sum(r['errors'] for r in runs[name]):7d} {'' if c is None else f'{c:.1f}':>10s}   "
          + ", ".join(f"{r['req_per_s']:.0f}" for r in runs[name]))
best = max(("flask", "gunicorn", "uvicorn"), key=lambda n: med(n, "req_per_s"))
print(f"ratios:")
print(f"  gopad / best Python ({best}) req/s   {med('gopad','req_per_s')/med(best,'req_per_s'):7.1f}x  (target >= 10)")
print(f"  floor / best Python ({best}) req/s   {med('floor','req_per_s')/med(best,'req_per_s'):7.1f}x  (net/http with a fixed answer: the machine's ceiling)")
print(f"  gopad / floor req/s                   {med('gopad','req_per_s')/med('floor','req_per_s'):7.2f}x")
if "baseline" in runs:
    print(f"  gopad / baseline req/s                {med('gopad','req_per_s')/med('baseline','req_per_s'):7.2f}x  (binary: {med('gopad-binary','req_per_s')/med('baseline-binary','req_per_s'):.2f}x)")
    print(f"  baseline / gopad CPU per request      {cpu_us('baseline')/cpu_us('gopad'):7.2f}x  (binary: {cpu_us('baseline-binary')/cpu_us('gopad-binary'):.2f}x)")
print(f"  gopad CPU per request above the floor  {cpu_us('gopad')-cpu_us('floor'):6.1f} us (JSON), {cpu_us('gopad-binary')-cpu_us('floor'):.1f} us (binary)")
print(f"  gopad p99                             {med('gopad','p99_ms'):7.2f} ms (target <= 10)")
print(f"  gopad binary / gopad JSON req/s       {med('gopad-binary','req_per_s')/med('gopad','req_per_s'):7.2f}x  (target >= 1.5)")
print(f"  gopad JSON / binary CPU per request   {cpu_us('gopad')/cpu_us('gopad-binary'):7.2f}x")
print(f"  at batch 32 (32 images a request): binary / JSON req/s {med('gopad-binary32','req_per_s')/med('gopad-json32','req_per_s'):.2f}x, "
      f"CPU per request JSON / binary {cpu_us('gopad-json32')/cpu_us('gopad-binary32'):.2f}x")
print(f"serve-model start to ready: median {statistics.median(ready):.1f} ms over {len(ready)} starts ({', '.join(f'{x:.0f}' for x in ready)}) (target <= 100); RSS then {statistics.median(rss_ready):.1f} MB")
print("serve-model RSS (MB) over the memory run: " + "; ".join(f"{k} {v}" for k, v in memory if "servingonly" not in k))
print("package serving alone (bench/serve/servingonly), same load: " + "; ".join(f"{k} {v}" for k, v in memory if "servingonly" in k))
PY
