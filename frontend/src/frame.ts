// The output frame: runs inside a sandboxed <iframe> (opaque origin, no cookies, no
// access to gopad's page or API) and draws one rich output that came from a notebook:
// HTML or an ECharts chart. Everything a notebook author controls (HTML, chart options
// with their formatter and rich-text strings, links) is interpreted here and never in
// gopad's own document.
//
// The server sends two documents that load this script, with different
// Content-Security-Policy headers (server/http.go):
//   - /static/output.html: script-src 'self' only. Charts (always) and HTML of untrusted
//     notebooks. Nothing a notebook wrote can run as script: inline handlers,
//     javascript: URLs and <script> are blocked by the policy, and HTML is also
//     sanitised with DOMPurify first.
//   - /static/output-scripted.html: inline script allowed, for HTML produced by this
//     user's own runs (Jupyter's "trusted" outputs), so interactive HTML works. It is
//     still sandboxed: its script cannot reach gopad's origin.
//
// Protocol with the page (window.postMessage; the page checks the source window):
//   frame -> page: {gopadFrameReady: true} when loaded (again if the browser reloads
//                  the frame, e.g. after its cell moved), then {gopadFrameHeight: px}
//                  whenever the height of what it draws changes
//   page -> frame: {gopadOutput: {kind: "html", html, scripts} | {kind: "chart", option}}
// A later gopadOutput replaces the drawn one in place (live progress bars and charts).

import DOMPurify from "dompurify";
import { loadECharts } from "./echarts-load";

interface HTMLOutput {
  kind: "html";
  html: string;
  scripts: boolean;
}
interface ChartOutput {
  kind: "chart";
  option: unknown;
}
type FrameOutput = HTMLOutput | ChartOutput;

// The frame reports the height of what it draws, not of its own viewport: the
// document element is never shorter than the frame, so measuring it would let a
// frame grow (a bar with a log line) but never shrink back (the finished bar).
// The body is a block formatting context (display: flow-root in output.html), so
// its box holds its children's margins too.
let lastHeight = -1;
function reportHeight() {
  if (!document.body) return;
  const content = document.body.getBoundingClientRect().height;
  // A horizontal scrollbar (wide content) takes room from the viewport.
  const scrollbar = Math.max(0, window.innerHeight - document.documentElement.clientHeight);
  const h = Math.ceil(content + scrollbar);
  if (h === lastHeight) return;
  lastHeight = h;
  parent.postMessage({ gopadFrameHeight: h }, "*");
}

// ---- HTML ----

function renderHTML(o: HTMLOutput) {
  disposeChart();
  document.body.className = "html";
  if (o.scripts) {
    // createContextualFragment marks <script> elements runnable (innerHTML does not),
    // so the HTML behaves as it does in Jupyter's trusted outputs.
    const range = document.createRange();
    range.selectNodeContents(document.body);
    const frag = range.createContextualFragment(o.html);
    document.body.replaceChildren(frag);
  } else {
    document.body.innerHTML = DOMPurify.sanitize(o.html, { USE_PROFILES: { html: true, svg: true, svgFilters: true } });
  }
  reportHeight();
}

// ---- charts ----


let chart: any = null;
let chartHost: HTMLDivElement | null = null;

function disposeChart() {
  chart?.dispose();
  chart = null;
  chartHost = null;
}

function renderChart(o: ChartOutput) {
  loadECharts()
    .then((echarts) => {
      if (chart) {
        // In-place update (a live training curve): keep the instance and merge the
        // new option into it, so what the reader chose stays (series hidden from
        // the legend, the tooltip), while axes and series are replaced whole: an
        // axis bound or a series the new option drops must go.
        chart.setOption(o.option, { replaceMerge: ["title", "grid", "xAxis", "yAxis", "series", "dataset"], lazyUpdate: true });
        return;
      }
      document.body.className = "chart";
      chartHost = document.createElement("div");
      chartHost.className = "chart";
      document.body.replaceChildren(chartHost);
      chart = echarts.init(chartHost, null, { renderer: "canvas" });
      chart.setOption(o.option);
      reportHeight();
    })
    .catch((err: Error) => {
      document.body.className = "error";
      document.body.textContent = `chart could not be drawn: ${err.message}`;
      reportHeight();
    });
}

// ---- wiring ----

window.addEventListener("message", (e) => {
  if (e.source !== parent) return;
  const o = e.data?.gopadOutput as FrameOutput | undefined;
  if (!o || typeof o !== "object") return;
  if (o.kind === "chart") renderChart(o);
  else if (o.kind === "html" && typeof o.html === "string") renderHTML(o);
});

// The body's box changes with what is drawn (an update, an image that loads, text
// that wraps differently); the document element's with the frame itself, which a
// chart follows.
const resized = new ResizeObserver(() => {
  chart?.resize();
  reportHeight();
});
resized.observe(document.documentElement);
resized.observe(document.body);

parent.postMessage({ gopadFrameReady: true }, "*");
