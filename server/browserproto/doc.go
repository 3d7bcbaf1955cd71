// Package browserproto is the authoritative protocol between gopad's browser app
// (frontend/) and its notebook server (server/): the HTTP routes, the websocket
// messages and the Go types that encode them. The frontend follows the JSON
// described here, not the Go names; any change to it is listed in the changelog
// below so the frontend can mirror it. The package depends on nothing of gopad's, so
// anything (the server, tests, tools) can speak the protocol without importing the
// server.
//
// # Changelog
//
// Newest first:
//
//   - v1.2: notebook trust, as Jupyter's. snapshot carries "untrusted": the ids of
//     cells whose outputs were read from a file this user has not trusted (absent
//     when none); the browser draws their HTML without script. A cell's outputs
//     become trusted when they are cleared (a new run, clear_outputs). The browser
//     sends {"type":"trust"} when the user trusts the notebook; every tab then gets
//     {"type":"trusted"}, and the saved file is recorded as trusted
//     (server.Config.TrustFile). Charts are drawn without notebook script in every case.
//   - v1.1: a code cell that ran to a reply has Jupyter's run timing in its
//     metadata, saved with the notebook and in snapshots: "execution" =
//     {"iopub.status.busy","iopub.execute_input","shell.execute_reply",
//     "iopub.status.idle"}, RFC 3339 UTC times with milliseconds. Clearing a cell's
//     outputs (clear_outputs, a new run, a change to markdown/raw) removes it, and
//     outputs_cleared is also sent when only the timing was there. Live frames do
//     not carry it; cell_state's elapsed_ms stays the live timing.
//   - v1: initial version, identical to ws-protocol.md, plus the precisions below.
//
// The precisions of v1:
//
//   - frames on one connection arrive in order; the snapshot is the first frame
//     after hello, and every later frame is an update applied on top of it;
//   - "hello" is sent first on every connection: {"type":"hello","conn_id":"c3"}; the
//     browser compares cell_source.origin with its conn_id to skip its own echoes;
//   - snapshot.kernel is {"state","reason"?}; state is also "none" when no kernel
//     process runs (before first start; after shutdown);
//   - an unknown cell id in any message answers {"type":"error","message"}; the
//     known ids of an "execute" are still queued; markdown and raw cells in an
//     "execute" are skipped (the browser renders them);
//   - on the wire, every multi-line string (source, stream text, text/* data) is
//     one string, never nbformat's list of lines; live display_data outputs carry
//     "transient":{"display_id"} (never saved to the file);
//   - cell_state "idle" carries "execution_count" (absent if the run was aborted or
//     failed before counting) and "elapsed_ms" (absent when a queued cell was
//     dropped); "running" carries "started_ms" (Unix ms);
//   - cell_source is not echoed to the connection that sent the edit_cell;
//   - outputs_cleared also resets the cell's execution_count;
//   - stream text is stored in chunks of about 16 KB and at most 8 MB per cell (the
//     oldest text is dropped, with a note); a snapshot may therefore hold several
//     consecutive stream outputs, and fewer than a tab received live;
//   - after an error (or interrupt, restart, kernel death) the queued cells are
//     dropped (cell_state idle without elapsed_ms), as Jupyter's run-all stops;
//   - output printed between cells by a goroutine a cell left running is added to
//     the cell that ran last;
//   - a tab whose outgoing queue overflows (4096 frames) is disconnected; on
//     reconnecting it gets a fresh snapshot;
//   - a running cell's outputs are cleared when it starts running ("outputs_cleared"
//     is sent then), like Jupyter;
//   - "saved" carries "mtime" as Unix milliseconds;
//   - "complete" always gets a complete_reply; with no kernel running, or when the
//     kernel cannot complete, its matches are empty (no error frame);
//   - GET /api/kernels entries also carry "clients" (tabs attached);
//   - a websocket may attach to an open notebook whose file vanished; the session
//     keeps the document and reports a conflict on the next save;
//   - "kernel_status" "dead" carries "reason"; a later "execute" or "restart" starts a
//     fresh kernel.
//
// # HTTP
//
// Every route needs the token: `?token=T` once (the server answers with an HttpOnly
// SameSite=Strict cookie "gopad_token_<port>": browsers share cookies between the
// ports of one host, so two gopad servers must not overwrite each other's; the app
// should drop ?token from the address bar with history.replaceState), or the header
// `Authorization: token T` (or `Bearer T`; other schemes, such as Basic from an
// authenticating proxy, are ignored and the query or cookie decides). Requests whose Host is not 127.0.0.1/localhost/[::1] are
// refused (403) while the server listens on a loopback address (DNS rebinding).
// State-changing requests (everything but GET and HEAD) and the websocket handshake
// pass net/http's CrossOriginProtection: a Sec-Fetch-Site other than same-origin or
// none is refused (403), and without it an Origin that is not the Host. Cookie
// requests other than the handshake also need the header `X-Gopad-CSRF: 1` (a
// custom header cannot be sent cross-origin without a CORS preflight, which covers
// old browsers that send neither Sec-Fetch-Site nor Origin; not needed when the
// token came in the Authorization header, which a browser never adds by itself).
// Without a valid token, API routes answer 401 {"error"}; pages answer 401 with a short
// HTML page asking for the tokenized URL.
//
//	GET  /                        the app's index.html (tree view)
//	GET  /nb/<path>               the same index.html (the app shows the notebook)
//	GET  /static/...              embedded frontend/dist assets (public: no token needed; the
//	                              sandboxed output frames load output.html, frame.js and
//	                              echarts.min.js from an opaque origin without the cookie)
//	GET  /api/contents?path=DIR   ContentsListing
//	POST /api/contents/new        {"dir","name"?} -> {"path"}
//	POST /api/contents/rename     {"path","new_path"} -> {"path"}
//	POST /api/contents/duplicate  {"path"} -> {"path"}
//	POST /api/contents/delete     {"path"} -> {}
//	POST /api/contents/upload?dir=D   multipart, field "file" (.gonb/.ipynb validated) -> {"path"}
//	GET  /api/contents/download?path=P&format=gonb|ipynb|html
//	POST /api/examples/open       {"name","fresh"?} -> OpenExampleReply: the user's copy
//	                              examples/NAME, made at the first open; "fresh" makes a new one
//	GET  /api/kernels             [KernelInfo]
//	POST /api/kernels/shutdown    {"path"} -> {}
//
// Errors are JSON {"error": "clear message"} with a 4xx/5xx status.
//
// # Websocket
//
// GET /api/ws?path=P (token cookie or header; Origin must match Host). JSON text
// frames, each {"type": ..., ...}. One session per notebook on the server; any number
// of tabs attach to it. Browser -> server frames are ClientMessage; server -> browser
// frames are the *Msg types below. Frames larger than MaxFrameSize are refused (the
// connection is closed with status 1009, as gorilla/websocket does).
//
// Browser -> server:
//
//	{"type":"edit_cell","cell_id","source"}                 debounced full source of one cell
//	{"type":"insert_cell","index","cell_type":"code|markdown|raw","cell_id"?,"source"?}
//	{"type":"delete_cell","cell_id"}
//	{"type":"move_cell","cell_id","index"}
//	{"type":"set_cell_type","cell_id","cell_type"}
//	{"type":"split_cell","cell_id","offset"}                offset in Unicode code points (JS string index is UTF-16: convert)
//	{"type":"merge_cells","cell_ids":[...]}                 merged into the first, joined by "\n"
//	{"type":"execute","cell_ids":[...]}                     queued in order; the server runs the document's source
//	{"type":"interrupt"}
//	{"type":"restart","run_all":bool}
//	{"type":"clear_outputs","cell_ids":[...]}               all cells if empty
//	{"type":"complete","req_id","cell_id","code","cursor_pos"}   cursor_pos in Unicode code points
//	{"type":"save"}
//	{"type":"resolve_conflict","choice":"reload"|"overwrite"}
//	{"type":"trust"}                                        the user trusts every output shown
//
// Server -> browser:
//
//	{"type":"hello","conn_id"}
//	{"type":"snapshot","notebook":<nbformat JSON>,"kernel":{"state","reason"?},"running":{"cell_id","started_ms"}|null,"queued":[ids],"dirty":bool,"untrusted"?:[ids]}
//	{"type":"cell_inserted","index","cell":<nbformat cell>}
//	{"type":"cell_deleted","cell_id"}
//	{"type":"cell_moved","cell_id","index"}
//	{"type":"cell_source","cell_id","source","origin":<conn id>}
//	{"type":"cell_type","cell_id","cell_type"}
//	{"type":"cell_state","cell_id","state":"queued|running|idle","execution_count"?,"elapsed_ms"?}
//	{"type":"output","cell_id","output":<nbformat output>}
//	{"type":"outputs_cleared","cell_id"}
//	{"type":"update_display","display_id","output":<nbformat output>}   replace every output with that display id
//	{"type":"kernel_status","state":"starting|idle|busy|dead|restarting","reason"?}
//	{"type":"complete_reply","req_id","matches","cursor_start","cursor_end"}   positions in code points
//	{"type":"saved","mtime"}
//	{"type":"trusted"}                                      every output is trusted now
//	{"type":"conflict","message"}
//	{"type":"error","message"}                              bad message etc.; the connection stays open
//
// Outputs use nbformat shapes: {"output_type":"stream","name","text"},
// {"output_type":"display_data","data","metadata","transient":{"display_id"}},
// {"output_type":"execute_result","execution_count","data","metadata"},
// {"output_type":"error","ename","evalue","traceback"}. Charts:
// data["application/vnd.gopad.echarts+json"] = ECharts option object. Tables:
// data["application/vnd.gopad.table+json"] = {"columns":[...],"rows":[[...]]}.
package browserproto
