// The list page: at the workspace root the launcher (New notebook, the bundled
// examples) comes first; then the folder's notebooks and files, and the running kernels.

import { downloadURL, getJSON, notebookURL, postJSON, treeURL, upload } from "./api";
import { h, dialog, toast, promptText } from "./dom";
import { icon } from "./icons";
import { Example, Launcher } from "./launcher";

interface Entry {
  name: string;
  path: string;
  type: "notebook" | "directory" | "file";
  size?: number;
  mtime?: string;
}
interface Kernel {
  path: string;
  state: string;
  started?: string;
  pid?: number;
}

function formatSize(n?: number): string {
  if (n === undefined || n === null) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function formatTime(t?: string): string {
  if (!t) return "";
  const d = new Date(t);
  if (isNaN(d.getTime())) return "";
  const ago = (Date.now() - d.getTime()) / 1000;
  if (ago < 60) return "seconds ago";
  if (ago < 3600) return `${Math.floor(ago / 60)} min ago`;
  if (ago < 86400) return `${Math.floor(ago / 3600)} h ago`;
  return d.toLocaleDateString();
}

export class TreePage {
  private readonly list: HTMLDivElement;
  private readonly kernels: HTMLDivElement;
  private readonly launcher: Launcher | null;
  private running = new Set<string>();

  constructor(mount: HTMLElement, private readonly dir: string) {
    this.list = h("div", { class: "file-list", id: "file-list", role: "table" });
    this.kernels = h("div", { class: "kernel-list", id: "kernel-list" });
    // The launcher belongs to the workspace root, as JupyterLab's opens on its start page.
    this.launcher = dir === "" ? new Launcher({ newNotebook: () => void this.create(), openExample: (x, fresh) => void this.openExample(x, fresh) }) : null;
    const fileInput = h("input", { type: "file", accept: ".gonb,.ipynb", multiple: true, hidden: true, id: "upload-input" });
    fileInput.addEventListener("change", () => this.upload(fileInput));
    const crumbs = h("nav", { class: "breadcrumbs", "aria-label": "Folder" }, h("a", { href: treeURL("") }, "Workspace"));
    let acc = "";
    for (const part of dir.split("/").filter(Boolean)) {
      acc = acc ? `${acc}/${part}` : part;
      crumbs.append(h("span", { class: "crumb-sep" }, "/"), h("a", { href: treeURL(acc) }, part));
    }
    mount.replaceChildren(
      h("header", { class: "topbar" }, h("a", { class: "logo", href: treeURL("") }, h("span", { class: "logo-mark" }, "go"), "pad"), h("span", { class: "spacer" }), h("a", { class: "topbar-link", id: "link-models", href: "/models/", title: "Published models: endpoints, API keys" }, "Models")),
      h(
        "main",
        { class: "tree-main" },
        this.launcher?.element,
        h(
          "section",
          { class: "panel" },
          h(
            "div",
            { class: "panel-head" },
            crumbs,
            h("span", { class: "spacer" }),
            h("button", { class: "btn", id: "btn-upload", title: "Upload .gonb or .ipynb notebooks (or drop them on the page)", onclick: () => fileInput.click() }, icon("upload"), " Upload"),
            h("button", { class: "btn", id: "btn-refresh", title: "Refresh", "aria-label": "Refresh", onclick: () => this.refresh() }, icon("refresh")),
            h("button", { class: "btn btn-primary", id: "btn-new", onclick: () => this.create() }, "New notebook"),
            fileInput,
          ),
          this.list,
        ),
        h("section", { class: "panel" }, h("div", { class: "panel-head" }, h("h2", {}, "Running kernels")), this.kernels),
      ),
    );
    document.title = "gopad";
    // Dropping files on the page uploads them.
    mount.addEventListener("dragover", (e) => e.preventDefault());
    mount.addEventListener("drop", (e) => {
      e.preventDefault();
      if (e.dataTransfer?.files.length) void this.uploadFiles(Array.from(e.dataTransfer.files));
    });
    void this.refresh();
    // Back from a notebook the browser may show this page from its cache: list
    // again, so new files and the examples' copies show.
    window.addEventListener("pageshow", (e) => {
      if (e.persisted) void this.refresh();
    });
    setInterval(() => {
      if (document.visibilityState === "visible") void this.refreshKernels();
    }, 5000);
  }

  async refresh(): Promise<void> {
    await this.refreshKernels();
    try {
      const body = await getJSON(`/api/contents?path=${encodeURIComponent(this.dir)}`);
      this.renderEntries(body.entries ?? []);
      this.launcher?.show(body.examples ?? []);
    } catch (err) {
      this.list.replaceChildren(h("div", { class: "empty-note error-text" }, `Could not list the folder: ${(err as Error).message}`));
    }
    document.body.dataset.treeLoaded = "true";
  }

  private async refreshKernels() {
    try {
      const ks: Kernel[] = (await getJSON("/api/kernels")) ?? [];
      this.running = new Set(ks.map((k) => k.path));
      this.renderKernels(ks);
      this.list.querySelectorAll<HTMLElement>(".file-row").forEach((row) => {
        row.classList.toggle("is-running", this.running.has(row.dataset.path ?? ""));
      });
    } catch (err) {
      this.kernels.replaceChildren(h("div", { class: "empty-note error-text" }, `Could not list kernels: ${(err as Error).message}`));
    }
  }

  private renderEntries(entries: Entry[]) {
    const sorted = [...entries].sort((a, b) => (a.type === "directory" ? 0 : 1) - (b.type === "directory" ? 0 : 1) || a.name.localeCompare(b.name));
    const rows: HTMLElement[] = [h("div", { class: "file-row file-head", role: "row" }, h("span", {}, "Name"), h("span", {}, ""), h("span", {}, "Modified"), h("span", { class: "num" }, "Size"), h("span", {}, ""))];
    if (this.dir) {
      const up = this.dir.includes("/") ? this.dir.slice(0, this.dir.lastIndexOf("/")) : "";
      rows.push(h("div", { class: "file-row", role: "row" }, h("a", { class: "file-name dir", href: treeURL(up) }, icon("folder"), ".."), h("span"), h("span"), h("span"), h("span")));
    }
    for (const e of sorted) rows.push(this.row(e));
    if (sorted.length === 0) rows.push(h("div", { class: "empty-note" }, this.launcher ? "No notebooks here yet. Create one, upload one, or open an example above." : "No notebooks here yet. Create one or upload one."));
    this.list.replaceChildren(...rows);
  }

  private row(e: Entry): HTMLElement {
    const ic = () => icon(e.type === "directory" ? "folder" : e.type === "notebook" ? "notebook" : "file");
    const name =
      e.type === "directory"
        ? h("a", { class: "file-name dir", href: treeURL(e.path) }, ic(), e.name)
        : e.type === "notebook"
          ? h("a", { class: "file-name", href: notebookURL(e.path) }, ic(), e.name)
          : h("span", { class: "file-name plain" }, ic(), e.name);
    const actions = h("span", { class: "row-actions" });
    const act = (label: string, title: string, run: () => void) => h("button", { class: "link-btn", title, onclick: run }, label);
    if (e.type !== "directory") {
      actions.append(act("Rename", "Rename", () => this.rename(e)));
      if (e.type === "notebook") {
        actions.append(act("Duplicate", "Make a copy", () => this.duplicate(e)));
        const dl = h("select", { class: "download-select", "aria-label": `Download ${e.name}` },
          h("option", { value: "" }, "Download…"),
          h("option", { value: "gonb" }, ".gonb"),
          h("option", { value: "ipynb" }, ".ipynb"),
          h("option", { value: "html" }, "HTML"),
        );
        dl.addEventListener("change", () => {
          if (dl.value) location.href = downloadURL(e.path, dl.value as "gonb" | "ipynb" | "html");
          dl.value = "";
        });
        actions.append(dl);
      }
      actions.append(act("Delete", "Delete", () => this.remove(e)));
    }
    const row = h(
      "div",
      { class: "file-row", role: "row", "data-path": e.path },
      name,
      h("span", { class: "badge running-badge" }, "Running"),
      h("span", { class: "muted" }, formatTime(e.mtime)),
      h("span", { class: "muted num" }, e.type === "directory" ? "" : formatSize(e.size)),
      actions,
    );
    row.classList.toggle("is-running", this.running.has(e.path));
    return row;
  }

  private renderKernels(ks: Kernel[]) {
    if (ks.length === 0) {
      this.kernels.replaceChildren(h("div", { class: "empty-note" }, "No kernels running."));
      return;
    }
    this.kernels.replaceChildren(
      ...ks.map((k) =>
        h(
          "div",
          { class: "file-row kernel-row", "data-path": k.path },
          h("a", { class: "file-name", href: notebookURL(k.path) }, icon("notebook"), k.path),
          h("span", { class: "kernel-status", "data-state": k.state }, k.state),
          h("span", { class: "muted" }, k.started ? `started ${formatTime(k.started)}` : ""),
          h("span", { class: "muted num" }, k.pid ? `pid ${k.pid}` : ""),
          h("span", { class: "row-actions" }, h("button", { class: "btn btn-small", onclick: () => this.shutdown(k) }, "Shut down")),
        ),
      ),
    );
  }

  private async act<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      toast(`${what} failed: ${(err as Error).message}`, "error");
      return undefined;
    }
  }

  private async create() {
    const r = await this.act("Creating a notebook", () => postJSON("/api/contents/new", { dir: this.dir }));
    if (r?.path) location.href = notebookURL(r.path);
  }

  private async rename(e: Entry) {
    const name = await promptText(`Rename ${e.name}`, "New name", e.name);
    if (!name || name === e.name) return;
    const dir = e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/") + 1) : "";
    const r = await this.act("Rename", () => postJSON("/api/contents/rename", { path: e.path, new_path: dir + name }));
    if (r !== undefined) await this.refresh();
  }

  private async duplicate(e: Entry) {
    const r = await this.act("Duplicate", () => postJSON("/api/contents/duplicate", { path: e.path }));
    if (r !== undefined) {
      toast(`Copied to ${r?.path ?? "a new file"}`);
      await this.refresh();
    }
  }

  private async remove(e: Entry) {
    const ok = await dialog(`Delete ${e.name}?`, "The file is removed from disk. This cannot be undone.", [
      { label: "Cancel", value: false },
      { label: "Delete", value: true, kind: "danger" },
    ]);
    if (!ok) return;
    const r = await this.act("Delete", () => postJSON("/api/contents/delete", { path: e.path }));
    if (r !== undefined) await this.refresh();
  }

  private async shutdown(k: Kernel) {
    const r = await this.act("Shut down", () => postJSON("/api/kernels/shutdown", { path: k.path }));
    if (r !== undefined) await this.refreshKernels();
  }

  private async openExample(x: Example, fresh: boolean) {
    const r = await this.act("Opening the example", () => postJSON("/api/examples/open", fresh ? { name: x.name, fresh: true } : { name: x.name }));
    if (r?.path) location.href = notebookURL(r.path);
  }

  private async upload(input: HTMLInputElement) {
    await this.uploadFiles(Array.from(input.files ?? []));
    input.value = "";
  }

  private async uploadFiles(files: File[]) {
    for (const f of files) {
      if (!/\.(gonb|ipynb)$/i.test(f.name)) {
        toast(`${f.name}: only .gonb and .ipynb notebooks can be uploaded`, "error");
        continue;
      }
      const r = await this.act(`Uploading ${f.name}`, () => upload(this.dir, f));
      if (r !== undefined) toast(`Uploaded ${f.name}`);
    }
    await this.refresh();
  }
}
