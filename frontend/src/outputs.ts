// Rendering of nbformat outputs: streams, errors and rich MIME bundles (HTML, images,
// Markdown, JSON, gopad tables and ECharts charts), with in-place updates by display id.

import { ansiToHTML, collapseCR, stripANSI } from "./ansi";
import { h, escapeHTML } from "./dom";
import { renderMarkdown } from "./markdown";
import { publishControls } from "./publish";

/** Output is an nbformat output object. */
export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | string;
  name?: string;
  text?: string | string[];
  data?: Record<string, any>;
  metadata?: Record<string, any>;
  transient?: { display_id?: string };
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export const ECHARTS_MIME = "application/vnd.gopad.echarts+json";
export const TABLE_MIME = "application/vnd.gopad.table+json";

// The first MIME type of a bundle found in this list is the one shown.
const MIME_ORDER = [
  ECHARTS_MIME,
  TABLE_MIME,
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/markdown",
  "application/json",
  "text/plain",
];

// Longest stream text rendered; older text stays in the document but is not drawn.
const MAX_STREAM_CHARS = 400_000;
// Longest stream text kept in the page; past it the oldest text is dropped (the server
// keeps its own, bounded, copy for the file).
const MAX_STREAM_KEPT = 2_000_000;

function keepTail(text: string): string {
  if (text.length <= MAX_STREAM_KEPT) return text;
  const from = text.indexOf("\n", text.length - MAX_STREAM_KEPT * 0.75);
  return text.slice(from >= 0 ? from + 1 : text.length - MAX_STREAM_KEPT * 0.75);
}
const MAX_TABLE_ROWS = 500;
// An output area taller than this gets a scroll box (see .collapsed in the CSS) and a
// toggle to expand it: long logs scroll, a couple of charts do not.
const COLLAPSE_HEIGHT = 1100;

/** joinText turns nbformat multiline strings (string or string[]) into one string. */
export function joinText(t: string | string[] | undefined): string {
  if (t === undefined || t === null) return "";
  return Array.isArray(t) ? t.join("") : String(t);
}

/** displayID returns an output's display id, if it has one. */
export function displayID(o: Output): string | undefined {
  return o.transient?.display_id ?? o.metadata?.display_id ?? undefined;
}

// ---- sandboxed frames for HTML and charts ----
//
// Whatever a notebook author controls and a browser would interpret as code (HTML,
// and ECharts options, whose formatter and rich-text strings ECharts renders as HTML and
// whose title links it follows) is drawn in an <iframe sandbox="allow-scripts ...">
// WITHOUT allow-same-origin, loading gopad's output document (frame.ts). The frame's
// origin is opaque: its scripts can neither read gopad's cookie (the token) nor call
// gopad's API with it, nor touch this page. The server gives the frame documents their
// own Content-Security-Policy: charts and untrusted HTML get no inline script at all;
// HTML from this user's own runs may run inline script (still sandboxed), so
// interactive HTML works as in Jupyter's trusted outputs.

/** OUTPUT_FRAME is the frame document for charts and untrusted HTML (no inline script). */
const OUTPUT_FRAME = "/static/output.html";
/** OUTPUT_FRAME_SCRIPTED is the frame document for trusted HTML (inline script runs). */
const OUTPUT_FRAME_SCRIPTED = "/static/output-scripted.html";
/** MAX_FRAME_HEIGHT bounds the height an HTML frame takes from what it reports. */
const MAX_FRAME_HEIGHT = 5000;

type FrameOutput = { kind: "html"; html: string; scripts: boolean } | { kind: "chart"; option: unknown };

interface OutputFrame extends HTMLIFrameElement {
  gopadReady?: boolean;
  /** gopadOutput is what the frame draws: sent again whenever its document (re)loads. */
  gopadOutput?: FrameOutput;
  gopadKind?: "html" | "chart" | "chart-scripted-never";
}

function frameOf(source: MessageEventSource | null): OutputFrame | undefined {
  if (!source) return undefined;
  for (const frame of document.querySelectorAll<OutputFrame>("iframe.output-frame")) {
    if (frame.contentWindow === source) return frame;
  }
  return undefined;
}

// The sender is found among the frames in the page when its message arrives.
window.addEventListener("message", (e) => {
  if (!e.data || typeof e.data !== "object") return;
  if (e.data.gopadFrameReady === true) {
    // Also after a reload: the browser reloads a frame whose element moved in the
    // page (a cell moved up or down), and the new document starts out empty.
    const frame = frameOf(e.source);
    if (!frame) return;
    frame.gopadReady = true;
    if (frame.gopadOutput) frame.contentWindow!.postMessage({ gopadOutput: frame.gopadOutput }, "*");
    return;
  }
  if (typeof e.data.gopadFrameHeight === "number") {
    const frame = frameOf(e.source);
    // A chart's height is the notebook's choice (metadata), not the frame's.
    if (!frame || frame.gopadKind !== "html") return;
    // As high as what it draws (no minimum: a finished bar shrinks back to its one
    // line), up to a bound past which the frame scrolls.
    const height = Math.min(Math.max(Math.ceil(e.data.gopadFrameHeight), 0), MAX_FRAME_HEIGHT);
    frame.style.height = `${height}px`;
  }
});

/**
 * sendToFrame makes out what frame draws: posted to the frame's renderer now if its
 * document is ready, else when it says it is. The frame stays the same element, so
 * a live progress bar or loss curve is redrawn in place, never reloaded.
 */
function sendToFrame(frame: OutputFrame, out: FrameOutput) {
  frame.gopadOutput = out;
  if (frame.gopadReady && frame.contentWindow) frame.contentWindow.postMessage({ gopadOutput: out }, "*");
}

/**
 * outputFrame draws out in a sandboxed frame. A previous frame of the same document
 * is reused: the new output replaces the old one in place (no reload, no flicker).
 */
function outputFrame(out: FrameOutput, previous: OutputFrame | undefined, height?: number, width?: number): OutputFrame {
  const src = out.kind === "html" && out.scripts ? OUTPUT_FRAME_SCRIPTED : OUTPUT_FRAME;
  if (previous && previous.getAttribute("src") === src && previous.gopadKind === out.kind) {
    sendToFrame(previous, out);
    return previous;
  }
  const frame = h("iframe", {
    class: `output-frame output-${out.kind === "chart" ? "chart" : "html"}`,
    sandbox: "allow-scripts allow-popups allow-popups-to-escape-sandbox",
    title: out.kind === "chart" ? "chart output" : "HTML output",
    src,
  }) as OutputFrame;
  frame.gopadKind = out.kind;
  if (out.kind === "chart") {
    frame.style.height = `${height || 360}px`;
    if (width) frame.style.width = `${width}px`;
  } else {
    // Keep the old height while the new document loads, so updates do not jump.
    frame.style.height = previous?.style.height || "24px";
  }
  sendToFrame(frame, out);
  return frame;
}

// ---- individual renderers ----

function renderTable(spec: any): HTMLElement {
  const columns: string[] = Array.isArray(spec?.columns) ? spec.columns : [];
  const rows: any[][] = Array.isArray(spec?.rows) ? spec.rows : [];
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const fmt = (v: any) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const numeric = columns.map((_, i) => shown.length > 0 && shown.every((r) => r[i] === null || typeof r[i] === "number"));
  const table = h(
    "table",
    { class: "data-table" },
    h("thead", {}, h("tr", {}, columns.map((c, i) => h("th", { class: numeric[i] ? "num" : "" }, fmt(c))))),
    h("tbody", {}, shown.map((r) => h("tr", {}, columns.map((_, i) => h("td", { class: numeric[i] ? "num" : "" }, fmt(r[i])))))),
  );
  const wrap = h("div", { class: "output-table" }, table);
  if (rows.length > shown.length) {
    wrap.append(h("div", { class: "output-note" }, `… ${rows.length - shown.length} more rows (${rows.length} × ${columns.length})`));
  } else {
    wrap.append(h("div", { class: "output-note" }, `${rows.length} rows × ${columns.length} columns`));
  }
  return wrap;
}

function base64Of(v: any): string {
  return joinText(v).replace(/\s+/g, "");
}

function renderMime(o: Output, trusted: boolean, previous?: HTMLElement): HTMLElement {
  const data = o.data ?? {};
  const mime = MIME_ORDER.find((m) => m in data) ?? Object.keys(data)[0];
  const meta = (o.metadata && mime ? o.metadata[mime] : undefined) ?? o.metadata;
  const value = mime ? data[mime] : undefined;
  const prevFrame = (previous?.querySelector("iframe.output-frame") as OutputFrame | null) ?? undefined;
  const framed = (frame: OutputFrame) => (frame === prevFrame ? previous! : h("div", { class: "output-item" }, frame));
  switch (mime) {
    case ECHARTS_MIME:
      return framed(outputFrame({ kind: "chart", option: value }, prevFrame, Number(meta?.height) || 0, Number(meta?.width) || 0));
    case TABLE_MIME:
      return h("div", { class: "output-item" }, renderTable(value));
    case "text/html":
      return framed(outputFrame({ kind: "html", html: joinText(value), scripts: trusted }, prevFrame));
    case "image/svg+xml": {
      const src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(joinText(value));
      return h("div", { class: "output-item output-image" }, h("img", { src, alt: "SVG output", width: meta?.width, height: meta?.height }));
    }
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return h(
        "div",
        { class: "output-item output-image" },
        h("img", { src: `data:${mime};base64,${base64Of(value)}`, alt: "image output", width: meta?.width, height: meta?.height }),
      );
    case "text/markdown": {
      const div = h("div", { class: "output-item output-markdown markdown-body" });
      div.innerHTML = renderMarkdown(joinText(value));
      return div;
    }
    case "application/json": {
      const text = JSON.stringify(value, null, 2) ?? "null";
      const pre = h("pre", { class: "output-json" }, text);
      if (text.split("\n").length > 30) {
        return h("div", { class: "output-item" }, h("details", {}, h("summary", {}, `JSON (${text.length} characters)`), pre));
      }
      return h("div", { class: "output-item" }, pre);
    }
    case "text/plain":
    default: {
      const pre = h("pre", { class: "output-text" });
      pre.innerHTML = ansiToHTML(mime ? joinText(value) : "(empty output)");
      return h("div", { class: "output-item" }, pre);
    }
  }
}

function renderStreamInto(el: HTMLElement, text: string) {
  let shown = text;
  let note = "";
  if (shown.length > MAX_STREAM_CHARS) {
    const cut = shown.indexOf("\n", shown.length - MAX_STREAM_CHARS);
    shown = shown.slice(cut >= 0 ? cut + 1 : shown.length - MAX_STREAM_CHARS);
    note = `… ${text.length - shown.length} earlier characters not shown …\n`;
  }
  // A line being overwritten keeps its trailing "\r" in the data; do not draw it.
  if (shown.endsWith("\r")) shown = shown.slice(0, -1);
  el.innerHTML = (note ? `<span class="output-note">${escapeHTML(note)}</span>` : "") + ansiToHTML(shown);
}

/** errorLine finds the 1-based cell line an error points at ("3:7: ..." or "line 3"), or 0. */
export function errorLine(o: Output): number {
  const texts = [o.evalue ?? "", ...(o.traceback ?? [])].map(stripANSI);
  for (const t of texts) {
    const m = /(?:^|[\s(:])(?:[\w./-]*\.go:|cell(?:\[\d+\])?:)?(\d+):(\d+)(?::|\b)/.exec(t) ?? /\bline (\d+)\b/.exec(t);
    if (m) {
      const n = parseInt(m[1], 10);
      if (n > 0) return n;
    }
  }
  return 0;
}

function renderError(o: Output): HTMLElement {
  const pre = h("pre", { class: "output-text" });
  const tb = o.traceback && o.traceback.length > 0 ? o.traceback.join("\n") : `${o.ename ?? "Error"}: ${o.evalue ?? ""}`;
  pre.innerHTML = ansiToHTML(tb);
  return h("div", { class: "output-item output-error", role: "alert" }, pre);
}

/** OutputArea shows the outputs of one cell and keeps them in sync with the document. */
export class OutputArea {
  readonly el: HTMLDivElement;
  private items: { output: Output; el: HTMLElement; dirty?: boolean }[] = [];
  private readonly list: HTMLDivElement;
  private readonly toggle: HTMLButtonElement;
  private expanded = false;
  private frameScheduled = false;
  /**
   * trusted says whether these outputs came from this user's own runs (or a notebook the
   * user trusts): only then may HTML outputs run script, and then only in the sandbox.
   * Outputs read from a file the user has not trusted are drawn without any script.
   */
  private trusted = false;
  /** onError is told the cell line that an error output points at (0 = unknown). */
  onError: (line: number, o: Output) => void = () => {};

  constructor() {
    this.list = h("div", { class: "output-list" });
    this.toggle = h("button", { class: "output-toggle", title: "Expand or collapse this output (O in command mode toggles hiding)" }, "Expand output");
    this.toggle.addEventListener("click", (e) => {
      e.stopPropagation();
      this.expanded = !this.expanded;
      this.updateCollapse();
    });
    this.el = h("div", { class: "output-area" }, this.list, this.toggle);
  }

  /** set replaces every output; trusted is as for setTrusted. */
  set(outputs: Output[], trusted: boolean): void {
    this.clear();
    this.trusted = trusted;
    for (const o of outputs) this.append(o);
  }

  /**
   * setTrusted changes whether the outputs are trusted, redrawing them if it changed
   * (the user trusted the notebook). Outputs appended from now on are the kernel's and
   * follow this setting; clearing the outputs (a new run) makes the area trusted.
   */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    const outputs = this.items.map((it) => it.output);
    this.set(outputs, trusted);
  }

  /** isTrusted reports whether the outputs shown are trusted (see setTrusted). */
  isTrusted(): boolean {
    return this.trusted || this.items.length === 0;
  }

  /** clear removes every output; what follows is the kernel's own, hence trusted. */
  clear(): void {
    this.items = [];
    this.trusted = true;
    this.list.replaceChildren();
    this.expanded = false;
    this.updateCollapse();
  }

  /** append adds an output; consecutive stream text of one name is merged. */
  append(o: Output): void {
    if (o.output_type === "stream") {
      const last = this.items[this.items.length - 1];
      const text = joinText(o.text);
      if (last && last.output.output_type === "stream" && last.output.name === o.name) {
        last.output.text = keepTail(collapseCR(joinText(last.output.text) + text));
        last.dirty = true;
        this.scheduleRender();
        return;
      }
      const el = h("pre", { class: `output-item output-stream output-${o.name === "stderr" ? "stderr" : "stdout"}` });
      const item = { output: { ...o, text: collapseCR(text) }, el, dirty: true };
      this.items.push(item);
      this.list.append(el);
      this.scheduleRender();
      return;
    }
    const el = o.output_type === "error" ? renderError(o) : renderMime(o, this.trusted);
    if (o.output_type === "execute_result" && o.execution_count) {
      // Jupyter's Out[n] sits beside the result itself.
      el.classList.add("output-result");
      el.dataset.prompt = `[${o.execution_count}]:`;
    }
    const publish = o.output_type === "error" ? null : publishControls(o);
    if (publish) el.append(publish);
    this.items.push({ output: o, el });
    this.list.append(el);
    if (o.output_type === "error") this.onError(errorLine(o), o);
    this.scheduleRender();
  }

  /** updateDisplay replaces every output shown under displayId; it reports whether any was. */
  updateDisplay(displayId: string, o: Output): boolean {
    let found = false;
    for (const it of this.items) {
      if (displayID(it.output) !== displayId) continue;
      found = true;
      const merged: Output = { ...o, transient: { display_id: displayId } };
      const next = renderMime(merged, this.trusted, it.el);
      if (next !== it.el) {
        it.el.replaceWith(next);
        it.el = next;
      }
      it.output = merged;
    }
    if (found) this.scheduleRender();
    return found;
  }

  private scheduleRender() {
    if (this.frameScheduled) return;
    this.frameScheduled = true;
    // Streams can arrive thousands of times a second; draw at most once per frame.
    requestAnimationFrame(() => {
      this.frameScheduled = false;
      const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 8;
      for (const it of this.items) {
        if (!it.dirty) continue;
        it.dirty = false;
        renderStreamInto(it.el, joinText(it.output.text));
      }
      this.updateCollapse();
      // Follow the tail of a scrolled log, as a terminal does.
      const last = this.items[this.items.length - 1];
      if (atBottom && last?.output.output_type === "stream" && this.el.classList.contains("collapsed")) this.list.scrollTop = this.list.scrollHeight;
    });
  }

  private updateCollapse() {
    const empty = this.items.length === 0;
    this.el.classList.toggle("empty", empty);
    const tall = !empty && this.list.scrollHeight > COLLAPSE_HEIGHT;
    this.el.classList.toggle("collapsible", tall);
    this.el.classList.toggle("collapsed", tall && !this.expanded);
    this.toggle.textContent = this.expanded ? "Collapse output" : "Expand output";
  }

  /** dispose releases charts and frames; call when the cell goes away. */
  dispose(): void {
    this.clear();
  }
}
