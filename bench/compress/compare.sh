#!/usr/bin/env bash
# Runs the PyTorch reference (../shared/bench/torch_reference.py mlp and lstm,
# which report PyTorch's dynamic int8 and pruned figures) and gopad's
# compression benchmarks (ml: BenchmarkQuantDigitsMLP, BenchmarkQuantLangID,
# BenchmarkPrunedDigitsMLP: 90% global L1 + 10 epochs, sparse kernels) on the same
# data and the same workload (2 threads each: torch --threads 2, GOMAXPROCS=2;
# digits MLP 30 epochs + 10 after pruning, language-ID LSTM 3 epochs on both
# sides), alternately (PyTorch first in odd rounds, gopad first in even ones),
# ROUNDS times, and prints the median of each figure and the ratios the
# issue's targets are stated in. The machine is shared and noisy: only ratios
# of medians from one run mean anything.
#
# Each invocation of the reference trains its models (about 400 s for mlp on a
# loaded 2-core machine, most of it Python's per-batch loop), so a round takes
# several minutes; every step's output is appended to OUT/results as it ends,
# with a time-stamped progress line on stderr, so a run that is stopped or
# whose step fails keeps what it measured: `compare.sh --summary OUT/results`
# prints the table of whatever rounds completed.
# Needs Debian's python3-torch (apt-get install -y python3-torch).
# Usage: bench/compress/compare.sh [ROUNDS]         (default 3; OUT=dir keeps the results there)
#        bench/compress/compare.sh --summary RESULTS
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
summary_only=
if [ "${1:-}" = "--summary" ]; then
	summary_only=${2:?usage: compare.sh --summary RESULTS}
	[ -f "$summary_only" ] || { echo "compare.sh: $summary_only not found" >&2; exit 1; }
fi
rounds=${1:-3}
if [ -z "$summary_only" ]; then
	case $rounds in '' | *[!0-9]* | 0) echo "compare.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 1 ;; esac
	ref=${TORCH_REFERENCE:-$root/../shared/bench/torch_reference.py}
	[ -f "$ref" ] || { echo "compare.sh: $ref not found (set TORCH_REFERENCE)" >&2; exit 1; }
	/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "compare.sh: apt-get install -y python3-torch" >&2; exit 1; }
	out=${OUT:-$(mktemp -d)}
	mkdir -p "$out"
	results=$out/results
	: >"$results"
	echo "compare.sh: results in $results" >&2
	(cd "$root" && go test -c -o "$out/ml.test" ./ml)
	failed=0
	# step NAME CMD...: runs one measurement, appends its lines to the results.
	step() {
		local name=$1 t0=$SECONDS
		shift
		echo "$(date -u +%T) round $r/$rounds: $name (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
		if ! "$@" >"$out/step" 2>"$out/step.err"; then
			echo "compare.sh: $name failed; its stderr:" >&2
			tail -20 "$out/step.err" >&2
			failed=1
		fi
		cat "$out/step" >>"$results"
		echo "$(date -u +%T) round $r/$rounds: $name done in $((SECONDS - t0)) s" >&2
	}
	torchrun() { /usr/bin/python3 "$ref" "$1" --threads 2 --epochs 3 | sed 's/^/torch /'; }
	gobench() {
		(cd "$root/ml" && GOMAXPROCS=2 "$out/ml.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2") >"$out/go.out" 2>&1 || { cat "$out/go.out" >&2; return 1; }
		grep '^Benchmark' "$out/go.out" | sed 's/^/go /'
	}
	gomlp() { gobench 'QuantDigitsMLP' 1s && gobench 'PrunedDigitsMLP' 2s; }
	for r in $(seq "$rounds"); do
		if [ $((r % 2)) = 1 ]; then
			step "torch mlp" torchrun mlp
			step "gopad mlp" gomlp
			step "torch lstm" torchrun lstm
			step "gopad lstm" gobench 'QuantLangID' 1s
		else
			step "gopad mlp" gomlp
			step "torch mlp" torchrun mlp
			step "gopad lstm" gobench 'QuantLangID' 1s
			step "torch lstm" torchrun lstm
		fi
	done
	[ "$failed" = 0 ] || echo "compare.sh: some steps failed (above); the table has the others" >&2
else
	results=$summary_only
	rounds="(from $results)"
fi
python3 - "$results" "$rounds" <<'PY'
import json, re, statistics, sys
vals = {}
def add(k, v): vals.setdefault(k, []).append(float(v))
for line in open(sys.argv[1]):
    src, rest = line.split(" ", 1)
    if src == "torch":
        r = json.loads(rest)
        if r["workload"] == "mlp_digits":
            for k in ("test_acc", "int8_acc", "fp32_bytes", "int8_bytes", "infer_full_samples_per_s", "int8_infer_full_samples_per_s", "infer_bs1_us", "pruned90_acc_finetune10", "train_s"):
                add("torch mlp " + k, r[k])
        else:
            for k in ("test_acc", "int8_acc", "fp32_bytes", "int8_bytes", "infer_seq_per_s", "int8_infer_seq_per_s", "train_s"):
                add("torch lstm " + k, r[k])
    else:
        name = rest.split()[0]
        p = re.match(r"BenchmarkPrunedDigitsMLP/(avx2/)?(batch1|full)-", name)
        if p:
            kernels = "avx2 " if p.group(1) else ""
            for num, unit in re.findall(r"([0-9.e+]+) (\S+)", rest):
                if unit.endswith("µs/sample") or unit.startswith("speedup") or unit.endswith("acc%") or unit.endswith("file-bytes"):
                    add(f"go pruned90 {kernels}{p.group(2)} {unit}", num)
            continue
        m = re.match(r"BenchmarkQuant(DigitsMLP|LangID)/(float32|int8)/(full|batch1)", name)
        if not m:
            continue
        work = "mlp" if m.group(1) == "DigitsMLP" else "lstm"
        for num, unit in re.findall(r"([0-9.e+]+) (\S+)", rest):
            if unit in ("samples/s", "seq/s", "µs/sample", "acc%", "bytes", "file-bytes", "weights-file-bytes"):
                add(f"go {work} {m.group(2)} {m.group(3)} {unit}", num)
med = {k: statistics.median(v) for k, v in vals.items()}
nt = len(vals.get("torch mlp test_acc", [])), len(vals.get("torch lstm test_acc", []))
ng = len(vals.get("go mlp int8 full acc%", [])), len(vals.get("go pruned90 batch1 pruned-acc%", [])), len(vals.get("go lstm int8 full acc%", []))
print(f"medians over {sys.argv[2]} alternating rounds (complete runs: torch mlp {nt[0]}, lstm {nt[1]}; gopad quant mlp {ng[0]}, pruned {ng[1]}, lstm {ng[2]})")
for k in sorted(med): print(f"  {k:46s} {med[k]:14.4f}   (runs: {', '.join(f'{x:.4g}' for x in vals[k])})")
g = lambda k: med.get(k, float("nan"))
def ok(v, good): return "" if v != v else ("  ok" if good(v) else "  MISSED")
def line(label, v, unit, target, good, extra=""):
    print(f"  {label:46s} {v:8.3f} {unit:7s} target {target:10s}{ok(v, good):8s} {extra}")
print("targets (issue 9, Performance):")
v = g('go mlp float32 full acc%') - g('go mlp int8 full acc%')
line("mlp int8 accuracy loss", v, "points", "<= 0.3", lambda v: v <= 0.3, f"(PyTorch {100*(g('torch mlp test_acc') - g('torch mlp int8_acc')):.2f}; gopad {g('go mlp float32 full acc%'):.2f} -> {g('go mlp int8 full acc%'):.2f})")
v = g('go mlp int8 full weights-file-bytes') / g('go mlp float32 full weights-file-bytes')
line("mlp int8 weights file / float32", v, "x", "<= 0.27", lambda v: v <= 0.27, f"(PyTorch state_dict {g('torch mlp int8_bytes') / g('torch mlp fp32_bytes'):.3f}; with model.json and its history {g('go mlp int8 full file-bytes') / g('go mlp float32 full file-bytes'):.3f}; weights alone {g('go mlp int8 full bytes') / g('go mlp float32 full bytes'):.3f})")
v = g('go mlp int8 full samples/s') / g('go mlp float32 full samples/s')
line("mlp int8 vs own float32, test set", v, "x", ">= 2", lambda v: v >= 2)
v = g('go mlp int8 full samples/s') / g('torch mlp int8_infer_full_samples_per_s')
line("mlp int8 vs PyTorch int8, test set", v, "x", ">= 3", lambda v: v >= 3, f"(gopad {g('go mlp int8 full samples/s'):.0f}/s, PyTorch {g('torch mlp int8_infer_full_samples_per_s'):.0f}/s)")
v = g('go mlp float32 batch1 µs/sample') / g('go mlp int8 batch1 µs/sample')
line("mlp int8 vs own float32, batch 1", v, "x", ">= 1", lambda v: v >= 1, f"(float32 {g('go mlp float32 batch1 µs/sample'):.2f} µs, int8 {g('go mlp int8 batch1 µs/sample'):.2f} µs; PyTorch float32 {g('torch mlp infer_bs1_us'):.1f} µs)")
v = g('go lstm float32 full acc%') - g('go lstm int8 full acc%')
line("lstm int8 accuracy loss", v, "points", "<= 0.5", lambda v: v <= 0.5, f"(PyTorch {100*(g('torch lstm test_acc') - g('torch lstm int8_acc')):.2f}; gopad {g('go lstm float32 full acc%'):.2f} -> {g('go lstm int8 full acc%'):.2f})")
v = g('go lstm int8 full weights-file-bytes') / g('go lstm float32 full weights-file-bytes')
line("lstm int8 weights file / float32", v, "x", "<= 0.28", lambda v: v <= 0.28, f"(PyTorch state_dict {g('torch lstm int8_bytes') / g('torch lstm fp32_bytes'):.3f}; with model.json and its history {g('go lstm int8 full file-bytes') / g('go lstm float32 full file-bytes'):.3f}; weights alone {g('go lstm int8 full bytes') / g('go lstm float32 full bytes'):.3f})")
v = g('go lstm int8 full seq/s') / g('go lstm float32 full seq/s')
line("lstm int8 vs own float32", v, "x", ">= 1.5", lambda v: v >= 1.5)
v = g('go lstm int8 full seq/s') / g('torch lstm int8_infer_seq_per_s')
line("lstm int8 vs PyTorch int8", v, "x", "-", lambda v: True, f"(gopad {g('go lstm int8 full seq/s'):.0f}/s, PyTorch {g('torch lstm int8_infer_seq_per_s'):.0f}/s)")
v = g('go pruned90 batch1 pruned-acc%')
line("mlp pruned 90% + 10 ep accuracy", v, "%", ">= 97.0", lambda v: v >= 97.0, f"(PyTorch {100*g('torch mlp pruned90_acc_finetune10'):.2f}; gopad dense {g('go pruned90 batch1 dense-acc%'):.2f}, pruned+int8 {g('go pruned90 batch1 pruned-int8-acc%'):.2f})")
v = g('go pruned90 batch1 pruned-weights-file-bytes') / g('go pruned90 batch1 dense-weights-file-bytes')
line("mlp pruned 90% weights file / dense", v, "x", "<= 0.2", lambda v: v <= 0.2, f"(with model.json {g('go pruned90 batch1 pruned-file-bytes') / g('go pruned90 batch1 dense-file-bytes'):.3f})")
v = g('go pruned90 batch1 pruned-int8-weights-file-bytes') / g('go pruned90 batch1 dense-weights-file-bytes')
line("mlp pruned 90% + int8 weights file / dense", v, "x", "<= 0.08", lambda v: v <= 0.08, f"(int8 per tensor; with model.json {g('go pruned90 batch1 pruned-int8-file-bytes') / g('go pruned90 batch1 dense-file-bytes'):.3f})")
v = g('go pruned90 batch1 dense-µs/sample') / g('go pruned90 batch1 pruned-sparse-µs/sample')
line("mlp pruned 90% vs dense, batch 1", v, "x", ">= 2", lambda v: v >= 2, f"(ratio of medians; per-round: {', '.join(f'{x:.2f}' for x in vals.get('go pruned90 batch1 speedup-vs-dense', []))})")
v = g('go pruned90 full dense-µs/sample') / g('go pruned90 full pruned-sparse-µs/sample')
line("mlp pruned 90% vs dense, test set", v, "x", "-", lambda v: True)
v = g('go pruned90 avx2 batch1 dense-µs/sample') / g('go pruned90 avx2 batch1 pruned-sparse-µs/sample')
line("  same, AVX2 kernels (no AVX-512), batch 1", v, "x", ">= 2", lambda v: v >= 2, f"(per-round: {', '.join(f'{x:.2f}' for x in vals.get('go pruned90 avx2 batch1 speedup-vs-dense', []))})")
v = g('go pruned90 avx2 full dense-µs/sample') / g('go pruned90 avx2 full pruned-sparse-µs/sample')
line("  same, AVX2 kernels, test set", v, "x", "-", lambda v: True)
PY
