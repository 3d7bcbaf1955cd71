// loadECharts loads gopad's local copy of ECharts once per page, on demand:
// output frames and the endpoint page's charts both use it.

let echartsLoading: Promise<any> | null = null;

export function loadECharts(): Promise<any> {
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
