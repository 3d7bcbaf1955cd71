// The notebook's commands: what menus, toolbar buttons and keys do. Each one asks the
// server for a change (the page redraws when the server reports it) or acts on the
// selection; none of them knows which key or menu item invoked it.

import { EditorView } from "@codemirror/view";
import { notebookURL, postJSON } from "./api";
import { Cell, CellType } from "./cell";
import { Connection, newID } from "./connection";
import { dialog, toast, promptText } from "./dom";
import { codePointOffset } from "./editor";
import { showShortcuts } from "./keys";

/** NotebookState is what the commands read and drive of the notebook page. */
export interface NotebookState {
  readonly cells: Cell[];
  readonly selected: number;
  readonly conn: Connection;
  readonly path: string;
  select(i: number): void;
  enterEdit(): void;
  enterCommand(): void;
  scrollIntoView(c: Cell): void;
  /** expectInsert selects (and edits) the cell with this id once the server inserts it. */
  expectInsert(id: string, edit: boolean): void;
  /** saving shows that a save was asked for. */
  saving(): void;
  allTrusted(): boolean;
}

interface DeletedCell {
  index: number;
  cell_type: CellType;
  source: string;
}

/** baseName is the file name of a notebook path. */
export function baseName(path: string): string {
  return path.split("/").pop() || path;
}

/** dirName is the folder of a notebook path ("" at the root). */
export function dirName(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : "";
}

export class Commands {
  private deleted: DeletedCell[] = [];
  private clipboard: { cell_type: CellType; source: string } | null = null;

  constructor(private readonly nb: NotebookState) {}

  private get current(): Cell | undefined {
    return this.nb.cells[this.nb.selected];
  }

  insert(index: number, cellType: CellType, edit: boolean, source = "") {
    const id = newID();
    this.nb.expectInsert(id, edit);
    this.nb.conn.send({ type: "insert_cell", index, cell_type: cellType, cell_id: id, source });
  }

  insertAbove() {
    this.insert(this.nb.selected, "code", false);
  }

  insertBelow() {
    this.insert(this.nb.cells.length === 0 ? 0 : this.nb.selected + 1, "code", false);
  }

  insertAtEnd() {
    this.insert(this.nb.cells.length, "code", true);
  }

  deleteSelected() {
    const c = this.current;
    if (!c) return;
    this.nb.conn.flushEdits();
    this.deleted.push({ index: this.nb.selected, cell_type: c.type, source: c.editor ? c.editor.state.doc.toString() : c.source });
    if (this.deleted.length > 50) this.deleted.shift();
    this.nb.conn.send({ type: "delete_cell", cell_id: c.id });
  }

  undoDelete() {
    const d = this.deleted.pop();
    if (!d) {
      toast("Nothing to undo");
      return;
    }
    this.insert(Math.min(d.index, this.nb.cells.length), d.cell_type, false, d.source);
  }

  copy() {
    const c = this.current;
    if (c) this.clipboard = { cell_type: c.type, source: c.editor ? c.editor.state.doc.toString() : c.source };
  }

  cut() {
    this.copy();
    this.deleteSelected();
  }

  paste() {
    if (!this.clipboard) return;
    this.insert(this.nb.cells.length === 0 ? 0 : this.nb.selected + 1, this.clipboard.cell_type, false, this.clipboard.source);
  }

  moveSelected(dir: number) {
    const c = this.current;
    const to = this.nb.selected + dir;
    if (!c || to < 0 || to >= this.nb.cells.length) return;
    this.nb.conn.send({ type: "move_cell", cell_id: c.id, index: to });
  }

  setCellType(t: CellType) {
    const c = this.current;
    if (!c || c.type === t) return;
    this.nb.conn.flushEdits();
    this.nb.conn.send({ type: "set_cell_type", cell_id: c.id, cell_type: t });
  }

  split() {
    const c = this.current;
    if (!c || !c.editor) return;
    this.nb.conn.flushEdits();
    const text = c.editor.state.doc.toString();
    const offset = c.cursorOffset();
    // The offset is in characters of the cell text (code points), not UTF-16 units.
    this.nb.conn.send({ type: "split_cell", cell_id: c.id, offset: codePointOffset(text, offset) });
  }

  mergeBelow() {
    const c = this.current;
    const next = this.nb.cells[this.nb.selected + 1];
    if (!c || !next) return;
    this.nb.conn.flushEdits();
    this.nb.conn.send({ type: "merge_cells", cell_ids: [c.id, next.id] });
  }

  toggleOutput() {
    this.current?.el.classList.toggle("outputs-hidden");
  }

  // ---------------------------------------------------------------- selection

  selectBy(dir: number) {
    this.nb.select(this.nb.selected + dir);
    this.nb.scrollIntoView(this.nb.cells[this.nb.selected]);
  }

  /** editOrCreate enters edit mode, creating a first cell in an empty notebook. */
  editOrCreate() {
    if (this.nb.cells.length === 0) this.insert(0, "code", true);
    else this.nb.enterEdit();
  }

  /**
   * arrowOut moves from the first/last line of an editor to the neighbouring
   * cell, as in Jupyter; false leaves the key to the editor.
   */
  arrowOut(v: EditorView, dir: number): boolean {
    const sel = v.state.selection.main;
    if (!sel.empty) return false;
    const line = v.state.doc.lineAt(sel.head);
    if (dir < 0 && line.number !== 1) return false;
    if (dir > 0 && line.number !== v.state.doc.lines) return false;
    const target = this.nb.selected + dir;
    if (target < 0 || target >= this.nb.cells.length) return false;
    this.nb.select(target);
    this.nb.enterEdit();
    const c = this.nb.cells[this.nb.selected];
    if (c.editor) {
      const pos = dir > 0 ? 0 : c.editor.state.doc.length;
      c.editor.dispatch({ selection: { anchor: pos } });
    }
    this.nb.scrollIntoView(c);
    return true;
  }

  // ---------------------------------------------------------------- running

  private execute(cells: Cell[]) {
    this.nb.conn.flushEdits();
    const ids: string[] = [];
    for (const c of cells) {
      if (c.type === "markdown") {
        c.setEditing(false);
      } else if (c.type === "code") {
        ids.push(c.id);
        c.setRunState("queued");
      }
    }
    if (ids.length > 0) this.nb.conn.send({ type: "execute", cell_ids: ids });
  }

  runSelected() {
    const c = this.current;
    if (!c) return;
    this.execute([c]);
    if (c.type === "markdown") this.nb.enterCommand();
  }

  runAndAdvance(insert: boolean) {
    const c = this.current;
    if (!c) return;
    this.execute([c]);
    if (insert || this.nb.selected === this.nb.cells.length - 1) {
      this.insert(this.nb.selected + 1, "code", true);
      return;
    }
    this.nb.select(this.nb.selected + 1);
    this.nb.enterCommand();
    this.nb.scrollIntoView(this.nb.cells[this.nb.selected]);
  }

  runRange(from: number, to: number) {
    this.execute(this.nb.cells.slice(Math.max(0, from), Math.max(0, to)));
  }

  runAll() {
    this.runRange(0, this.nb.cells.length);
  }

  runAbove() {
    this.runRange(0, this.nb.selected);
  }

  runBelow() {
    this.runRange(this.nb.selected, this.nb.cells.length);
  }

  // ---------------------------------------------------------------- kernel

  interrupt() {
    this.nb.conn.send({ type: "interrupt" });
  }

  async restart(runAll: boolean) {
    const ok = await dialog(
      runAll ? "Restart the kernel and run all cells?" : "Restart the kernel?",
      "All variables are lost.",
      [
        { label: "Cancel", value: false },
        { label: runAll ? "Restart and run all" : "Restart", value: true, kind: "danger" },
      ],
    );
    if (!ok) return;
    this.nb.conn.flushEdits();
    // The server reports which cells it queues (cell_state), so nothing is marked here.
    this.nb.conn.send({ type: "restart", run_all: runAll });
  }

  async shutdownKernel() {
    try {
      await postJSON("/api/kernels/shutdown", { path: this.nb.path });
      toast("Kernel shut down; running a cell starts a new one");
    } catch (err) {
      toast(`Shut down failed: ${(err as Error).message}`, "error");
    }
  }

  clearOutputs(all: boolean) {
    const ids = all ? [] : [this.current?.id].filter(Boolean);
    this.nb.conn.send({ type: "clear_outputs", cell_ids: ids });
  }

  // ---------------------------------------------------------------- file

  save() {
    this.nb.conn.flushEdits();
    this.nb.conn.send({ type: "save" });
    this.nb.saving();
  }

  async rename() {
    const old = baseName(this.nb.path);
    const name = await promptText("Rename notebook", "New name", old);
    if (!name || name === old) return;
    const newName = /\.(gonb|ipynb)$/.test(name) ? name : `${name}.gonb`;
    const dir = dirName(this.nb.path);
    const newPath = dir ? `${dir}/${newName}` : newName;
    try {
      this.nb.conn.flushEdits();
      await postJSON("/api/contents/rename", { path: this.nb.path, new_path: newPath });
      location.href = notebookURL(newPath);
    } catch (err) {
      toast(`Rename failed: ${(err as Error).message}`, "error");
    }
  }

  /**
   * trust asks the user to vouch for the outputs read from this file (Jupyter's
   * "Trust Notebook"): their HTML may then run script, in the sandboxed output frames.
   */
  async trust() {
    if (this.nb.allTrusted()) {
      toast("Every output in this notebook is already trusted: they come from your own runs or a file you trusted.");
      return;
    }
    const ok = await dialog(
      "Trust this notebook?",
      "Its saved outputs were not produced by you. Trusting them lets their HTML run script (inside a sandbox that cannot reach gopad or your files). Only trust notebooks from people you trust; re-running the cells also makes their outputs yours.",
      [
        { label: "Cancel", value: false },
        { label: "Trust", value: true, kind: "primary" },
      ],
    );
    if (ok) this.nb.conn.send({ type: "trust" });
  }

  showHelp() {
    showShortcuts();
  }
}
