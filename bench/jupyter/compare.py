"""Measures gopad's Jupyter kernel against ipykernel through jupyter_client.

Usage (compare.sh sets up the kernelspecs): compare.py ROUNDS CELLS
Both kernels go through exactly the same code; rounds alternate between them.
"""
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

KERNELS = {"gopad": "gopad", "ipykernel": "python3"}
TIMEOUT = 60


def run_cell(kc, code):
    """Sends code and waits for its idle status and execute_reply; returns the reply."""
    msg_id = kc.execute(code)
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                and m["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def start_to_first_result(name):
    """Seconds from start_kernel to the execute_reply of "1 + 1" (its result
    checked), as a user who runs a first cell waits; and the running kernel."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    # The shell channel queues the request until the kernel listens, so no
    # readiness probe is needed (and none is counted).
    msg_id = kc.execute("1 + 1")
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - t0
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"{name}: first cell failed: {reply['content']}")
    return elapsed, km, kc


def round_trips(kc, cells):
    kc.wait_for_ready(timeout=TIMEOUT)  # IOPub subscribed before timing
    for _ in range(20):  # warm up
        run_cell(kc, "1")
    times = []
    for _ in range(cells):
        t0 = time.perf_counter()
        reply = run_cell(kc, "1")
        times.append(time.perf_counter() - t0)
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"trivial cell failed: {reply['content']}")
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99)]


def main():
    rounds, cells = int(sys.argv[1]), int(sys.argv[2])
    results = {k: {"start": [], "p50": [], "p99": []} for k in KERNELS}
    for r in range(rounds):
        order = list(KERNELS) if r % 2 == 0 else list(reversed(KERNELS))
        for label in order:
            start, km, kc = start_to_first_result(KERNELS[label])
            p50, p99 = round_trips(kc, cells)
            kc.stop_channels()
            km.shutdown_kernel(now=False)
            results[label]["start"].append(start)
            results[label]["p50"].append(p50)
            results[label]["p99"].append(p99)
            print(f"round {r + 1} {label:9s} start to first result {start * 1000:8.1f} ms   "
                  f"trivial cell p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms", flush=True)
    med = {k: {f: statistics.median(v) for f, v in fs.items()} for k, fs in results.items()}
    print(f"\nmedians over {rounds} rounds ({cells} trivial cells a round):")
    for k in KERNELS:
        print(f"  {k:9s} start to first result {med[k]['start'] * 1000:8.1f} ms   trivial cell p50 {med[k]['p50'] * 1000:6.2f} ms  p99 {med[k]['p99'] * 1000:6.2f} ms")
    for f, what in [("p50", "trivial cell p50"), ("start", "start to first result")]:
        ratio = med["gopad"][f] / med["ipykernel"][f]
        print(f"  {what}: gopad / ipykernel = {ratio:.3f} (1/{1 / ratio:.1f}; target <= 1/10)")


if __name__ == "__main__":
    main()
