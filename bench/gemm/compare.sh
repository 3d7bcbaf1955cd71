#!/usr/bin/env bash
# Times OpenBLAS sgemm (../shared/bench/gemm_openblas.c) and gopad's Go Sgemm
# (ml/internal/gemm/cmd/gemmbench) alternately, ROUNDS times each, single-
# threaded and with their default threading (OpenBLAS: all cores; Go: 2
# goroutines), and prints the median GFLOP/s of each and the Go/OpenBLAS ratios.
# Needs libopenblas-dev and a C compiler. Usage: bench/gemm/compare.sh [ROUNDS]
set -euo pipefail
rounds=${1:-7}
root=$(cd "$(dirname "$0")/../.." && pwd)
ref=${GEMM_OPENBLAS_C:-$root/../shared/bench/gemm_openblas.c}
[ -f "$ref" ] || { echo "compare.sh: $ref not found (set GEMM_OPENBLAS_C)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 "$ref" -o "$tmp/openblas" -lopenblas || { echo "compare.sh: cannot build $ref (apt-get install -y libopenblas-dev)" >&2; exit 1; }
(cd "$root" && go build -o "$tmp/gobench" ./ml/internal/gemm/cmd/gemmbench)
for _ in $(seq "$rounds"); do
	OPENBLAS_NUM_THREADS=1 "$tmp/openblas" | sed 's/^/openblas_1thread /'
	"$tmp/gobench" -threads 1 | sed 's/^/go_1thread /'
	"$tmp/openblas" | sed 's/^/openblas_default /'
	"$tmp/gobench" -threads 2 | sed 's/^/go_2threads /'
done >"$tmp/results"
python3 - "$tmp/results" "$rounds" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, js = line.split(" ", 1)
    r = json.loads(js)
    runs.setdefault((name, r["n"]), []).append(r["gflops"])
med = {k: statistics.median(v) for k, v in runs.items()}
print(f"median GFLOP/s over {sys.argv[2]} alternating rounds")
print(f"{'n':>5} {'openblas_1t':>12} {'go_1t':>8} {'ratio':>6} {'openblas_def':>13} {'go_2t':>8} {'ratio':>6}")
for n in sorted({n for _, n in med}):
    o1, g1 = med[("openblas_1thread", n)], med[("go_1thread", n)]
    od, g2 = med[("openblas_default", n)], med[("go_2threads", n)]
    print(f"{n:>5} {o1:>12.1f} {g1:>8.1f} {g1/o1:>6.2f} {od:>13.1f} {g2:>8.1f} {g2/od:>6.2f}")
PY
