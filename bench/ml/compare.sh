#!/usr/bin/env bash
# Runs the PyTorch reference (../shared/bench/torch_reference.py) and gopad's ml
# benchmarks on the same data, alternately, ROUNDS times, and prints the median of
# each figure and the gopad/PyTorch ratios. The machine is shared and noisy: only
# the ratio of medians from one run means anything.
# Needs Debian's python3-torch (apt-get install -y python3-torch).
# Usage: bench/ml/compare.sh [ROUNDS]
set -euo pipefail
rounds=${1:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
ref=${TORCH_REFERENCE:-$root/../shared/bench/torch_reference.py}
[ -f "$ref" ] || { echo "compare.sh: $ref not found (set TORCH_REFERENCE)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "compare.sh: apt-get install -y python3-torch" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go test -c -o "$tmp/ml.test" ./ml)
gobench() { (cd "$root/ml" && "$tmp/ml.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2" | grep '^Benchmark' | sed 's/^/go /'); }
for _ in $(seq "$rounds"); do
	/usr/bin/python3 "$ref" mlp | sed 's/^/torch /'
	gobench 'DigitsMLPTrain$' 10x
	gobench 'DigitsMLPInferBatch1$' 300000x
	/usr/bin/python3 "$ref" lstm | sed 's/^/torch /'
	gobench 'LangIDLSTMTrain$' 3x
done >"$tmp/results"
python3 - "$tmp/results" "$rounds" <<'PY'
import json, re, statistics, sys
vals = {}
def add(k, v): vals.setdefault(k, []).append(float(v))
for line in open(sys.argv[1]):
    src, rest = line.split(" ", 1)
    if src == "torch":
        r = json.loads(rest)
        if r["workload"] == "mlp_digits":
            add("torch mlp train samples/s", r["train_samples_per_s"])
            add("torch mlp infer bs1 us", r["infer_bs1_us"])
            add("torch mlp test acc", r["test_acc"])
        else:
            add("torch lstm train seq/s", r["train_seq_per_s"])
            add("torch lstm test acc", r["test_acc"])
    else:
        name = rest.split()[0]
        for num, unit in re.findall(r"([0-9.e+]+) (\S+)", rest):
            if "DigitsMLPTrain" in name and unit == "samples/s": add("go mlp train samples/s", num)
            if "DigitsMLPInferBatch1" in name and unit.endswith("/sample"): add("go mlp infer bs1 us", num)
            if "LangIDLSTMTrain" in name and unit == "seq/s": add("go lstm train seq/s", num)
med = {k: statistics.median(v) for k, v in vals.items()}
print(f"medians over {sys.argv[2]} alternating rounds")
for k in sorted(med): print(f"  {k:28s} {med[k]:12.2f}   (runs: {', '.join(f'{x:.4g}' for x in vals[k])})")
print("ratios (gopad vs PyTorch, higher is better for gopad):")
print(f"  mlp training samples/s   {med['go mlp train samples/s']/med['torch mlp train samples/s']:8.2f}x  (target >= 5)")
print(f"  mlp batch-1 latency      {med['torch mlp infer bs1 us']/med['go mlp infer bs1 us']:8.2f}x  (target >= 10)")
print(f"  lstm training seq/s      {med['go lstm train seq/s']/med['torch lstm train seq/s']:8.2f}x  (target >= 5)")
PY
