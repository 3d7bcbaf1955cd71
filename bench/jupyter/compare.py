"""Measures gopad's Jupyter kernel against ipykernel through jupyter_client.

Usage (compare.sh sets up the kernelspecs): compare.py ROUNDS CELLS
Both kernels go through exactly the same code; rounds alternate between them.
"""
import asyncio
import statistics
import sys
import time

import zmq
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
    cpu0 = time.process_time()
    for _ in range(cells):
        t0 = time.perf_counter()
        reply = run_cell(kc, "1")
        times.append(time.perf_counter() - t0)
        if reply["content"]["status"] != "ok":
            raise SystemExit(f"trivial cell failed: {reply['content']}")
    # The CPU time this client process (jupyter_client, pyzmq and libzmq's
    # I/O thread) spends per cell: a share of the round trip that no kernel
    # can remove, and that overlaps a slow kernel's own work.
    client_cpu = (time.process_time() - cpu0) / cells
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99)], client_cpu


def async_round_trips(km, cells):
    """The trivial cell through jupyter_client's asyncio client, as nbclient,
    nbconvert and papermill use it (no nest_asyncio loop per message)."""
    from jupyter_client.asynchronous import AsyncKernelClient

    async def measure():
        kc = AsyncKernelClient()
        kc.load_connection_info(km.get_connection_info())
        kc.start_channels()
        await kc.wait_for_ready(timeout=TIMEOUT)

        async def cell():
            msg_id = kc.execute("1")
            while True:
                m = await kc.get_iopub_msg(timeout=TIMEOUT)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                        and m["content"]["execution_state"] == "idle":
                    break
            while True:
                reply = await kc.get_shell_msg(timeout=TIMEOUT)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply

        for _ in range(20):
            await cell()
        times = []
        for _ in range(cells):
            t0 = time.perf_counter()
            reply = await cell()
            times.append(time.perf_counter() - t0)
            if reply["content"]["status"] != "ok":
                raise SystemExit(f"trivial cell failed: {reply['content']}")
        kc.stop_channels()
        times.sort()
        return times[len(times) // 2]

    return asyncio.new_event_loop().run_until_complete(measure())


def raw_round_trips(km, kc, cells):
    """The same trivial cell over bare pyzmq sockets: the kernel's own share of
    the round trip, without jupyter_client's per-message decoding (the reply
    and IOPub frames are only checked for the idle status, not parsed)."""
    ctx = zmq.Context.instance()
    shell = ctx.socket(zmq.DEALER)
    shell.connect(f"{km.transport}://{km.ip}:{km.shell_port}")
    iopub = ctx.socket(zmq.SUB)
    iopub.setsockopt(zmq.SUBSCRIBE, b"")
    iopub.connect(f"{km.transport}://{km.ip}:{km.iopub_port}")
    session = kc.session
    poller = zmq.Poller()
    poller.register(shell, zmq.POLLIN)
    poller.register(iopub, zmq.POLLIN)

    def once(msg_type, content):
        msg = session.msg(msg_type, content)
        t0 = time.perf_counter()
        session.send(shell, msg)
        replied = idle = False
        while not (replied and idle):
            events = dict(poller.poll(TIMEOUT * 1000))
            if not events:
                return None
            if shell in events:
                shell.recv_multipart()
                replied = True
            if iopub in events:
                frames = iopub.recv_multipart()
                if b'"idle"' in frames[-1] and msg["header"]["msg_id"].encode() in frames[-3]:
                    idle = True
        return time.perf_counter() - t0

    # Until the SUB socket is subscribed, idle statuses are lost: probe first.
    while True:
        msg = session.msg("kernel_info_request", {})
        session.send(shell, msg)
        shell.recv_multipart()
        if iopub.poll(200):
            while iopub.poll(50):
                iopub.recv_multipart()
            break
    content = {"code": "1", "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}
    for _ in range(20):
        once("execute_request", content)
    times = sorted(once("execute_request", content) for _ in range(cells))
    shell.close(linger=0)
    iopub.close(linger=0)
    return times[len(times) // 2]


def main():
    rounds, cells = int(sys.argv[1]), int(sys.argv[2])
    results = {k: {"start": [], "p50": [], "p99": [], "raw": [], "cpu": [], "async": []} for k in KERNELS}
    # One untimed start of each first: the first start of a freshly built
    # binary or of Python's modules reads them from disk, later starts do not.
    for name in KERNELS.values():
        _, km, kc = start_to_first_result(name)
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    for r in range(rounds):
        order = list(KERNELS) if r % 2 == 0 else list(reversed(KERNELS))
        for label in order:
            start, km, kc = start_to_first_result(KERNELS[label])
            p50, p99, cpu = round_trips(kc, cells)
            raw = raw_round_trips(km, kc, cells)
            asy = async_round_trips(km, cells)
            kc.stop_channels()
            km.shutdown_kernel(now=False)
            results[label]["start"].append(start)
            results[label]["p50"].append(p50)
            results[label]["p99"].append(p99)
            results[label]["raw"].append(raw)
            results[label]["cpu"].append(cpu)
            results[label]["async"].append(asy)
            print(f"round {r + 1} {label:9s} start to first result {start * 1000:8.1f} ms   "
                  f"trivial cell p50 {p50 * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms   bare ZeroMQ p50 {raw * 1000:6.2f} ms   "
                  f"client CPU {cpu * 1000:5.2f} ms/cell   asyncio client p50 {asy * 1000:6.2f} ms", flush=True)
    med = {k: {f: statistics.median(v) for f, v in fs.items()} for k, fs in results.items()}
    print(f"\nmedians over {rounds} rounds ({cells} trivial cells a round):")
    for k in KERNELS:
        print(f"  {k:9s} start to first result {med[k]['start'] * 1000:8.1f} ms   trivial cell p50 {med[k]['p50'] * 1000:6.2f} ms  p99 {med[k]['p99'] * 1000:6.2f} ms   bare ZeroMQ p50 {med[k]['raw'] * 1000:6.2f} ms   "
              f"client CPU {med[k]['cpu'] * 1000:5.2f} ms/cell   asyncio client p50 {med[k]['async'] * 1000:6.2f} ms")
    for f, what in [("p50", "trivial cell p50"), ("start", "start to first result"),
                    ("async", "trivial cell p50 through the asyncio client (nbclient's)"),
                    ("raw", "bare ZeroMQ trivial cell p50 (no jupyter_client)")]:
        ratio = med["gopad"][f] / med["ipykernel"][f]
        print(f"  {what}: gopad / ipykernel = {ratio:.3f} (1/{1 / ratio:.1f}; target <= 1/10)")
    floor = med["gopad"]["cpu"] / med["ipykernel"]["p50"]
    print(f"  jupyter_client's own CPU per cell with gopad / ipykernel's p50 = {floor:.3f} (1/{1 / floor:.1f}): "
          "what a kernel answering in no time could at best get through this client")


if __name__ == "__main__":
    main()
