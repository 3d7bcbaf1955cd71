"""Drives a gopad kernel through jupyter_client, as JupyterLab and nbclient do.

Run by main_jupyter_test.go with JUPYTER_PATH pointing at an installed gopad
kernelspec; argv[1] is the file the kernel's stderr goes to. Each check prints
"ok: NAME"; the first failure prints "FAIL: NAME: why" and exits 1.
"""
import json
import os
import queue
import signal
import sys

import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

TIMEOUT = 60  # seconds; generous for a loaded machine, never waited out when all is well

log_path = sys.argv[1]


def fail(name, why):
    print(f"FAIL: {name}: {why}", flush=True)
    sys.exit(1)


def ok(name):
    print(f"ok: {name}", flush=True)


def check(name, cond, why):
    if not cond:
        fail(name, why)


def collect(kc, msg_id):
    """IOPub messages of msg_id up to its idle status, then its shell reply."""
    msgs = []
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return msgs, reply


def execute(kc, code, **kw):
    return collect(kc, kc.execute(code, **kw))


def types(msgs):
    return [m["msg_type"] for m in msgs]


def wait_for_iopub(kc, msg_id, msg_type):
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == msg_type:
            return m


def control_request(msg_type, content):
    """Sends a request on a control socket of our own and returns its reply."""
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"{km.transport}://{km.ip}:{km.control_port}")
    try:
        sent = kc.session.send(sock, msg_type, content)
        while True:
            if not sock.poll(TIMEOUT * 1000):
                fail(msg_type, "no reply on the control channel")
            _, reply = kc.session.recv(sock, mode=zmq.NOBLOCK)
            if reply["parent_header"].get("msg_id") == sent["header"]["msg_id"]:
                return reply
    finally:
        sock.close()


def start(km):
    km.start_kernel(stdout=log, stderr=log)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return kc


log = open(log_path, "ab")
km = KernelManager(kernel_name="gopad")
check("kernelspec", km.kernel_spec.display_name == "Go (gopad)", f"display name {km.kernel_spec.display_name!r}")
check("kernelspec", km.kernel_spec.interrupt_mode == "message", f"interrupt_mode {km.kernel_spec.interrupt_mode!r}")
ok("kernelspec")
kc = start(km)

# kernel_info_request
msg_id = kc.kernel_info()
reply = kc.get_shell_msg(timeout=TIMEOUT)
c = reply["content"]
check("kernel_info", reply["msg_type"] == "kernel_info_reply" and reply["parent_header"]["msg_id"] == msg_id, reply)
check("kernel_info", tuple(int(x) for x in c["protocol_version"].split(".")) >= (5, 3), c["protocol_version"])
check("kernel_info", c["language_info"]["name"] == "go" and c["language_info"]["file_extension"] == ".go", c["language_info"])
check("kernel_info", c["implementation"] == "gopad" and "gopad" in c["banner"], c)
check("kernel_info", c["help_links"] and all(l["url"].startswith("https://") for l in c["help_links"]), c["help_links"])
check("kernel_info", reply["header"]["version"] >= "5.3", reply["header"])
ok("kernel_info")

msgs, reply = execute(kc, 'import (\n\t"fmt"\n\t"image"\n\t"os"\n\t"strings"\n\t"time"\n\n\t"gopad/display"\n)')
check("import", reply["content"]["status"] == "ok", reply["content"])

# execute_request: execute_input, busy/idle, stream, execute_result, execute_reply
msgs, reply = execute(kc, 'greeting := "hello"\nfmt.Println(greeting)\nfmt.Fprintln(os.Stderr, "warn")\nlen(greeting) * 2')
t = types(msgs)
check("execute", t[0] == "status" and msgs[0]["content"]["execution_state"] == "busy", t)
check("execute", t[1] == "execute_input" and "fmt.Println(greeting)" in msgs[1]["content"]["code"], msgs[1])
count = msgs[1]["content"]["execution_count"]
streams = {}
for m in msgs:
    if m["msg_type"] == "stream":
        streams[m["content"]["name"]] = streams.get(m["content"]["name"], "") + m["content"]["text"]
check("execute", streams == {"stdout": "hello\n", "stderr": "warn\n"}, streams)
results = [m["content"] for m in msgs if m["msg_type"] == "execute_result"]
check("execute", len(results) == 1 and results[0]["data"]["text/plain"] == "10" and results[0]["execution_count"] == count, results)
check("execute", reply["content"]["status"] == "ok" and reply["content"]["execution_count"] == count, reply["content"])
ok("execute")

msgs, reply = execute(kc, "greeting + \"!\"")
check("execution_count", reply["content"]["execution_count"] == count + 1, (count, reply["content"]))
check("state", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ['"hello!"'] or
      [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ['hello!'], types(msgs))
ok("execution_count")

# error
msgs, reply = execute(kc, "undefinedName + 1")
errors = [m["content"] for m in msgs if m["msg_type"] == "error"]
check("error", len(errors) == 1 and "undefinedName" in errors[0]["evalue"] and errors[0]["traceback"], errors)
check("error", reply["content"]["status"] == "error" and reply["content"]["ename"] == errors[0]["ename"], reply["content"])
ok("error")

# stdin: a cell reading standard input (fmt.Scanln, then bufio on os.Stdin)
# sends an input_request on the stdin channel, parented to the cell, and
# reads the input_reply's line
code = ('import "bufio"\nvar name string\nfmt.Print("name? ")\n_, err := fmt.Scanln(&name)\n'
        'line, err2 := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\nfmt.Sprintf("%s|%q|%v|%v", name, line, err, err2)')
msg_id = kc.execute(code, allow_stdin=True)
for answer in ["gopher", "a second line"]:
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    check("stdin", req["msg_type"] == "input_request" and req["parent_header"]["msg_id"] == msg_id, req)
    check("stdin", req["content"]["password"] is False and req["content"]["prompt"] == "", req["content"])
    kc.input(answer)
msgs, reply = collect(kc, msg_id)
check("stdin", reply["content"]["status"] == "ok", reply["content"])
results = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
check("stdin", results == ['gopher|"a second line\\n"|<nil>|<nil>'], results)
out = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
check("stdin", out == "name? ", out)
# with allow_stdin false, no input_request: the cell's stderr says why and the
# read gets end of file, instead of waiting for ever
msgs, reply = execute(kc, "var line string\n_, err := fmt.Scanln(&line)\nerr", allow_stdin=False)
check("stdin", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["EOF"], msgs)
err = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
check("stdin", "reads standard input" in err and "allow_stdin" in err, err)
try:
    stray = kc.get_stdin_msg(timeout=0)
    fail("stdin", f"an input_request came though allow_stdin was false: {stray}")
except queue.Empty:
    pass
# an interrupt ends a wait for input: the cell stops, Interrupted
msg_id = kc.execute("var x string\nfmt.Scanln(&x)\nx", allow_stdin=True)
req = kc.get_stdin_msg(timeout=TIMEOUT)
check("stdin", req["parent_header"]["msg_id"] == msg_id, req)
km.interrupt_kernel()
msgs, reply = collect(kc, msg_id)
check("stdin", reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"])
msgs, reply = execute(kc, "greeting")
check("stdin", reply["content"]["status"] == "ok", reply["content"])
# a cell that reads 10 bytes of a line longer than a pipe holds ends, and what
# it left unread does not reach the next cell, which gets its own input
msg_id = kc.execute("part := make([]byte, 10)\nn, _ := os.Stdin.Read(part)\nn", allow_stdin=True)
kc.get_stdin_msg(timeout=TIMEOUT)
kc.input("x" * 200000)
msgs, reply = collect(kc, msg_id)
check("stdin", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["10"], types(msgs))
msg_id = kc.execute("var fresh string\nfmt.Scanln(&fresh)\nfresh", allow_stdin=True)
kc.get_stdin_msg(timeout=TIMEOUT)
kc.input("own line")
msgs, reply = collect(kc, msg_id)
check("stdin", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["own"], types(msgs))
# a password: term.ReadPassword(int(os.Stdin.Fd())), the way Go programs ask
# for hidden input, sends an input_request with password true and returns
# the line; a plain read after it asks without password again
code = ('import "golang.org/x/term"\nfmt.Print("password: ")\nsecret, err := term.ReadPassword(int(os.Stdin.Fd()))\n'
        'var after string\nfmt.Scanln(&after)\nfmt.Sprintf("%s|%v|%s", secret, err, after)')
msg_id = kc.execute(code, allow_stdin=True)
req = kc.get_stdin_msg(timeout=TIMEOUT)
check("stdin", req["parent_header"]["msg_id"] == msg_id and req["content"]["password"] is True, req["content"])
kc.input("s3cret")
req = kc.get_stdin_msg(timeout=TIMEOUT)
check("stdin", req["content"]["password"] is False, req["content"])
kc.input("plain")
msgs, reply = collect(kc, msg_id)
check("stdin", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["s3cret|<nil>|plain"], msgs)
# without input, ReadPassword gets end of file, as a Go program's would
msgs, reply = execute(kc, 'import "golang.org/x/term"\n_, err := term.ReadPassword(0)\nerr', allow_stdin=False)
check("stdin", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["EOF"], msgs)
ok("stdin")

# stop_on_error: cells sent together after a failing one are aborted, not run
# (as JupyterLab's Run All expects); with stop_on_error=False they run
# The first cell waits for a gate file, made once the kernel has all four
# requests: the is_complete_request sent after them on the same socket is
# answered by the transport's reader, in order, so its reply proves it.
gate = os.path.join(os.path.dirname(os.path.abspath(log_path)), "gate")
wait_gate = f'for {{\n\tif _, err := os.Stat({json.dumps(gate)}); err == nil {{\n\t\tbreak\n\t}}\n\ttime.Sleep(time.Millisecond)\n}}'
ids = [kc.execute(wait_gate), kc.execute("undefinedName"), kc.execute("ranAfter := 1"), kc.execute("ranAfter2 := 2")]
kc.is_complete("x")
replies = {}
m = kc.get_shell_msg(timeout=TIMEOUT)
check("stop_on_error", m["msg_type"] == "is_complete_reply", m)
open(gate, "w").close()
while len(replies) < len(ids):
    m = kc.get_shell_msg(timeout=TIMEOUT)
    replies[m["parent_header"]["msg_id"]] = m["content"]["status"]
check("stop_on_error", [replies[i] for i in ids] == ["ok", "error", "aborted", "aborted"], [replies[i] for i in ids])
os.remove(gate)
ids = [kc.execute(wait_gate), kc.execute("undefinedName", stop_on_error=False), kc.execute("ranAfter := 3")]
kc.is_complete("x")
replies = {}
m = kc.get_shell_msg(timeout=TIMEOUT)
check("stop_on_error", m["msg_type"] == "is_complete_reply", m)
open(gate, "w").close()
while len(replies) < len(ids):
    m = kc.get_shell_msg(timeout=TIMEOUT)
    replies[m["parent_header"]["msg_id"]] = m["content"]["status"]
check("stop_on_error", [replies[i] for i in ids] == ["ok", "error", "ok"], [replies[i] for i in ids])
# More requests waiting at once than the transport keeps routes for (1024):
# each is still answered, in order
os.remove(gate)
ids = [kc.execute(wait_gate)] + [kc.execute(f"{i}") for i in range(1100)]
kc.is_complete("x")
m = kc.get_shell_msg(timeout=TIMEOUT)
check("many_waiting", m["msg_type"] == "is_complete_reply", m)
open(gate, "w").close()
order = []
while len(order) < len(ids):
    m = kc.get_shell_msg(timeout=TIMEOUT)
    check("many_waiting", m["content"]["status"] == "ok", m["content"])
    order.append(m["parent_header"]["msg_id"])
check("many_waiting", order == ids, "replies out of order")
ok("many_waiting")

msgs, reply = execute(kc, "ranAfter")
check("stop_on_error", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["3"], types(msgs))
ok("stop_on_error")

# display_data with a transient display id, update_display_data, standard MIME types
msgs, reply = execute(kc, 'h := display.Show(display.HTML("<b>one</b>"))\nh.Update(display.HTML("<b>two</b>"))\ndisplay.Show(display.Markdown("*md*"))\n'
                          'display.Show(display.JSON(map[string]int{"a": 1}))\nimg := image.NewRGBA(image.Rect(0, 0, 4, 4))\ndisplay.Show(img)')
shown = [m["content"] for m in msgs if m["msg_type"] == "display_data"]
updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"]
check("display_data", len(shown) == 4, types(msgs))
check("display_data", shown[0]["data"]["text/html"] == "<b>one</b>" and shown[0]["transient"]["display_id"], shown[0])
check("update_display_data", len(updates) == 1 and updates[0]["transient"]["display_id"] == shown[0]["transient"]["display_id"]
      and updates[0]["data"]["text/html"] == "<b>two</b>", updates)
check("display_data", "text/markdown" in shown[1]["data"] and shown[2]["data"]["application/json"] == {"a": 1}
      and shown[3]["data"]["image/png"], [s["data"].keys() for s in shown])
ok("display_data")
ok("update_display_data")

# a chart: gopad's ECharts MIME type with its text/plain fallback
msgs, reply = execute(kc, 'display.LineChart("c", nil, map[string][]float64{"y": {1, 2, 3}})')
results = [m["content"] for m in msgs if m["msg_type"] == "execute_result"]
check("chart", len(results) == 1 and "application/vnd.gopad.echarts+json" in results[0]["data"] and "text/plain" in results[0]["data"], results)
ok("chart")

# ml.Publish: a Jupyter-started kernel has no gopad server to publish into,
# so it refuses, saying why and what to do instead; TryPublish returns that
msgs, reply = execute(kc, 'import "gopad/ml"\nml.SetSeed(1)\n'
                          'xorData := ml.NewDataset(ml.FromSlice([]float32{0, 0, 1, 1, 0, 1, 0, 1}, 4, 2), ml.FromSlice([]float32{0, 1, 1, 0}, 4))\n'
                          'xor := ml.Sequential(ml.Linear(2, 4), ml.ReLU(), ml.Linear(4, 2))\n'
                          'xor.Fit(xorData, ml.FitConfig{Epochs: 1, BatchSize: 4, Loss: ml.CrossEntropy(), Seed: 1})\n'
                          'ml.Publish(xor, "xor")')
c = reply["content"]
check("publish_refused", c["status"] == "error" and "started by a Jupyter client, which cannot publish" in c["evalue"]
      and "gopad serve-model" in c["evalue"], c)
msgs, reply = execute(kc, '_, publishErr := ml.TryPublish(xor, "xor")\npublishErr.Error()')
results = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
check("publish_refused", len(results) == 1 and "cannot publish" in results[0], results)
ok("publish_refused")

# complete_request
code = "fmt.Prin"
msg_id = kc.complete(code, len(code))
reply = kc.get_shell_msg(timeout=TIMEOUT)
c = reply["content"]
check("complete", reply["parent_header"]["msg_id"] == msg_id and c["status"] == "ok", reply)
check("complete", "Println" in c["matches"] and code[c["cursor_start"]:c["cursor_end"]] == "Prin", c)
ok("complete")

# inspect_request: go doc of the symbol under the cursor
code = "strings.ToUpper"
msg_id = kc.inspect(code, len(code))
reply = kc.get_shell_msg(timeout=TIMEOUT)
c = reply["content"]
check("inspect", c["status"] == "ok" and c["found"] and "func ToUpper(s string) string" in c["data"]["text/plain"], c)
ok("inspect")

# is_complete_request
for code, want in [("x := 1", "complete"), ("for i := 0; i < 3; i++ {", "incomplete"), ("s := `raw", "incomplete"), ("a := 1 +", "incomplete"), ("}", "invalid")]:
    msg_id = kc.is_complete(code)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    check("is_complete", reply["msg_type"] == "is_complete_reply" and reply["content"]["status"] == want, (code, reply["content"]))
ok("is_complete")

# comm_info_request
msg_id = kc.comm_info()
reply = kc.get_shell_msg(timeout=TIMEOUT)
check("comm_info", reply["msg_type"] == "comm_info_reply" and reply["content"] == {"status": "ok", "comms": {}}, reply["content"])
ok("comm_info")

# heartbeat: a raw REQ socket gets its ping echoed
ctx = zmq.Context.instance()
hb = ctx.socket(zmq.REQ)
hb.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
hb.send(b"ping-gopad")
check("heartbeat", hb.poll(TIMEOUT * 1000) and hb.recv() == b"ping-gopad", "no echo")
hb.close()
ok("heartbeat")

# A message signed with another key is dropped: it never runs and gets no
# reply, and the kernel logs it. The good request sent after it on the same
# socket is answered first and proves the bad one was not run.
bad = Session(key=b"not-the-key", session=kc.session.session, username=kc.session.username)
bad_msg = bad.msg("execute_request", {"code": "forged := 1", "silent": False, "store_history": True,
                                      "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
bad.send(kc.shell_channel.socket, bad_msg)
msgs, reply = execute(kc, "forged")
check("bad_signature", reply["content"]["status"] == "error" and "forged" in reply["content"]["evalue"], reply["content"])
msgs, reply = execute(kc, "1")  # any reply to the forged request would have come before this one's
check("bad_signature", reply["content"]["status"] == "ok", reply["content"])
log.flush()
with open(log_path, "rb") as f:
    check("bad_signature", b"bad signature" in f.read(), "the kernel's log does not mention the dropped message")
ok("bad_signature")

# interrupt_request on the control channel stops a running loop; state survives
# (the loop prints first: once its output arrives, the cell is surely running)
msgs, reply = execute(kc, "n := 0")
loop = 'fmt.Println("looping")\nfor {\n\tn++\n}'
msg_id = kc.execute(loop)
wait_for_iopub(kc, msg_id, "stream")
km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on control, as JupyterLab's server sends
msgs, reply = collect(kc, msg_id)
check("interrupt", reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"])
msgs, reply = execute(kc, "n >= 0 && greeting == \"hello\"")
check("interrupt", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["true"], msgs)
# the interrupt_reply itself, on a control socket of our own
msg_id = kc.execute(loop)
wait_for_iopub(kc, msg_id, "stream")
ireply = control_request("interrupt_request", {})
check("interrupt", ireply["msg_type"] == "interrupt_reply" and ireply["content"]["status"] == "ok", ireply)
msgs, reply = collect(kc, msg_id)
check("interrupt", reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"])
ok("interrupt_request")

# kernel_info_request on control is answered while a cell runs
msg_id = kc.execute(loop)
wait_for_iopub(kc, msg_id, "stream")
info = control_request("kernel_info_request", {})
check("control_kernel_info", info["msg_type"] == "kernel_info_reply" and info["content"]["language_info"]["name"] == "go"
      and info["content"]["banner"], info)
control_request("interrupt_request", {})
msgs, reply = collect(kc, msg_id)
check("control_kernel_info", reply["content"]["ename"] == "Interrupted", reply["content"])
ok("control_kernel_info")

# SIGINT stops a running loop too
msg_id = kc.execute(loop)
wait_for_iopub(kc, msg_id, "stream")
km.signal_kernel(signal.SIGINT)
msgs, reply = collect(kc, msg_id)
check("sigint", reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"])
msgs, reply = execute(kc, "greeting")
check("sigint", reply["content"]["status"] == "ok", reply["content"])
ok("sigint")

# shutdown_request with restart: the reply says restart, the process ends,
# and the restarted kernel starts fresh
reply = control_request("shutdown_request", {"restart": True})
check("shutdown", reply["msg_type"] == "shutdown_reply" and reply["content"]["restart"] is True and reply["content"]["status"] == "ok", reply)
process = km.provisioner.process
check("shutdown", process.wait(timeout=TIMEOUT) == 0, f"exit status {process.returncode}")
kc.stop_channels()
km.restart_kernel(now=True)
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=TIMEOUT)
msgs, reply = execute(kc, "greeting")
check("restart", reply["content"]["status"] == "error" and "greeting" in reply["content"]["evalue"], reply["content"])
ok("shutdown_restart")

kc.stop_channels()
km.shutdown_kernel(now=False)
check("shutdown", not km.is_alive(), "the kernel is still alive after shutdown_kernel")
ok("shutdown")

# the ipc transport (Unix sockets) works as tcp does
km = KernelManager(kernel_name="gopad", transport="ipc", ip=os.path.join(os.path.dirname(os.path.abspath(log_path)), "kernel-ipc"))
kc = start(km)
msgs, reply = execute(kc, "20 + 22")
check("ipc", [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["42"], types(msgs))
kc.stop_channels()
km.shutdown_kernel(now=False)
ok("ipc")
