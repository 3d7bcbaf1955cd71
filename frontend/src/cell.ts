// One cell of the notebook page: prompt, editor (or rendered Markdown), timing, outputs.

import { EditorView } from "@codemirror/view";
import { h } from "./dom";
import { createEditor, replaceSource, setErrorLine, EditorHooks } from "./editor";
import { icon } from "./icons";
import { renderMarkdown } from "./markdown";
import { OutputArea, Output, joinText } from "./outputs";

export type CellType = "code" | "markdown" | "raw";
export type RunState = "idle" | "queued" | "running";

/** CellTool is an action of the small toolbar shown on the selected or hovered cell. */
export type CellTool = "run" | "up" | "down" | "delete";

/** CellData is an nbformat cell as the server sends it. */
export interface CellData {
  id: string;
  cell_type: CellType;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  metadata?: Record<string, any>;
}

/** formatElapsed shows a duration the way people read it: 12 ms, 1.4 s, 2 min 5 s. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * recordedElapsed reads the run time Jupyter-style timing metadata records
 * (metadata.execution, written by the server when a cell runs): execute_input to
 * execute_reply, else busy to idle. It is null when absent or unreadable.
 */
export function recordedElapsed(metadata: Record<string, any> | undefined): number | null {
  const ex = metadata?.execution;
  if (!ex || typeof ex !== "object") return null;
  const span = (from: string, to: string): number | null => {
    const a = Date.parse(ex[from]);
    const b = Date.parse(ex[to]);
    return Number.isFinite(a) && Number.isFinite(b) && b >= a ? b - a : null;
  };
  return span("iopub.execute_input", "shell.execute_reply") ?? span("iopub.status.busy", "iopub.status.idle");
}

export class Cell {
  readonly el: HTMLDivElement;
  readonly outputs: OutputArea;
  id: string;
  type: CellType;
  source: string;
  executionCount: number | null;
  state: RunState = "idle";
  startedMs = 0;
  elapsedMs: number | null = null;
  editor: EditorView | null = null;
  /** editing is true while a Markdown cell shows its editor instead of its rendering. */
  editing = false;

  private readonly prompt: HTMLDivElement;
  private readonly editorHost: HTMLDivElement;
  private readonly rendered: HTMLDivElement;
  private readonly timing: HTMLDivElement;
  private readonly outputPrompt: HTMLDivElement;
  private pendingErrorLine = 0;

  /** lazy cells show a plain-text preview until ensureEditor is called (fast loading). */
  private lazy: boolean;
  private preview: HTMLPreElement | null = null;

  /** onTool is called when a button of the cell's own toolbar is clicked. */
  onTool: (tool: CellTool) => void = () => {};

  constructor(data: CellData, private readonly hooks: () => EditorHooks, lazy = false, trusted = true) {
    this.lazy = lazy;
    this.id = data.id;
    this.type = data.cell_type;
    this.source = joinText(data.source);
    this.executionCount = data.execution_count ?? null;
    // The saved timing stands in for a live one after a reload or a server restart.
    this.elapsedMs = data.cell_type === "code" ? recordedElapsed(data.metadata) : null;
    this.prompt = h("div", { class: "prompt input-prompt" });
    this.editorHost = h("div", { class: "editor-host" });
    this.rendered = h("div", { class: "markdown-rendered markdown-body" });
    this.timing = h("div", { class: "cell-timing" });
    // An empty prompt column keeps outputs aligned with the code; a result's [n]
    // is drawn beside the result itself (outputs.ts).
    this.outputPrompt = h("div", { class: "prompt output-prompt" });
    this.outputs = new OutputArea();
    this.outputs.onError = (line) => this.markErrorLine(line);
    const tool = (name: CellTool, ic: string, title: string) =>
      h("button", { class: "cell-tool", title, "aria-label": title, "data-tool": name, onclick: () => this.onTool(name) }, icon(ic, 14));
    const tools = h(
      "div",
      { class: "cell-tools" },
      tool("run", "run", "Run this cell"),
      tool("up", "up", "Move up"),
      tool("down", "down", "Move down"),
      tool("delete", "trash", "Delete cell (Z undoes)"),
    );
    this.el = h(
      "div",
      { class: "cell", "data-cell-id": this.id, tabindex: "-1" },
      tools,
      h("div", { class: "cell-input" }, this.prompt, h("div", { class: "cell-body" }, this.editorHost, this.rendered)),
      this.timing,
      h("div", { class: "cell-output" }, this.outputPrompt, this.outputs.el),
    );
    this.outputs.set(data.outputs ?? [], trusted);
    this.applyType();
  }

  /** applyType sets classes, editor language and rendering for the cell's type. */
  applyType(): void {
    this.el.classList.remove("code-cell", "markdown-cell", "raw-cell");
    this.el.classList.add(`${this.type}-cell`);
    this.el.dataset.cellType = this.type;
    if (this.editor) {
      // The language is part of the editor set-up: rebuild it for the new type.
      const focused = this.editor.hasFocus;
      this.editor.destroy();
      this.editor = null;
      this.ensureEditor();
      if (focused) this.editor!.focus();
    }
    if (this.type === "markdown" && !this.editing) {
      this.renderMarkdown();
    } else if (this.lazy && !this.editor) {
      this.showPreview();
    } else {
      this.ensureEditor();
    }
    this.updateView();
  }

  // A plain <pre> of the source stands in for the editor until the cell nears the
  // viewport: creating 100 CodeMirror views up front would delay the first paint.
  private showPreview() {
    if (!this.preview) {
      this.preview = h("pre", { class: `source-preview${this.type === "code" ? " with-gutter" : ""}` });
      this.editorHost.append(this.preview);
    }
    this.preview.textContent = this.source || " ";
  }

  /** hasEditor reports whether the CodeMirror view exists. */
  hasEditor(): boolean {
    return this.editor !== null;
  }

  /** ensureEditor creates the CodeMirror editor if the cell shows one and has none yet. */
  ensureEditor(): void {
    if (this.editor) return;
    this.lazy = false;
    this.preview?.remove();
    this.preview = null;
    const language = this.type === "code" ? "go" : this.type === "markdown" ? "markdown" : "raw";
    this.editor = createEditor(this.editorHost, this.source, language, this.hooks());
    if (this.pendingErrorLine) this.markErrorLine(this.pendingErrorLine);
  }

  private renderMarkdown() {
    const src = this.source.trim();
    this.rendered.innerHTML = src ? renderMarkdown(this.source) : '<p class="placeholder">Empty Markdown cell — double-click or press Enter to edit.</p>';
  }

  /** setEditing switches a Markdown cell between editor and rendering. */
  setEditing(on: boolean): void {
    if (this.type !== "markdown") {
      this.editing = on;
      return;
    }
    if (on === this.editing) return;
    this.editing = on;
    if (on) {
      this.ensureEditor();
    } else {
      this.renderMarkdown();
    }
    this.updateView();
  }

  /** setSource replaces the text (from the server). */
  setSource(source: string): void {
    this.source = source;
    if (this.editor) replaceSource(this.editor, source);
    else if (this.preview) this.preview.textContent = source || " ";
    if (this.type === "markdown" && !this.editing) this.renderMarkdown();
  }

  /** setRunState shows queued/running/idle, with the execution count and elapsed time. */
  setRunState(state: RunState, executionCount?: number | null, elapsedMs?: number | null, startedMs?: number): void {
    this.state = state;
    if (executionCount !== undefined) this.executionCount = executionCount;
    if (state === "running") {
      this.startedMs = startedMs ?? Date.now();
      this.elapsedMs = null;
    }
    if (elapsedMs !== undefined && elapsedMs !== null) this.elapsedMs = elapsedMs;
    this.updateView();
  }

  /** tick refreshes the live elapsed time of a running cell. */
  tick(now: number): void {
    if (this.state === "running") this.timing.textContent = `running ${formatElapsed(Math.max(0, now - this.startedMs))}`;
  }

  markErrorLine(line: number): void {
    this.pendingErrorLine = line;
    if (this.editor && this.type === "code") this.editor.dispatch({ effects: setErrorLine.of(line) });
  }

  clearOutputs(): void {
    this.outputs.clear();
    this.markErrorLine(0);
    this.updateView();
  }

  updateView(): void {
    const isMd = this.type === "markdown";
    const showRendered = isMd && !this.editing;
    this.rendered.hidden = !showRendered;
    this.editorHost.hidden = showRendered;
    this.el.classList.toggle("rendered", showRendered);
    this.el.classList.toggle("running", this.state === "running");
    this.el.classList.toggle("queued", this.state === "queued");
    if (this.type === "code") {
      const n = this.state === "idle" ? (this.executionCount ?? " ") : "*";
      this.prompt.textContent = `[${n}]:`;
      this.prompt.title = this.state === "queued" ? "Queued" : this.state === "running" ? "Running" : "";
    } else {
      this.prompt.textContent = "";
    }
    if (this.state === "running") {
      this.tick(Date.now());
    } else if (this.state === "queued") {
      this.timing.textContent = "queued";
    } else {
      this.timing.textContent = this.elapsedMs !== null && this.type === "code" ? `took ${formatElapsed(this.elapsedMs)}` : "";
    }
  }

  focusEditor(): void {
    if (this.type === "markdown") this.setEditing(true);
    this.ensureEditor();
    this.editor!.focus();
  }

  /** cursorOffset is the cursor position in the editor (0 without one). */
  cursorOffset(): number {
    return this.editor ? this.editor.state.selection.main.head : 0;
  }

  destroy(): void {
    this.editor?.destroy();
    this.outputs.dispose();
    this.el.remove();
  }
}
