// The notebook page's menu bar and toolbar: which commands they offer, with the
// keys that do the same (shown, not bound: keys.ts binds them).

import { downloadURL, treeURL } from "./api";
import type { Commands } from "./commands";
import { dirName } from "./commands";
import { h } from "./dom";
import { icon } from "./icons";

/** MenuItem is a label, the keys shown beside it and its action; null draws a separator. */
export type MenuItem = [string, string, () => void] | null;

/** closeMenus closes every open menu. */
export function closeMenus() {
  document.querySelectorAll(".menu.open").forEach((m) => m.classList.remove("open"));
}

function menu(label: string, items: MenuItem[]): HTMLDivElement {
  const list = h("div", { class: "menu-list", role: "menu" });
  for (const it of items) {
    if (!it) {
      list.append(h("div", { class: "menu-sep" }));
      continue;
    }
    const [text, keys, run] = it;
    list.append(
      h("button", { class: "menu-item", role: "menuitem", onclick: () => { closeMenus(); run(); } },
        h("span", {}, text), h("span", { class: "menu-keys" }, keys)),
    );
  }
  const top = h("button", { class: "menu-top", "aria-haspopup": "true" }, label);
  const wrap = h("div", { class: "menu" }, top, list);
  top.addEventListener("click", (e) => {
    e.stopPropagation();
    const open = wrap.classList.contains("open");
    closeMenus();
    if (!open) wrap.classList.add("open");
  });
  top.addEventListener("mouseenter", () => {
    if (document.querySelector(".menu.open") && !wrap.classList.contains("open")) {
      closeMenus();
      wrap.classList.add("open");
    }
  });
  return wrap;
}

/** buildMenubar makes the File, Edit, Run, Kernel and Help menus of the notebook at path. */
export function buildMenubar(c: Commands, path: string): HTMLElement {
  document.addEventListener("click", closeMenus);
  return h(
    "nav",
    { class: "menubar" },
    menu("File", [
      ["Save", "Ctrl+S", () => c.save()],
      ["Rename…", "", () => void c.rename()],
      null,
      ["Download .gonb", "", () => (location.href = downloadURL(path, "gonb"))],
      ["Download .ipynb", "", () => (location.href = downloadURL(path, "ipynb"))],
      ["Download HTML", "", () => (location.href = downloadURL(path, "html"))],
      null,
      ["Trust notebook…", "", () => void c.trust()],
      null,
      ["Open notebook list", "", () => window.open(treeURL(dirName(path)), "_blank")],
    ]),
    menu("Edit", [
      ["Cut cell", "X", () => c.cut()],
      ["Copy cell", "C", () => c.copy()],
      ["Paste cell below", "V", () => c.paste()],
      ["Delete cell", "D D", () => c.deleteSelected()],
      ["Undo delete", "Z", () => c.undoDelete()],
      null,
      ["Split cell at cursor", "Ctrl+Shift+-", () => c.split()],
      ["Merge with cell below", "Shift+M", () => c.mergeBelow()],
      ["Move cell up", "Ctrl+Shift+↑", () => c.moveSelected(-1)],
      ["Move cell down", "Ctrl+Shift+↓", () => c.moveSelected(1)],
      null,
      ["Insert cell above", "A", () => c.insertAbove()],
      ["Insert cell below", "B", () => c.insertBelow()],
      ["To code", "Y", () => c.setCellType("code")],
      ["To Markdown", "M", () => c.setCellType("markdown")],
      ["To raw", "R", () => c.setCellType("raw")],
    ]),
    menu("Run", [
      ["Run cell and select below", "Shift+Enter", () => c.runAndAdvance(false)],
      ["Run cell", "Ctrl+Enter", () => c.runSelected()],
      ["Run cell and insert below", "Alt+Enter", () => c.runAndAdvance(true)],
      null,
      ["Run all cells", "", () => c.runAll()],
      ["Run all above", "", () => c.runAbove()],
      ["Run selected and all below", "", () => c.runBelow()],
    ]),
    menu("Kernel", [
      ["Interrupt", "I I", () => c.interrupt()],
      ["Restart…", "0 0", () => void c.restart(false)],
      ["Restart and run all…", "", () => void c.restart(true)],
      null,
      ["Shut down kernel", "", () => void c.shutdownKernel()],
      null,
      ["Clear all outputs", "", () => c.clearOutputs(true)],
      ["Clear cell output", "", () => c.clearOutputs(false)],
    ]),
    menu("Help", [
      ["Keyboard shortcuts", "H", () => c.showHelp()],
      null,
      // Served by gopad from the docs it embeds: no network needed.
      ["ml package", "", () => window.open("/help/gopad/ml", "_blank", "noopener")],
      ["display package", "", () => window.open("/help/gopad/display", "_blank", "noopener")],
      ["Standard library", "", () => window.open("/help/", "_blank", "noopener")],
    ]),
  );
}

/** buildToolbar makes the toolbar; refocus returns the focus to the editor after a click. */
export function buildToolbar(c: Commands, typeSelect: HTMLSelectElement, refocus: () => void): HTMLElement {
  const tb = (ic: string, label: string, title: string, run: () => void, id?: string) =>
    h("button", { class: "tool", title, "aria-label": title, id, onclick: () => { run(); refocus(); } }, ic ? icon(ic) : null, label ? h("span", { class: "tool-label" }, label) : null);
  return h(
    "div",
    { class: "toolbar", role: "toolbar" },
    tb("save", "", "Save (Ctrl+S)", () => c.save(), "btn-save"),
    tb("plus", "", "Insert cell below (B)", () => c.insertBelow(), "btn-insert"),
    tb("cut", "", "Cut cell (X)", () => c.cut(), "btn-cut"),
    tb("up", "", "Move cell up (Ctrl+Shift+Up)", () => c.moveSelected(-1), "btn-up"),
    tb("down", "", "Move cell down (Ctrl+Shift+Down)", () => c.moveSelected(1), "btn-down"),
    h("span", { class: "tool-sep" }),
    tb("run", "Run", "Run cell and select below (Shift+Enter)", () => c.runAndAdvance(false), "btn-run"),
    tb("stop", "", "Interrupt the kernel (I I)", () => c.interrupt(), "btn-interrupt"),
    tb("restart", "", "Restart the kernel (0 0)", () => void c.restart(false), "btn-restart"),
    tb("runAll", "", "Restart the kernel and run all cells", () => void c.restart(true), "btn-restart-run"),
    h("span", { class: "tool-sep" }),
    typeSelect,
    h("span", { class: "tool-spacer" }),
    tb("", "Run all", "Run all cells", () => c.runAll(), "btn-run-all"),
    tb("clear", "Clear outputs", "Clear all outputs", () => c.clearOutputs(true), "btn-clear"),
  );
}
