// The Models pages: the list of published models at /models/ (with the API
// keys), and the endpoint page of one model at /models/NAME: its URL, a try-it
// form, code snippets, live charts, the versions with their lineage (back to
// the notebook and cell), the default version with rollback, the schema,
// access (public or keys) and deleting.

import { notebookURL, treeURL } from "./api";
import { dialog, h, promptText, toast } from "./dom";
import { APIError, Lineage, ModelDetail, ModelSummary, modelsAPI, Schema, VersionDetail } from "./models-api";
import { LiveCharts } from "./models-charts";
import { ExportPanel } from "./models-export";
import { copyText, KeysPanel } from "./models-keys";
import { InferRequest, snippets } from "./models-snippets";
import { TryIt } from "./models-tryit";
import "./models.css";

function topbar(...crumbs: (HTMLElement | string)[]): HTMLElement {
  return h(
    "header",
    { class: "topbar" },
    h("a", { class: "logo", href: treeURL(""), title: "Notebooks" }, h("span", { class: "logo-mark" }, "go"), "pad"),
    h("nav", { class: "breadcrumbs", "aria-label": "Models" }, h("a", { href: "/models/", id: "crumb-models" }, "Models"), ...crumbs.flatMap((c) => [h("span", { class: "crumb-sep" }, "/"), c])),
    h("span", { class: "spacer" }),
    h("a", { class: "topbar-link", href: treeURL("") }, "Notebooks"),
  );
}

function formatTime(t: string): string {
  const d = new Date(t);
  return isNaN(d.getTime()) ? "" : d.toLocaleString();
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return String(Math.round(v * 100) / 100);
  return v.toPrecision(4);
}

/** lineageLink links a version to the notebook (and cell) that published it. */
function lineageLink(l: Lineage, exists: boolean): HTMLElement | string {
  if (!l.notebook) return h("span", { class: "muted" }, l.source ? `(${l.source})` : "–");
  const href = notebookURL(l.notebook) + (l.cell ? `#cell=${encodeURIComponent(l.cell)}` : "");
  if (!exists) return h("span", { class: "muted", title: "The notebook is no longer in the workspace" }, l.notebook, " (gone)");
  return h("a", { href, class: "lineage-link", title: l.cell ? `Open the notebook at the cell that published this version` : "Open the notebook" }, l.notebook, l.cell ? h("span", { class: "muted" }, " · cell") : "");
}

function statusBadge(m: ModelSummary): HTMLElement {
  return m.ready
    ? h("span", { class: "mbadge mbadge-ok", title: "Serving" }, "ready")
    : h("span", { class: "mbadge mbadge-error", title: m.error ?? "" }, "not ready");
}

// ---------------------------------------------------------------- list page

export class ModelsPage {
  private readonly table: HTMLElement;
  private readonly keys = new KeysPanel(null);

  constructor(mount: HTMLElement) {
    this.table = h("div", { class: "models-list", id: "models-list" });
    mount.replaceChildren(
      topbar(),
      h(
        "main",
        { class: "tree-main models-main" },
        h(
          "section",
          { class: "panel" },
          h("div", { class: "panel-head" }, h("h2", {}, "Published models"), h("span", { class: "spacer" }),
            h("button", { class: "btn", id: "models-refresh", onclick: () => void this.refresh() }, "Refresh")),
          this.table,
        ),
        this.keys.element,
      ),
    );
    document.title = "Models – gopad";
    void this.refresh();
    window.addEventListener("pageshow", (e) => {
      if (e.persisted) void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    let models: ModelSummary[];
    try {
      models = (await modelsAPI.list()).models;
    } catch (err) {
      this.table.replaceChildren(h("div", { class: "empty-note error-text" }, `Could not list the models: ${(err as Error).message}`));
      return;
    }
    if (models.length === 0) {
      this.table.replaceChildren(
        h("div", { class: "empty-note" }, "No model is published yet. In a notebook, publish one with ", h("code", {}, `ml.Publish(model, "name")`), " or the Publish button of a model shown as a cell's result."),
      );
    } else {
      this.table.replaceChildren(
        h("table", { class: "models-table" },
          h("thead", {}, h("tr", {}, ["Model", "Serving", "Versions", "Input", "Status", "Access", "From", "Updated"].map((t) => h("th", {}, t)))),
          h("tbody", {}, models.map((m) =>
            h("tr", { "data-model": m.name },
              h("td", {}, h("a", { href: `/models/${encodeURIComponent(m.name)}`, class: "model-link" }, m.name)),
              h("td", {}, `v${m.default}`, m.pinned ? h("span", { class: "mbadge mbadge-pin", title: "Pinned: publishing does not change it" }, "pinned") : "",
                m.canary ? h("span", { class: "mbadge mbadge-canary", title: `Canary: v${m.canary.version} answers ${m.canary.percent}% of the requests that name no version` }, `canary v${m.canary.version} · ${m.canary.percent}%`) : ""),
              h("td", { class: "num" }, String(m.versions)),
              h("td", {}, m.input ? m.input + (m.classes ? ` → ${m.classes} classes` : "") : "–"),
              h("td", {}, statusBadge(m)),
              h("td", {}, m.public ? h("span", { class: "mbadge mbadge-warn" }, "public") : h("span", { class: "muted" }, "API key")),
              h("td", {}, m.notebook ? h("a", { href: notebookURL(m.notebook) }, m.notebook) : "–"),
              h("td", { class: "muted" }, formatTime(m.updated)),
            ))),
        ),
      );
    }
    document.body.dataset.modelsLoaded = "true";
    await this.keys.show(models.map((m) => m.name));
  }
}

// ---------------------------------------------------------------- endpoint page

export class ModelPage {
  private charts: LiveCharts | null = null;
  private tryit: TryIt | null = null;
  private readonly body: HTMLElement;
  private readonly snippetBox: HTMLElement;
  private snippetTab = "curl";
  private keys: KeysPanel;
  private readonly exporter: ExportPanel;
  private exportsLoaded = false;
  private detail: ModelDetail | null = null;

  constructor(private readonly mount: HTMLElement, private readonly name: string) {
    this.body = h("main", { class: "tree-main models-main model-page", id: "model-page" });
    this.snippetBox = h("div", { class: "snippets", id: "snippets" });
    this.keys = new KeysPanel(name);
    this.exporter = new ExportPanel(name);
    mount.replaceChildren(topbar(h("span", { class: "crumb-current" }, name)), this.body);
    document.title = `${name} – Models – gopad`;
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.render(await modelsAPI.get(this.name));
    } catch (err) {
      const notFound = err instanceof APIError && err.status === 404;
      this.body.replaceChildren(
        h("section", { class: "panel" }, h("div", { class: "empty-note error-text", id: "model-missing" },
          notFound ? `No published model is called “${this.name}”. ` : `Could not load the model: ${(err as Error).message} `,
          h("a", { href: "/models/" }, "All models"))),
      );
      document.body.dataset.modelLoaded = "missing";
    }
  }

  private render(d: ModelDetail): void {
    this.detail = d;
    this.charts?.stop();
    const base = location.origin;
    const url = base + d.url;
    const urlField = h("input", { type: "text", class: "text-input mono", readonly: true, value: url, id: "model-url", "aria-label": "Endpoint URL" });
    const head = h(
      "section",
      { class: "panel model-head" },
      h("div", { class: "model-title" }, h("h1", {}, d.name), statusBadge(d),
        h("span", { class: "muted", id: "model-serving" }, `serving v${d.default}`), d.pinned ? h("span", { class: "mbadge mbadge-pin" }, "pinned") : "",
        d.canary ? h("span", { class: "mbadge mbadge-canary", id: "model-canary-badge" }, `canary v${d.canary.version} · ${d.canary.percent}%`) : "",
        d.public ? h("span", { class: "mbadge mbadge-warn", id: "model-public-badge" }, "public") : ""),
      h("div", { class: "model-url-row" }, h("span", { class: "muted" }, "POST"), urlField, h("button", { class: "btn", onclick: () => void copyText(url, urlField) }, "Copy")),
      h("div", { class: "muted model-urls" }, "Open Inference Protocol v2 (KServe, Triton). Also ", h("code", {}, `GET ${base}/v2/models/${d.name}`), " (metadata), ", h("code", {}, `POST ${base}${d.v1_url}`), " (KServe V1, ", h("code", {}, `{"instances": [...]}`), ")."),
      d.error ? h("div", { class: "banner banner-error" }, `Not ready: ${d.error}`) : "",
    );
    const sections: HTMLElement[] = [head];
    if (d.schema) {
      this.tryit = new TryIt(d.name, d.schema, d.version_list.map((v) => v.version).sort((a, b) => a - b), d.default, (req, version) => this.drawSnippets(d, req, version));
      sections.push(this.section("Try it", "section-tryit", this.tryit.element));
      sections.push(this.section("Code", "section-code", this.snippetBox));
    }
    this.charts = new LiveCharts(d.name);
    sections.push(this.section("Live", "section-live", this.charts.element));
    sections.push(this.section("Versions", "section-versions", this.versionsTable(d)));
    this.exporter.setVersions(d.version_list.map((v) => v.version).sort((a, b) => a - b), d.default);
    sections.push(this.exporter.element);
    if (d.schema) sections.push(this.section("Schema", "section-schema", this.schemaView(d.schema)));
    sections.push(this.section("Access", "section-access", this.accessView(d)));
    sections.push(this.keys.element);
    sections.push(this.section("Delete", "section-delete", h("div", { class: "danger-zone" },
      h("span", {}, "Delete the model and all its versions: its endpoint answers 404 afterwards."),
      h("button", { class: "btn btn-danger", id: "model-delete", onclick: () => void this.deleteModel() }, "Delete model"))));
    this.body.replaceChildren(...sections);
    this.tryit?.changed();
    void this.charts.start();
    void modelsAPI.list().then((l) => this.keys.show(l.models.map((m) => m.name))).catch(() => this.keys.show([d.name]));
    if (!this.exportsLoaded) {
      this.exportsLoaded = true; // once: the panel follows its exports itself
      void this.exporter.load();
    }
    document.body.dataset.modelLoaded = "true";
    document.body.dataset.modelDefault = String(d.default);
  }

  private section(title: string, id: string, ...content: (HTMLElement | string)[]): HTMLElement {
    return h("section", { class: "panel", id }, h("div", { class: "panel-head" }, h("h2", {}, title)), h("div", { class: "panel-body" }, ...content));
  }

  private drawSnippets(d: ModelDetail, req: InferRequest | null, version: number | null): void {
    if (!req) return; // keep the last valid ones while the form is being edited
    const list = snippets(location.origin, d.name, version, d.schema, req);
    const tabs = h("div", { class: "snippet-tabs", role: "tablist" });
    const pane = h("div", { class: "snippet-pane" });
    const show = (id: string) => {
      this.snippetTab = id;
      const s = list.find((x) => x.id === id) ?? list[0];
      tabs.querySelectorAll("button").forEach((b) => b.classList.toggle("active", b.dataset.snippet === s.id));
      const pre = h("pre", { class: "snippet-code mono", id: `snippet-${s.id}`, "data-snippet": s.id }, s.code);
      pane.replaceChildren(
        h("div", { class: "snippet-bar" },
          h("span", { class: "muted" }, s.id === "triton" ? `pip install "tritonclient[http]" numpy; ` : "", "Set ", h("code", {}, "GOPAD_API_KEY"), " to a key (below) first."),
          h("span", { class: "spacer" }),
          h("button", { class: "btn btn-small snippet-copy", onclick: () => void copyText(s.code) }, "Copy")),
        pre,
      );
    };
    for (const s of list) {
      tabs.append(h("button", { class: "snippet-tab", role: "tab", "data-snippet": s.id, onclick: () => show(s.id) }, s.label));
    }
    // Every snippet is in the page (hidden ones too), so that each can be read and copied.
    const all = h("div", { hidden: true, id: "snippet-sources" }, list.map((s) => h("pre", { "data-snippet": s.id }, s.code)));
    this.snippetBox.replaceChildren(tabs, pane, all);
    show(this.snippetTab);
  }

  private versionsTable(d: ModelDetail): HTMLElement {
    const rows = d.version_list.map((v) => this.versionRow(d, v));
    const note = d.pinned
      ? h("div", { class: "panel-note" }, `Pinned to v${d.default}: new versions are kept but not served by default. `,
          h("button", { class: "btn btn-small", id: "model-unpin", onclick: () => void this.change(modelsAPI.unpin(d.name), "Following the latest version again") }, `Unpin (serve the latest, v${d.latest})`))
      : h("div", { class: "panel-note muted" }, "The latest version is served by default. Make another the default to roll back; it stays pinned until you unpin.");
    const c = d.canary;
    const canaryNote = c
      ? h("div", { class: "panel-note", id: "model-canary" },
          `Canary: v${c.version} answers ${c.percent}% of the requests that name no version, v${d.default} the rest (the charts show each version). `,
          h("button", { class: "btn btn-small", id: "model-canary-promote", onclick: () => void this.change(modelsAPI.pin(d.name, c.version), `v${c.version} is now the default`) }, `Make v${c.version} the default`), " ",
          h("button", { class: "btn btn-small", id: "model-canary-stop", onclick: () => void this.change(modelsAPI.clearCanary(d.name), `Canary stopped: v${d.default} answers every request`) }, "Stop the canary"),
          d.canary_error ? h("div", { class: "banner banner-error", id: "model-canary-error" }, d.canary_error) : "")
      : "";
    return h("div", {}, note, canaryNote,
      h("table", { class: "models-table versions-table", id: "versions-table" },
        h("thead", {}, h("tr", {}, ["Version", "Published", "From", "Metrics", "Training", "Compression", "Size", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)));
  }

  private versionRow(d: ModelDetail, v: VersionDetail): HTMLElement {
    const l = v.lineage;
    const metrics = Object.entries(l.metrics ?? {}).map(([k, x]) => `${k} ${fmt(x)}`).join(", ");
    const epochs = l.history?.epochs ?? [];
    const last = epochs[epochs.length - 1];
    const training = last
      ? `${epochs.length} epoch${epochs.length === 1 ? "" : "s"}, loss ${fmt(last.loss)}` + (last.val_loss !== null && last.val_loss !== undefined ? `, val ${fmt(last.val_loss)}` : "")
      : "–";
    const q = l.compression?.quantization;
    const p = l.compression?.pruning;
    const compression = [
      q ? `quantized: ${formatBytes(q.bytes_before)} → ${formatBytes(q.bytes_after)}` + (q.metric ? `, ${q.metric} ${fmt(q.metric_before)} → ${fmt(q.metric_after)}` : "") : "",
      p && p.sparsity !== null ? `pruned: ${(p.sparsity * 100).toFixed(1)}% zeros` : "",
    ].filter(Boolean).join("; ") || "–";
    const actions = h("div", { class: "version-actions" });
    if (!v.is_default || !d.pinned) {
      actions.append(h("button", {
        class: "btn btn-small version-pin", "data-version": v.version,
        title: v.is_default ? "Keep serving this version when new ones are published" : "Serve this version by default (roll back or forward)",
        onclick: () => void this.change(modelsAPI.pin(d.name, v.version), `v${v.version} is now the default`),
      }, v.is_default ? "Pin" : "Make default"));
    }
    if (!v.is_default) {
      const isCanary = d.canary?.version === v.version;
      actions.append(h("button", {
        class: "btn btn-small version-canary", "data-version": v.version,
        title: "Send a share of the requests that name no version to this version, the rest to the default",
        onclick: () => void this.startCanary(d, v.version),
      }, isCanary ? "Change share" : "Canary"));
    }
    actions.append(h("button", {
      class: "btn btn-small version-export", "data-version": v.version,
      title: "Write an OCI image, Kubernetes and KServe manifests for this version into a folder (see Export below)",
      onclick: () => void this.exporter.start(v.version),
    }, "Export"));
    if (!(v.is_default && d.pinned)) {
      actions.append(h("button", { class: "btn btn-small version-delete", "data-version": v.version, onclick: () => void this.deleteVersion(d, v) }, "Delete"));
    }
    return h("tr", { "data-version": v.version, class: v.is_default ? "is-default" : "" },
      h("td", {}, h("strong", {}, `v${v.version}`), v.is_default ? h("span", { class: "mbadge mbadge-ok" }, "default") : "",
        d.canary?.version === v.version ? h("span", { class: "mbadge mbadge-canary" }, `canary ${d.canary.percent}%`) : ""),
      h("td", { class: "muted" }, formatTime(l.time || v.created), l.source ? ` · ${l.source}` : ""),
      h("td", {}, lineageLink(l, v.notebook_exists),
        v.notebook_exists && l.content_hash && !v.notebook_unchanged ? h("div", { class: "muted small" }, "the notebook has changed since") : ""),
      h("td", {}, metrics || "–"),
      h("td", {}, training),
      h("td", {}, compression),
      h("td", { class: "num" }, formatBytes(v.bytes)),
      h("td", {}, actions),
    );
  }

  private schemaView(s: Schema): HTMLElement {
    const tensorRows = (list: Schema["inputs"]) => list.map((t) =>
      h("tr", {}, h("td", { class: "mono" }, t.name), h("td", { class: "mono" }, t.datatype), h("td", { class: "mono" }, `[${t.shape.join(", ")}]`),
        h("td", { class: "muted" }, t.parameters ? Object.entries(t.parameters).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`).join("; ") : "")));
    const table = (title: string, list: Schema["inputs"], id: string) =>
      h("div", {}, h("h3", {}, title), h("table", { class: "models-table", id },
        h("thead", {}, h("tr", {}, ["Name", "Datatype", "Shape", ""].map((t) => h("th", {}, t)))), h("tbody", {}, tensorRows(list))));
    return h("div", { class: "schema" },
      table("Inputs (any one)", s.inputs, "schema-inputs"),
      table("Outputs", s.outputs, "schema-outputs"),
      s.classes ? h("div", { class: "muted" }, `Classes (output index order): ${s.classes.join(", ")}`) : "",
      h("div", { class: "muted" }, "-1 is any size (the batch, or a length). Version ", String(s.version), "."));
  }

  private accessView(d: ModelDetail): HTMLElement {
    const box = h("input", { type: "checkbox", id: "model-public", checked: d.public });
    box.addEventListener("change", () => void this.setPublic(box));
    return h("div", { class: "access" },
      h("label", { class: "access-public" }, box, " Public: anyone who can reach this server may call ", h("strong", {}, d.name), " without a key"),
      h("div", { class: "muted" }, d.public ? "It is public now." : "Callers need an API key allowed to call it (or this notebook session)."));
  }

  private async setPublic(box: HTMLInputElement): Promise<void> {
    const d = this.detail!;
    const want = box.checked;
    box.checked = d.public; // until confirmed and done
    if (want) {
      const typed = await promptText("Make the endpoint public", `Anyone who can reach this server will be able to call “${d.name}” without a key. Type the model's name to confirm.`, "");
      if (typed === null) return;
      if (typed !== d.name) {
        toast(`“${typed}” is not the model's name: it stays private`, "error");
        return;
      }
    }
    await this.change(modelsAPI.setPublic(d.name, want), want ? `${d.name} is public` : `${d.name} needs a key again`);
  }

  private async change(p: Promise<ModelDetail>, done: string): Promise<void> {
    try {
      this.render(await p);
      toast(done);
    } catch (err) {
      toast((err as Error).message, "error");
      await this.load();
    }
  }

  private async startCanary(d: ModelDetail, version: number): Promise<void> {
    const initial = d.canary?.version === version ? String(d.canary.percent) : "10";
    const typed = await promptText(`Canary v${version}`, `Percent of the requests that name no version to send to v${version} (1 to 99); v${d.default} answers the rest.`, initial);
    if (typed === null) return;
    const percent = Number(typed);
    if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
      toast(`“${typed}” is not a whole percent from 1 to 99`, "error");
      return;
    }
    await this.change(modelsAPI.canary(d.name, version, percent), `v${version} answers ${percent}% of the requests`);
  }

  private async deleteVersion(d: ModelDetail, v: VersionDetail): Promise<void> {
    const last = d.version_list.length === 1;
    const ok = await dialog(`Delete v${v.version}`,
      last ? `v${v.version} is the only version of ${d.name}: deleting it deletes the model.` : `Delete version ${v.version} of ${d.name}? Its files are removed; version numbers are never reused.`,
      [{ label: "Cancel", value: false }, { label: "Delete", value: true, kind: "danger" }]);
    if (!ok) return;
    try {
      const r = await modelsAPI.deleteVersion(d.name, v.version);
      if (r && r.deleted) {
        location.href = "/models/";
        return;
      }
      this.render(r as ModelDetail);
      toast(`Deleted v${v.version}`);
    } catch (err) {
      toast((err as Error).message, "error");
    }
  }

  private async deleteModel(): Promise<void> {
    const d = this.detail!;
    const ok = await dialog(`Delete ${d.name}`, `Delete ${d.name} and its ${d.versions} version${d.versions === 1 ? "" : "s"}? Its endpoint answers 404 afterwards.`,
      [{ label: "Cancel", value: false }, { label: "Delete model", value: true, kind: "danger" }]);
    if (!ok) return;
    try {
      await modelsAPI.deleteModel(d.name);
      location.href = "/models/";
    } catch (err) {
      toast((err as Error).message, "error");
    }
  }
}
