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
//   frame -> page: {gopadFrameReady: true} once, then {gopadFrameHeight: px} on resize
//   page -> frame: {gopadOutput: {kind: "html", html, scripts} | {kind: "chart", option}}
// A later gopadOutput replaces the drawn one in place (live progress bars and charts).

import DOMPurify from "dompurify";

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

let lastHeight = -1;
function reportHeight() {
  const doc = document.documentElement;
  const h = Math.max(doc.scrollHeight, document.body ? document.body.scrollHeight : 0);
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

let echartsLoading: Promise<any> | null = null;

function loadECharts(): Promise<any> {
  const w = window as any;
  if (w.echarts) return Promise.resolve(w.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/static/echarts.min.js";
      s.onload = () => resolve(w.echarts);
      s.onerror = () => {
        echartsLoading = null;
        reject(new Error("could not load /static/echarts.min.js"));
      };
      document.head.append(s);
    });
  }
  return echartsLoading;
}

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
        // In-place update (a live training curve): keep the instance, swap the option.
        chart.setOption(o.option, { notMerge: true, lazyUpdate: true });
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

new ResizeObserver(() => {
  chart?.resize();
  reportHeight();
}).observe(document.documentElement);

parent.postMessage({ gopadFrameReady: true }, "*");
