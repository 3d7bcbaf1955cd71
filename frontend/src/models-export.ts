// The endpoint page's Export panel: export a chosen version as `gopad export`
// does (OCI image tarball, Dockerfile, Kubernetes and KServe manifests, the
// model directory, a README) into a new folder of the notebook root, follow
// the export while it runs (it may first build a static gopad), then show the
// folder, its files, the podman/kubectl lines and a download of the bundle.

import { treeURL } from "./api";
import { h, toast } from "./dom";
import { ExportJob, modelsAPI } from "./models-api";
import { copyText } from "./models-keys";

const steps: { state: ExportJob["state"]; label: string }[] = [
  { state: "binary", label: "static gopad" },
  { state: "writing", label: "image and manifests" },
  { state: "copying", label: "into the folder" },
  { state: "done", label: "done" },
];

function ended(j: ExportJob): boolean {
  return j.state === "done" || j.state === "failed";
}

function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export class ExportPanel {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly button: HTMLButtonElement;
  private readonly current: HTMLElement;
  private readonly earlier: HTMLElement;
  private job: ExportJob | null = null;
  private followed = 0; // which follow loop is current (a new export starts another)
  private ticker = 0;

  constructor(private readonly name: string) {
    this.select = h("select", { class: "export-version", id: "export-version", "aria-label": "Version to export" });
    this.select.addEventListener("change", () => this.updateButton());
    this.button = h("button", { class: "btn btn-primary", id: "export-run", onclick: () => void this.start(Number(this.select.value)) }, "Export");
    this.current = h("div", { class: "export-current", id: "export-status", "data-state": "none" });
    this.earlier = h("div", { class: "export-earlier", id: "export-earlier" });
    this.element = h(
      "section",
      { class: "panel", id: "section-export" },
      h("div", { class: "panel-head" }, h("h2", {}, "Export")),
      h(
        "div",
        { class: "panel-body" },
        h("p", { class: "muted export-intro" },
          "Run this model on your own containers, Kubernetes or KServe: an OCI image (",
          h("code", {}, "podman load"), " / ", h("code", {}, "docker load"), ", no base image, non-root), its Dockerfile, Kubernetes manifests (",
          h("code", {}, "kubectl apply -k"), "), a KServe ClusterServingRuntime and InferenceService, the model directory and a README, written into a new folder ",
          h("code", {}, "exports/"), " of the workspace. The same as ", h("code", {}, `gopad export ${name}:VERSION -o DIR`), "."),
        h("div", { class: "export-form" }, h("label", { class: "muted", for: "export-version" }, "Version"), this.select, this.button),
        this.current,
        this.earlier,
      ),
    );
  }

  /** setVersions offers the model's versions, the default chosen unless another was. */
  setVersions(versions: number[], def: number): void {
    const chosen = Number(this.select.value) || def;
    this.select.replaceChildren(...versions.map((v) => h("option", { value: v, selected: v === (versions.includes(chosen) ? chosen : def) }, `v${v}` + (v === def ? " (default)" : ""))));
    this.updateButton();
  }

  /** load shows this server's exports of the model, following one that still runs. */
  async load(): Promise<void> {
    let list: ExportJob[];
    try {
      list = (await modelsAPI.exports(this.name)).exports;
    } catch {
      return; // the page shows the model's own errors
    }
    const running = list.find((j) => !ended(j));
    const shown = running ?? list[0];
    if (shown && !this.job) void this.follow(shown);
    this.showEarlier(list);
  }

  /** start exports version (or follows its export if one runs already). */
  async start(version: number): Promise<void> {
    if (!version) return;
    this.select.value = String(version);
    this.element.scrollIntoView({ block: "start" });
    this.button.disabled = true;
    try {
      const j = await modelsAPI.startExport(this.name, version);
      await this.follow(j);
    } catch (err) {
      this.current.dataset.state = "refused";
      this.current.replaceChildren(h("div", { class: "export-error error-text", id: "export-error" }, (err as Error).message));
      toast((err as Error).message, "error");
      this.updateButton();
    }
  }

  private async follow(j: ExportJob): Promise<void> {
    const me = ++this.followed;
    this.show(j);
    while (!ended(j) && me === this.followed) {
      try {
        j = await modelsAPI.exportJob(this.name, j.id, j.seq);
      } catch (err) {
        if (me !== this.followed) return;
        this.current.append(h("div", { class: "export-error error-text" }, `Lost track of the export: ${(err as Error).message}. Reload the page to see it again.`));
        return;
      }
      if (me === this.followed) this.show(j);
    }
    if (me === this.followed && ended(j)) {
      if (j.state === "done") toast(`Exported ${j.model} v${j.version} to ${j.dir}`);
      void modelsAPI.exports(this.name).then((l) => this.showEarlier(l.exports)).catch(() => undefined);
    }
  }

  private updateButton(): void {
    const running = this.job && !ended(this.job) && String(this.job.version) === this.select.value;
    this.button.disabled = !!running;
    this.button.textContent = running ? "Exporting…" : "Export";
  }

  private show(j: ExportJob): void {
    this.job = j;
    window.clearInterval(this.ticker);
    this.current.dataset.state = j.state;
    this.current.dataset.dir = j.dir;
    this.current.dataset.id = j.id;
    this.updateButton();
    const title = h("div", { class: "export-title" }, h("strong", {}, `v${j.version}`), " → ", h("a", { href: treeURL(j.dir), id: "export-folder-link", title: "Open the folder in the file browser" }, j.dir + "/"));
    if (j.state === "failed") {
      this.current.replaceChildren(title, h("div", { class: "export-error error-text", id: "export-error" }, `Export failed: ${j.error ?? "unknown error"}`));
      return;
    }
    if (j.state !== "done") {
      const elapsed = h("span", { class: "muted export-elapsed" });
      const tick = () => (elapsed.textContent = ` ${Math.max(0, Math.round((Date.now() - new Date(j.started).getTime()) / 1000))} s`);
      tick();
      this.ticker = window.setInterval(tick, 1000);
      const at = steps.findIndex((s) => s.state === j.state);
      this.current.replaceChildren(
        title,
        h("ol", { class: "export-steps" }, steps.map((s, i) => h("li", { class: i < at ? "step-done" : i === at ? "step-now" : "" }, s.label))),
        h("div", { class: "export-step" }, h("span", { class: "export-spinner", "aria-hidden": "true" }), j.state === "queued" ? "Waiting for another export to finish" : j.step, elapsed),
      );
      return;
    }
    const pathBox = h("input", { type: "text", class: "text-input mono", readonly: true, value: j.path, id: "export-path", "aria-label": "Folder on the server" });
    const commands = (j.commands ?? []).map((c) =>
      h("div", { class: "export-command" },
        h("div", { class: "muted small" }, c.label),
        h("div", { class: "export-command-row" },
          h("pre", { class: "snippet-code mono", "data-command": c.id }, c.command),
          h("button", { class: "btn btn-small", onclick: () => void copyText(c.command) }, "Copy"))));
    this.current.replaceChildren(
      title,
      h("div", { class: "model-url-row" }, pathBox, h("button", { class: "btn", onclick: () => void copyText(j.path, pathBox) }, "Copy"),
        h("a", { class: "btn", id: "export-download", href: modelsAPI.exportDownloadURL(j.model, j.id), download: "" }, "Download .tar.gz")),
      h("div", { class: "muted small export-facts" },
        `Image ${j.tag} (ID ${(j.image_id ?? "").replace("sha256:", "").slice(0, 12)}), ${j.files?.length ?? 0} files, ${formatBytes(j.bytes ?? 0)}. `,
        `KServe fetches the model from ${j.storage_uri}. gopad in the image: ${j.binary ?? ""}`),
      h("div", { class: "export-commands", id: "export-commands" }, commands),
      h("details", { class: "export-files-box", open: true },
        h("summary", {}, "Files (the README.md says how to load, push, apply and call it)"),
        h("ul", { class: "export-files mono", id: "export-files" }, (j.files ?? []).map((f) => h("li", { "data-file": f }, f)))),
    );
  }

  private showEarlier(list: ExportJob[]): void {
    const done = list.filter((j) => j.state === "done" && j.id !== this.job?.id);
    if (done.length === 0) {
      this.earlier.replaceChildren();
      return;
    }
    this.earlier.replaceChildren(
      h("div", { class: "muted small" }, "Earlier exports since the server started:"),
      h("ul", { class: "export-earlier-list" }, done.map((j) => h("li", {}, `v${j.version}: `, h("a", { href: treeURL(j.dir) }, j.dir + "/"), " ",
        h("a", { class: "small", href: modelsAPI.exportDownloadURL(j.model, j.id), download: "" }, "download")))),
    );
  }
}
