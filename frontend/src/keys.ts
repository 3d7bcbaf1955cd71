// Jupyter's keyboard model: command-mode keys (single letters, some pressed twice),
// the keys editors hand to the notebook, and the shortcut list the Help menu shows.

import { EditorView } from "@codemirror/view";
import type { Commands } from "./commands";
import { closeMenus } from "./menus";
import { dialog, h } from "./dom";

/** SHORTCUTS lists the keys as the help dialog shows them. */
export const SHORTCUTS: [string, string][] = [
  ["Shift+Enter", "run cell, select below"],
  ["Ctrl+Enter", "run cell"],
  ["Alt+Enter", "run cell, insert below"],
  ["Esc / Enter", "command mode / edit mode"],
  ["A / B", "insert cell above / below"],
  ["D D", "delete cell"],
  ["Z", "undo cell deletion"],
  ["X / C / V", "cut / copy / paste cell"],
  ["M / Y / R", "Markdown / code / raw"],
  ["Shift+M", "merge with cell below"],
  ["Ctrl+Shift+-", "split cell at cursor"],
  ["↑ ↓ / K J", "select cell above / below"],
  ["O", "hide / show output"],
  ["I I", "interrupt kernel"],
  ["0 0", "restart kernel"],
  ["Tab", "complete (edit mode)"],
  ["Shift+Tab", "documentation of the name at the cursor (edit mode; hovering a name shows it too)"],
  ["Ctrl+S", "save"],
];

/** showShortcuts opens the keyboard shortcuts dialog. */
export function showShortcuts(): void {
  const table = h("table", { class: "help-table" }, SHORTCUTS.map(([k, d]) => h("tr", {}, h("td", {}, h("kbd", {}, k)), h("td", {}, d))));
  void dialog("Keyboard shortcuts", table, [{ label: "Close", value: true, kind: "primary" }]);
}

/** editorKeys are the notebook keys an editor hands over (CodeMirror key names). */
export function editorKeys(cmds: Commands, enterCommand: () => void): Record<string, (view: EditorView) => boolean> {
  return {
    "Shift-Enter": () => (cmds.runAndAdvance(false), true),
    "Mod-Enter": () => (cmds.runSelected(), true),
    "Alt-Enter": () => (cmds.runAndAdvance(true), true),
    Escape: () => (enterCommand(), true),
    "Mod-s": () => (cmds.save(), true),
    "Mod-Shift--": () => (cmds.split(), true),
    "Mod-Shift-ArrowUp": () => (cmds.moveSelected(-1), true),
    "Mod-Shift-ArrowDown": () => (cmds.moveSelected(1), true),
    ArrowUp: (v: EditorView) => cmds.arrowOut(v, -1),
    ArrowDown: (v: EditorView) => cmds.arrowOut(v, 1),
  };
}

// A key pressed twice within this time counts as a double press (D D, I I, 0 0).
const DOUBLE_PRESS_MS = 800;

/** CommandKeys handles the document's keydown events in command mode. */
export class CommandKeys {
  private lastKey = "";
  private lastKeyTime = 0;

  constructor(
    private readonly cmds: Commands,
    private readonly cellCount: () => number,
  ) {}

  onKeyDown(e: KeyboardEvent) {
    if (document.querySelector(".modal-overlay")) return;
    if (e.key === "Escape" && document.querySelector(".menu.open")) {
      closeMenus();
      e.preventDefault();
      return;
    }
    const target = e.target as HTMLElement;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      this.cmds.save();
      return;
    }
    // Keys typed into an editor, input or frame belong to them (editors have their own keymap).
    if (target.closest?.(".cm-editor, input, textarea, select, [contenteditable]")) return;
    if (this.cellCount() === 0 && !["a", "b", "Enter"].includes(e.key)) return;
    const key = (e.shiftKey ? "Shift-" : "") + (e.ctrlKey || e.metaKey ? "Mod-" : "") + (e.altKey ? "Alt-" : "") + e.key;
    const now = Date.now();
    const twice = (k: string) => {
      const ok = this.lastKey === k && now - this.lastKeyTime < DOUBLE_PRESS_MS;
      this.lastKey = ok ? "" : k;
      this.lastKeyTime = now;
      return ok;
    };
    const c = this.cmds;
    let handled = true;
    switch (key) {
      case "Enter":
        c.editOrCreate();
        break;
      case "Shift-Enter":
        c.runAndAdvance(false);
        break;
      case "Mod-Enter":
        c.runSelected();
        break;
      case "Alt-Enter":
        c.runAndAdvance(true);
        break;
      case "ArrowUp":
      case "k":
        c.selectBy(-1);
        break;
      case "ArrowDown":
      case "j":
        c.selectBy(1);
        break;
      case "a":
        c.insertAbove();
        break;
      case "b":
        c.insertBelow();
        break;
      case "d":
        if (twice("d")) c.deleteSelected();
        break;
      case "z":
        c.undoDelete();
        break;
      case "m":
        c.setCellType("markdown");
        break;
      case "y":
        c.setCellType("code");
        break;
      case "r":
        c.setCellType("raw");
        break;
      case "x":
        c.cut();
        break;
      case "c":
        c.copy();
        break;
      case "v":
        c.paste();
        break;
      case "Shift-M":
        c.mergeBelow();
        break;
      case "o":
        c.toggleOutput();
        break;
      case "i":
        if (twice("i")) c.interrupt();
        break;
      case "0":
        if (twice("0")) void c.restart(false);
        break;
      case "s":
        c.save();
        break;
      case "h":
        c.showHelp();
        break;
      case "Escape":
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }
}
