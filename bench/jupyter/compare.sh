#!/usr/bin/env bash
# Compares gopad's Jupyter kernel with ipykernel through the same client,
# jupyter_client, on this machine in one run (compare.py does the measuring):
#   - trivial cell round trip: execute_request to the idle status and the
#     execute_reply, p50 over CELLS cells a round;
#   - kernel start to first result: KernelManager.start_kernel to the
#     execute_reply of a first cell, with a fresh client;
#   - the trivial cell again over bare pyzmq sockets (signed the same way, replies
#     not decoded): the kernels' own share, without jupyter_client's decoding;
#   - the client's own CPU time per trivial cell (jupyter_client, pyzmq and
#     libzmq's I/O thread, time.process_time): what no kernel can take away;
#   - the trivial cell through jupyter_client's asyncio client (AsyncKernelClient,
#     as nbclient, nbconvert and papermill use it).
# Kernels are measured alternately, ROUNDS rounds each; it prints the median of
# each round's figure and the ratios (the target is gopad <= 1/10 of ipykernel).
# Needs Debian's python3-jupyter-client and python3-ipykernel.
# Usage: bench/jupyter/compare.sh [ROUNDS] [CELLS]
set -euo pipefail
rounds=${1:-5}
cells=${2:-300}
root=$(cd "$(dirname "$0")/../.." && pwd)
/usr/bin/python3 -c 'import jupyter_client, ipykernel' 2>/dev/null ||
	{ echo "compare.sh: apt-get install -y python3-jupyter-client python3-ipykernel" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/gopad" .)
"$tmp/gopad" jupyter install --prefix "$tmp/prefix" >/dev/null
export JUPYTER_PATH="$tmp/prefix/share/jupyter" JUPYTER_RUNTIME_DIR="$tmp/runtime" PYDEVD_DISABLE_FILE_VALIDATION=1
/usr/bin/python3 "$root/bench/jupyter/compare.py" "$rounds" "$cells"
