// Live charts of the endpoint page: requests per second, latency percentiles
// and errors per second of each version over the last minutes, from
// GET /api/models/NAME/stats, redrawn every two seconds while the page is
// visible. ECharts is gopad's own copy (/static/echarts.min.js), loaded on
// demand as the output frames load it.

import { h } from "./dom";
import { modelsAPI, ModelStats } from "./models-api";
import { loadECharts } from "./echarts-load";


const refreshMs = 2000;

/** LiveCharts draws the three charts of one model and keeps them current. */
export class LiveCharts {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly boxes: { rate: HTMLElement; latency: HTMLElement; errors: HTMLElement };
  private charts: { rate: any; latency: any; errors: any } | null = null;
  private timer: number | undefined;
  private seconds = 120;
  private stopped = false;
  /** updates counts the redraws (the e2e test waits for them). */
  updates = 0;

  constructor(private readonly model: string) {
    const box = (id: string, title: string) => h("div", { class: "model-chart", id, "aria-label": title });
    this.boxes = { rate: box("chart-rate", "Requests per second"), latency: box("chart-latency", "Latency"), errors: box("chart-errors", "Errors per second") };
    this.summary = h("div", { class: "model-stats-summary muted", id: "stats-summary" }, "Loading the statistics…");
    const windowSelect = h(
      "select",
      { class: "stats-window", "aria-label": "Time window", onchange: () => { this.seconds = Number(windowSelect.value); void this.refresh(); } },
      h("option", { value: "60" }, "last minute"),
      h("option", { value: "120", selected: true }, "last 2 minutes"),
      h("option", { value: "300" }, "last 5 minutes"),
    );
    this.element = h(
      "div",
      { class: "model-charts" },
      h("div", { class: "model-charts-head" }, this.summary, h("span", { class: "spacer" }), windowSelect),
      h("div", { class: "model-chart-grid" }, this.boxes.rate, this.boxes.latency, this.boxes.errors),
    );
    document.addEventListener("visibilitychange", this.onVisible);
    window.addEventListener("resize", this.onResize);
  }

  private readonly onVisible = () => {
    if (document.visibilityState === "visible") void this.refresh();
  };
  private readonly onResize = () => {
    if (this.charts) Object.values(this.charts).forEach((c) => c.resize());
  };

  /** start draws the charts and refreshes them until stop. */
  async start(): Promise<void> {
    try {
      const echarts = await loadECharts();
      if (this.stopped) return;
      this.charts = {
        rate: echarts.init(this.boxes.rate),
        latency: echarts.init(this.boxes.latency),
        errors: echarts.init(this.boxes.errors),
      };
    } catch (err) {
      this.summary.textContent = `The charts cannot be drawn: ${(err as Error).message}`;
      return;
    }
    await this.refresh();
  }

  /** stop ends the refreshing and frees the charts (the page redraws with new ones). */
  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    document.removeEventListener("visibilitychange", this.onVisible);
    window.removeEventListener("resize", this.onResize);
    if (this.charts) Object.values(this.charts).forEach((c) => c.dispose());
    this.charts = null;
  }

  private async refresh(): Promise<void> {
    window.clearTimeout(this.timer);
    if (this.stopped) return;
    try {
      if (document.visibilityState === "visible") this.draw(await modelsAPI.stats(this.model, this.seconds));
    } catch (err) {
      this.summary.textContent = `Statistics unavailable: ${(err as Error).message}`;
    }
    this.timer = window.setTimeout(() => void this.refresh(), refreshMs);
  }

  private draw(st: ModelStats): void {
    if (!this.charts) return;
    let requests = 0;
    let errors = 0;
    for (const v of st.versions) {
      requests += v.requests;
      errors += v.client_errors + v.server_errors;
    }
    const p99 = st.versions.map((v) => v.p99_ms).filter((x): x is number => x !== null);
    this.summary.textContent =
      `${requests} request${requests === 1 ? "" : "s"} in the last ${st.seconds} s` +
      ` (${(requests / st.seconds).toFixed(2)}/s), ${errors} error${errors === 1 ? "" : "s"}` +
      (p99.length ? `, p99 ${Math.max(...p99).toFixed(2)} ms` : "");
    this.summary.dataset.requests = String(requests);
    this.summary.dataset.errors = String(errors);
    const base = (title: string, unit: string) => ({
      animation: false,
      title: { text: title, left: 0, top: 0, textStyle: { fontSize: 13, fontWeight: 600 } },
      grid: { left: 48, right: 12, top: 40, bottom: 52 },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, left: 0, type: "scroll", itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
      xAxis: {
        type: "time", min: st.now - (st.seconds - 1) * 1000, max: st.now, splitNumber: 4,
        axisLabel: { fontSize: 10, hideOverlap: true, formatter: (v: number) => new Date(v).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) },
      },
      yAxis: { type: "value", name: unit, nameTextStyle: { fontSize: 11 }, minInterval: unit === "req/s" || unit === "errors/s" ? 1 : 0 },
    });
    const line = (name: string, data: [number, number | null][], extra: object = {}) => ({
      name, type: "line", showSymbol: false, connectNulls: false, data, ...extra,
    });
    this.charts.rate.setOption(
      { ...base("Requests per second", "req/s"), series: st.versions.map((v) => line(`v${v.version}`, v.points.map((p) => [p.t, p.requests]), { areaStyle: { opacity: 0.15 } })) },
      true,
    );
    this.charts.latency.setOption(
      {
        ...base("Latency", "ms"),
        series: st.versions.flatMap((v) => [
          // Seconds without requests have no latency: dots show lone seconds.
          line(`v${v.version} p50`, v.points.map((p) => [p.t, p.p50_ms]), { showSymbol: true, symbolSize: 4 }),
          line(`v${v.version} p99`, v.points.map((p) => [p.t, p.p99_ms]), { showSymbol: true, symbolSize: 4, lineStyle: { type: "dashed" } }),
        ]),
      },
      true,
    );
    this.charts.errors.setOption(
      {
        ...base("Errors per second", "errors/s"),
        series: st.versions.flatMap((v) => [
          line(`v${v.version} 4xx`, v.points.map((p) => [p.t, p.client_errors]), { lineStyle: { type: "dashed" } }),
          line(`v${v.version} 5xx`, v.points.map((p) => [p.t, p.server_errors])),
        ]),
      },
      true,
    );
    this.updates++;
    this.element.dataset.updates = String(this.updates);
  }
}
