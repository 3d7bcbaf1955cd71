// The notebook page: its cells, the selection and the two modes (command and edit),
// and how server messages redraw it. Commands (commands.ts) change the notebook by
// asking the server; menus.ts and keys.ts invoke them; connection.ts talks to the server.

import { treeURL } from "./api";
import { Cell, CellData, CellType } from "./cell";
import { Commands, NotebookState, baseName, dirName } from "./commands";
import { Connection } from "./connection";
import { h, dialog, toast } from "./dom";
import { Completion, DocReply } from "./editor";
import { CommandKeys, editorKeys } from "./keys";
import { buildMenubar, buildToolbar } from "./menus";
import { displayID, Output } from "./outputs";
import { Message } from "./ws";
import { handlePublishResult, setPublishSender } from "./publish";

type Mode = "command" | "edit";
type KernelState = "none" | "starting" | "idle" | "busy" | "dead" | "restarting" | "unknown";

// Cells beyond this many start with a plain preview instead of an editor.
const EAGER_EDITORS = 12;

export class NotebookPage implements NotebookState {
  cells: Cell[] = [];
  selected = 0;
  readonly conn: Connection;
  private byId = new Map<string, Cell>();
  private mode: Mode = "command";
  private kernel: KernelState = "unknown";
  private dirty = false;
  private lastSaved: Date | null = null;
  private focusOnInsert: { id: string; edit: boolean } | null = null;
  private loaded = false;
  private readonly cmds: Commands;
  private readonly keys: CommandKeys;

  private readonly root: HTMLElement;
  private readonly cellList: HTMLDivElement;
  private readonly kernelBadge: HTMLSpanElement;
  private readonly saveStatus: HTMLSpanElement;
  private readonly trustBadge: HTMLButtonElement;
  private readonly banner: HTMLDivElement;
  private readonly connBanner: HTMLDivElement;
  private readonly titleEl: HTMLButtonElement;
  private readonly typeSelect: HTMLSelectElement;

  constructor(mount: HTMLElement, readonly path: string) {
    this.root = mount;
    this.conn = new Connection(path, (id) => this.byId.has(id));
    setPublishSender((m) => this.conn.send(m));
    this.cmds = new Commands(this);
    this.keys = new CommandKeys(this.cmds, () => this.cells.length);
    this.cellList = h("div", { class: "cell-list", id: "cells" });
    this.kernelBadge = h("span", { class: "kernel-status", id: "kernel-status", "data-state": "unknown", role: "status" }, "Kernel: connecting");
    this.saveStatus = h("span", { class: "save-status", id: "save-status" });
    this.trustBadge = h(
      "button",
      { class: "trust-badge", id: "trust-badge", hidden: true, title: "Outputs read from this file run no script. Click to trust them." },
      "Not trusted",
    );
    this.trustBadge.addEventListener("click", () => void this.cmds.trust());
    this.banner = h("div", { class: "banner banner-error", id: "kernel-banner", hidden: true });
    this.connBanner = h("div", { class: "banner banner-warn", id: "conn-banner", hidden: true });
    this.titleEl = h("button", { class: "nb-title", id: "nb-title", title: "Rename notebook", onclick: () => void this.cmds.rename() }, baseName(path));
    this.typeSelect = h(
      "select",
      { class: "cell-type-select", "aria-label": "Cell type", onchange: () => this.cmds.setCellType(this.typeSelect.value as CellType) },
      h("option", { value: "code" }, "Code"),
      h("option", { value: "markdown" }, "Markdown"),
      h("option", { value: "raw" }, "Raw"),
    );
    this.buildChrome();
    document.title = `${baseName(path)} – gopad`;
    this.conn.onMessage = (m) => this.handle(m);
    this.conn.onState = (s, detail) => this.connectionState(s, detail);
    document.addEventListener("keydown", (e) => this.keys.onKeyDown(e));
    window.addEventListener("beforeunload", () => this.conn.flushEdits());
    setInterval(() => {
      const now = Date.now();
      for (const c of this.cells) if (c.state === "running") c.tick(now);
    }, 100);
    this.conn.connect();
  }

  // ---------------------------------------------------------------- chrome

  private buildChrome() {
    const header = h(
      "header",
      { class: "topbar" },
      h("a", { class: "logo", href: treeURL(dirName(this.path)), title: "Notebook list" }, h("span", { class: "logo-mark" }, "go"), "pad"),
      this.titleEl,
      this.saveStatus,
      this.trustBadge,
      h("span", { class: "spacer" }),
      h("a", { class: "topbar-link", id: "link-models", href: "/models/", title: "Published models: endpoints, API keys" }, "Models"),
      h("span", { class: "kernel-name" }, "Go (yaegi)"),
      this.kernelBadge,
    );
    const menubar = buildMenubar(this.cmds, this.path);
    const toolbar = buildToolbar(this.cmds, this.typeSelect, () => this.refocus());
    this.root.replaceChildren(
      h("div", { class: "nb-chrome" }, header, menubar, toolbar, this.connBanner, this.banner),
      h("main", { class: "nb-main" }, this.cellList, h("div", { class: "nb-end", onclick: () => this.cmds.insertAtEnd() }, "Click to add a cell")),
    );
    this.cellList.addEventListener("mousedown", (e) => this.onCellMouseDown(e));
    this.cellList.addEventListener("dblclick", (e) => {
      const cell = this.cellOf(e.target as Element);
      if (cell && cell.type === "markdown" && !cell.editing) {
        this.select(this.cells.indexOf(cell));
        this.enterEdit();
      }
    });
  }

  private refocus() {
    if (this.mode === "edit") this.cells[this.selected]?.focusEditor();
  }

  // ---------------------------------------------------------------- NotebookState for the commands

  expectInsert(id: string, edit: boolean) {
    this.focusOnInsert = { id, edit };
  }

  saving() {
    this.saveStatus.textContent = "Saving…";
  }

  allTrusted(): boolean {
    return this.cells.every((c) => c.outputs.isTrusted());
  }

  /** updateTrustBadge shows "Not trusted" while any cell shows outputs from an untrusted file. */
  private updateTrustBadge() {
    this.trustBadge.hidden = this.allTrusted();
  }


  private handle(m: Message) {
    switch (m.type) {
      case "snapshot":
        this.loadSnapshot(m);
        break;
      case "cell_inserted": {
        const data = m.cell as CellData;
        if (this.byId.has(data.id)) break;
        this.insertCellView(Math.min(Math.max(0, m.index), this.cells.length), data);
        const f = this.focusOnInsert;
        if (f && f.id === data.id) {
          this.focusOnInsert = null;
          this.select(this.cells.indexOf(this.byId.get(data.id)!));
          if (f.edit) this.enterEdit();
        }
        this.markDirty();
        break;
      }
      case "cell_deleted": {
        const c = this.byId.get(m.cell_id);
        if (!c) break;
        const idx = this.cells.indexOf(c);
        const wasSelected = idx === this.selected;
        const hadFocus = this.mode === "edit" && wasSelected;
        c.destroy();
        this.cells.splice(idx, 1);
        this.byId.delete(c.id);
        this.conn.dropEdit(c.id);
        if (this.cells.length === 0) {
          this.selected = 0;
        } else if (idx < this.selected || this.selected >= this.cells.length) {
          this.selected = Math.max(0, this.selected - 1);
        }
        if (hadFocus) this.mode = "command";
        this.updateSelection();
        this.updateTrustBadge();
        this.markDirty();
        break;
      }
      case "cell_moved": {
        const c = this.byId.get(m.cell_id);
        if (!c) break;
        const sel = this.cells[this.selected];
        this.cells.splice(this.cells.indexOf(c), 1);
        const idx = Math.min(Math.max(0, m.index), this.cells.length);
        this.cells.splice(idx, 0, c);
        const before = this.cells[idx + 1]?.el ?? null;
        // Moving a focused editor's element would blur it; remember and restore.
        const focused = c.editor?.hasFocus;
        this.cellList.insertBefore(c.el, before);
        if (focused) c.editor!.focus();
        this.selected = Math.max(0, this.cells.indexOf(sel));
        this.updateSelection();
        this.markDirty();
        break;
      }
      case "cell_source": {
        const c = this.byId.get(m.cell_id);
        if (!c) break;
        if (this.conn.isOwnEcho(m.origin)) break;
        // A local edit not yet sent wins: it is about to reach the server.
        if (this.conn.pendingEdit(c.id) !== undefined) break;
        c.setSource(String(m.source ?? ""));
        this.markDirty();
        break;
      }
      case "cell_type": {
        const c = this.byId.get(m.cell_id);
        if (!c || c.type === m.cell_type) break;
        c.type = m.cell_type;
        if (c.type !== "markdown") c.editing = false;
        c.applyType();
        this.updateSelection();
        break;
      }
      case "cell_state": {
        const c = this.byId.get(m.cell_id);
        if (!c) break;
        c.setRunState(m.state, m.execution_count, m.elapsed_ms, m.started_ms);
        break;
      }
      case "output": {
        const c = this.byId.get(m.cell_id);
        if (!c) break;
        c.outputs.append(m.output as Output);
        c.updateView();
        break;
      }
      case "outputs_cleared": {
        const c = this.byId.get(m.cell_id);
        if (!c) break;
        c.clearOutputs();
        this.updateTrustBadge();
        // Clearing also resets the execution count and the timing, as Jupyter
        // does (a running cell keeps its [*] and its live timer).
        c.executionCount = null;
        if (c.state !== "running") c.elapsedMs = null;
        c.updateView();
        break;
      }
      case "update_display": {
        const out = m.output as Output;
        const id = m.display_id ?? displayID(out);
        if (!id) break;
        for (const c of this.cells) c.outputs.updateDisplay(id, out);
        break;
      }
      case "kernel_status":
        this.setKernel(m.state, m.reason);
        break;
      case "trusted":
        for (const c of this.cells) c.outputs.setTrusted(true);
        this.updateTrustBadge();
        break;
      case "saved":
        this.dirty = false;
        this.lastSaved = m.mtime ? new Date(m.mtime) : new Date();
        if (isNaN(this.lastSaved.getTime())) this.lastSaved = new Date();
        this.updateSaveStatus();
        break;
      case "conflict":
        this.saveStatus.textContent = "Not saved: the file changed on disk";
        this.saveStatus.dataset.state = "dirty";
        this.showConflict(String(m.message ?? "The file changed on disk."));
        break;
      case "error":
        toast(`Server: ${m.message}`, "error");
        break;
      case "publish_result":
        handlePublishResult(m);
        break;
      default:
        console.warn("gopad: unknown message", m);
    }
  }

  private loadSnapshot(m: Message) {
    performance.mark("gopad-snapshot-start");
    const nb = m.notebook ?? { cells: [] };
    const selId = this.cells[this.selected]?.id;
    const wasEditing = this.mode === "edit";
    for (const c of this.cells) c.destroy();
    this.cells = [];
    this.byId.clear();
    this.editorObserver?.disconnect();
    const frag = document.createDocumentFragment();
    const all = (nb.cells ?? []) as CellData[];
    const untrusted = new Set<string>(Array.isArray(m.untrusted) ? m.untrusted : []);
    for (const [i, data] of all.entries()) {
      // Edits made while disconnected are re-applied; they are queued to be sent.
      const local = this.conn.pendingEdit(data.id);
      if (local !== undefined) data.source = local;
      // The first cells get editors at once; the rest when they scroll near (or when idle).
      const c = this.makeCell(data, i >= EAGER_EDITORS, !untrusted.has(data.id));
      this.cells.push(c);
      this.byId.set(c.id, c);
      frag.append(c.el);
    }
    this.cellList.replaceChildren(frag);
    this.upgradeEditorsLazily();
    for (const id of m.queued ?? []) this.byId.get(id)?.setRunState("queued");
    if (m.running && m.running.cell_id) {
      this.byId.get(m.running.cell_id)?.setRunState("running", undefined, undefined, m.running.started_ms);
    }
    this.dirty = !!m.dirty;
    this.updateSaveStatus();
    this.updateTrustBadge();
    if (m.kernel) this.setKernel(m.kernel.state, m.kernel.reason);
    const idx = selId ? this.cells.findIndex((c) => c.id === selId) : -1;
    this.selected = idx >= 0 ? idx : 0;
    this.mode = "command";
    this.updateSelection();
    if (wasEditing && idx >= 0) this.enterEdit();
    // A fresh notebook (one empty code cell) opens ready for typing, as in Jupyter.
    if (!this.loaded && this.cells.length === 1 && this.cells[0].type === "code" && this.cells[0].source === "") this.enterEdit();
    if (!this.loaded) this.showCellFromHash();
    if (!this.loaded) {
      // Time from navigation to the first drawn, editable notebook (read by the e2e load test).
      requestAnimationFrame(() =>
        setTimeout(() => {
          (window as any).gopadInteractiveMs = performance.now();
          document.body.dataset.interactive = "true";
        }, 0),
      );
    }
    this.loaded = true;
    document.body.dataset.notebookLoaded = "true";
    performance.mark("gopad-snapshot-end");
  }

  private editorObserver: IntersectionObserver | null = null;

  // Lazy cells get their editor when within a screen of the viewport, and the rest one
  // by one when the browser is idle, so that the page is usable at once and complete soon.
  private upgradeEditorsLazily() {
    const lazy = this.cells.filter((c) => !c.hasEditor() && c.type !== "markdown");
    if (lazy.length === 0) return;
    const byEl = new Map(lazy.map((c) => [c.el as Element, c]));
    this.editorObserver = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          byEl.get(e.target)?.ensureEditor();
          this.editorObserver?.unobserve(e.target);
        }
      },
      { rootMargin: "1000px 0px" },
    );
    for (const c of lazy) this.editorObserver.observe(c.el);
    const idle = (window as any).requestIdleCallback ?? ((f: (d: { timeRemaining(): number }) => void) => setTimeout(() => f({ timeRemaining: () => 8 }), 50));
    const step = (deadline: { timeRemaining(): number }) => {
      while (lazy.length > 0 && deadline.timeRemaining() > 2) {
        const c = lazy.shift()!;
        if (this.byId.get(c.id) === c && c.type !== "markdown") c.ensureEditor();
      }
      if (lazy.length > 0) idle(step);
    };
    idle(step);
  }

  private makeCell(data: CellData, lazy = false, trusted = true): Cell {
    const cell: Cell = new Cell(data, () => ({
      onChange: (source) => this.onEdit(cell, source),
      onFocus: () => {
        const i = this.cells.indexOf(cell);
        if (i >= 0) this.select(i);
        this.mode = "edit";
        this.updateSelection();
      },
      complete: (code, pos) => this.requestCompletion(cell, code, pos),
      inspect: (code, pos) => this.requestDocs(cell, code, pos),
      keys: editorKeys(this.cmds, () => this.enterCommand()),
    }), lazy, trusted);
    cell.onTool = (tool) => {
      const i = this.cells.indexOf(cell);
      if (i < 0) return;
      this.select(i);
      if (tool === "run") this.cmds.runSelected();
      else if (tool === "up") this.cmds.moveSelected(-1);
      else if (tool === "down") this.cmds.moveSelected(1);
      else this.cmds.deleteSelected();
    };
    return cell;
  }

  private insertCellView(index: number, data: CellData) {
    const c = this.makeCell(data);
    const before = this.cells[index]?.el ?? null;
    this.cells.splice(index, 0, c);
    this.byId.set(c.id, c);
    this.cellList.insertBefore(c.el, before);
    if (index <= this.selected && this.cells.length > 1) this.selected++;
    this.updateSelection();
  }

  private setKernel(state: KernelState, reason?: string) {
    this.kernel = state;
    const labels: Record<string, string> = {
      none: "Not started",
      starting: "Starting",
      idle: "Idle",
      busy: "Busy",
      dead: "Dead",
      restarting: "Restarting",
      unknown: "Unknown",
    };
    this.kernelBadge.dataset.state = state;
    this.kernelBadge.textContent = `Kernel: ${labels[state] ?? state}`;
    this.kernelBadge.title = reason ? `${state}: ${reason}` : state;
    if (state === "dead") {
      this.banner.replaceChildren(
        h("strong", {}, "The kernel died. "),
        reason ? `Reason: ${reason}. ` : "",
        "Variables are lost; restart it to run cells again. ",
        h("button", { class: "btn btn-primary", onclick: () => this.conn.send({ type: "restart", run_all: false }) }, "Restart kernel"),
      );
      this.banner.hidden = false;
      for (const c of this.cells) if (c.state !== "idle") c.setRunState("idle");
    } else if (state !== "busy") {
      this.banner.hidden = true;
    }
  }

  private connectionState(s: string, detail?: string) {
    if (s === "open") {
      this.connBanner.hidden = true;
    } else if (s === "closed") {
      this.connBanner.textContent = `Disconnected from gopad (${detail ?? "connection lost"}). Reconnecting… Your edits are kept and sent when the connection is back.`;
      this.connBanner.hidden = false;
      this.kernelBadge.dataset.state = "unknown";
      this.kernelBadge.textContent = "Kernel: disconnected";
    }
  }

  private showConflict(message: string) {
    void dialog(
      "The notebook changed on disk",
      h("div", {}, h("p", {}, message), h("p", {}, "Reload the version on disk (your unsaved changes here are dropped), or overwrite it with this one?")),
      [
        { label: "Reload from disk", value: "reload" as const },
        { label: "Overwrite the file", value: "overwrite" as const, kind: "danger" },
      ],
      false,
    ).then((choice) => {
      if (choice) this.conn.send({ type: "resolve_conflict", choice });
    });
  }

  // ---------------------------------------------------------------- editing

  private onEdit(cell: Cell, source: string) {
    cell.source = source;
    this.conn.edit(cell.id, source);
    this.markDirty();
  }

  private markDirty() {
    if (!this.loaded) return;
    this.dirty = true;
    this.updateSaveStatus();
  }

  private updateSaveStatus() {
    if (this.dirty) {
      this.saveStatus.textContent = "Unsaved changes";
      this.saveStatus.dataset.state = "dirty";
    } else {
      this.saveStatus.textContent = this.lastSaved ? `Saved ${this.lastSaved.toLocaleTimeString()}` : "Saved";
      this.saveStatus.dataset.state = "saved";
    }
  }

  private async requestCompletion(cell: Cell, code: string, pos: number): Promise<Completion | null> {
    const m = await this.conn.request({ type: "complete", cell_id: cell.id, code, cursor_pos: pos }, 3000);
    if (!m) return null;
    return { matches: m.matches ?? [], cursor_start: m.cursor_start ?? 0, cursor_end: m.cursor_end ?? 0, types: Array.isArray(m.types) ? m.types : undefined };
  }

  private async requestDocs(cell: Cell, code: string, pos: number): Promise<DocReply | null> {
    const m = await this.conn.request({ type: "inspect", cell_id: cell.id, code, cursor_pos: pos }, 6000);
    if (!m) return null;
    return m as unknown as DocReply;
  }

  // ---------------------------------------------------------------- selection & modes

  private cellOf(el: Element | null): Cell | undefined {
    const host = el?.closest?.(".cell") as HTMLElement | null;
    return host ? this.byId.get(host.dataset.cellId ?? "") : undefined;
  }

  private onCellMouseDown(e: MouseEvent) {
    const cell = this.cellOf(e.target as Element);
    if (!cell) return;
    const target = e.target as Element;
    const preview = target.closest(".source-preview");
    // CodeMirror focuses itself (onFocus switches to edit mode); controls and outputs
    // keep their own clicks.
    const ownsClick = target.closest(".cm-editor, button, a, input, select, iframe, .output-chart");
    if (preview) e.preventDefault();
    this.select(this.cells.indexOf(cell));
    if (preview) {
      cell.ensureEditor();
      const pos = cell.editor!.posAtCoords({ x: e.clientX, y: e.clientY }) ?? 0;
      cell.editor!.focus();
      cell.editor!.dispatch({ selection: { anchor: pos } });
      return;
    }
    if (!ownsClick) this.enterCommand();
  }

  select(i: number) {
    if (this.cells.length === 0) {
      this.selected = 0;
      return;
    }
    const next = Math.min(Math.max(0, i), this.cells.length - 1);
    if (next !== this.selected) {
      const prev = this.cells[this.selected];
      // Leaving a Markdown cell being edited renders it, as in Jupyter.
      if (prev && prev.type === "markdown" && prev.editing) prev.setEditing(false);
      if (this.mode === "edit") {
        this.mode = "command";
      }
    }
    this.selected = next;
    this.updateSelection();
  }

  private updateSelection() {
    this.cells.forEach((c, i) => {
      const sel = i === this.selected;
      c.el.classList.toggle("selected", sel);
      c.el.classList.toggle("editing", sel && this.mode === "edit");
    });
    const cur = this.cells[this.selected];
    if (cur) this.typeSelect.value = cur.type;
    document.body.dataset.mode = this.mode;
  }

  /** showCellFromHash selects the cell an address like /nb/x.gonb#cell=ID names
   * (the endpoint page links a model version to the cell that published it). */
  private showCellFromHash() {
    const m = /^#cell=(.+)$/.exec(location.hash);
    if (!m) return;
    const i = this.cells.findIndex((c) => c.id === decodeURIComponent(m[1]));
    if (i < 0) return;
    this.select(i);
    const el = this.cells[i].el;
    el.classList.add("cell-linked");
    requestAnimationFrame(() => el.scrollIntoView({ block: "center" }));
  }

  scrollIntoView(c: Cell) {
    const r = c.el.getBoundingClientRect();
    const top = (document.querySelector(".nb-chrome") as HTMLElement)?.offsetHeight ?? 0;
    if (r.top < top) window.scrollBy({ top: r.top - top - 8 });
    else if (r.bottom > window.innerHeight) window.scrollBy({ top: Math.min(r.bottom - window.innerHeight + 8, r.top - top - 8) });
  }

  enterEdit() {
    const c = this.cells[this.selected];
    if (!c) return;
    this.mode = "edit";
    c.focusEditor();
    this.updateSelection();
  }

  enterCommand() {
    const c = this.cells[this.selected];
    this.mode = "command";
    if (c && c.editor?.hasFocus) c.editor.contentDOM.blur();
    if (c && c.type === "markdown" && c.editing) c.setEditing(false);
    (c?.el ?? this.cellList).focus({ preventScroll: true });
    this.updateSelection();
  }

}
