// CodeMirror 6 set-up for cells: Go highlighting, bracket matching, auto-indent with
// tabs (gofmt style), Tab completion answered by the kernel (with each candidate's
// kind and signature), the documentation of the name under the cursor (Shift+Tab,
// or hovering it, as in Jupyter), and a marked error line.

import { EditorState, StateEffect, StateField, Prec, Extension, RangeSetBuilder, Transaction } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, drawSelection, Decoration, DecorationSet, KeyBinding, hoverTooltip, showTooltip, Tooltip } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentLess, indentMore } from "@codemirror/commands";
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  completionStatus,
  acceptCompletion,
  startCompletion,
  CompletionContext,
  CompletionResult,
} from "@codemirror/autocomplete";
import { go } from "@codemirror/lang-go";

/** Completion is the kernel's answer for a completion request (offsets in code points). */
export interface Completion {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  /** types describes matches one by one, when the kernel knows them. */
  types?: { text: string; kind: string; signature?: string }[];
}

/** DocReply is the kernel's documentation of the name under the cursor. */
export interface DocReply {
  found: boolean;
  /** text is the signature and doc as plain text, or why there is none. */
  text: string;
  name?: string;
  kind?: string;
  signature?: string;
  doc?: string;
  /** package is the import path of the package that declares the name ("" for cells). */
  package?: string;
  /** symbol is the name's anchor on the package's help page ("Model.Fit"). */
  symbol?: string;
}

/** EditorHooks connects an editor to the notebook. */
export interface EditorHooks {
  onChange(source: string): void;
  onFocus(): void;
  /** keys maps a key name (CodeMirror syntax) to a handler; true means handled. */
  keys: Record<string, (view: EditorView) => boolean>;
  complete?(code: string, cursorPoints: number): Promise<Completion | null>;
  inspect?(code: string, cursorPoints: number): Promise<DocReply | null>;
}

// ---- error line marking ----

/** setErrorLine marks a 1-based line as the failing one (0 clears). */
export const setErrorLine = StateEffect.define<number>();

const errorLineDeco = Decoration.line({ class: "cm-error-line" });

const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      if (e.value <= 0 || e.value > tr.state.doc.lines) {
        deco = Decoration.none;
      } else {
        const b = new RangeSetBuilder<Decoration>();
        const line = tr.state.doc.line(e.value);
        b.add(line.from, line.from, errorLineDeco);
        deco = b.finish();
      }
    }
    // Editing the cell clears the mark: it described the old code.
    if (tr.docChanged) deco = Decoration.none;
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// ---- Unicode code points (the protocol's unit) <-> UTF-16 indices (CodeMirror's) ----

/** codePointOffset converts a UTF-16 index in s into a count of code points. */
export function codePointOffset(s: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** indexOfCodePoint converts a code point count in s into a UTF-16 index. */
export function indexOfCodePoint(s: string, points: number): number {
  let i = 0;
  for (let n = 0; n < points && i < s.length; n++) {
    const c = s.codePointAt(i)!;
    i += c >= 0x10000 ? 2 : 1;
  }
  return i;
}

function kernelCompletion(hooks: EditorHooks) {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    if (!hooks.complete) return null;
    // Jupyter completes only when asked (Tab); typing never pops a list.
    if (!ctx.explicit) return null;
    const code = ctx.state.doc.toString();
    const reply = await hooks.complete(code, codePointOffset(code, ctx.pos));
    if (!reply || reply.matches.length === 0) return null;
    const from = indexOfCodePoint(code, reply.cursor_start);
    const to = indexOfCodePoint(code, reply.cursor_end);
    const types = reply.types?.length === reply.matches.length ? reply.types : undefined;
    return {
      from,
      to,
      options: reply.matches.map((m, i) => {
        const t = types?.[i];
        if (!t || !t.kind) return { label: m };
        // The list shows the signature's first line; the whole of it shows beside the list.
        const sig = t.signature ?? "";
        const first = sig.split("\n")[0];
        return { label: m, type: completionType[t.kind] ?? "text", detail: first, info: sig.includes("\n") ? sig : undefined, kind: t.kind } as any;
      }),
      filter: false,
    };
  };
}

// CodeMirror's completion types (which pick the icons) for the kernel's kinds.
const completionType: Record<string, string> = {
  func: "function",
  method: "method",
  type: "type",
  var: "variable",
  const: "constant",
  field: "property",
  package: "namespace",
  keyword: "keyword",
};

// The kind's name, written beside each candidate (an icon alone is a riddle).
const kindLabel = {
  render(completion: any): Node | null {
    if (!completion.kind) return null;
    const el = document.createElement("span");
    el.className = "cm-completion-kind";
    el.textContent = completion.kind;
    return el;
  },
  position: 90, // after the label (50) and the signature (80)
};

// ---- documentation tooltips (Shift+Tab, hover) ----

/** docTooltipDOM draws a documentation reply: kind and name, signature, doc, a link to the page. */
export function docTooltipDOM(reply: DocReply): HTMLElement {
  const box = document.createElement("div");
  box.className = "cm-doc-tooltip";
  box.dataset.found = String(reply.found);
  if (!reply.found) {
    const p = document.createElement("div");
    p.className = "doc-none";
    p.textContent = reply.text || "No documentation";
    box.append(p);
    return box;
  }
  const head = document.createElement("div");
  head.className = "doc-head";
  const kind = document.createElement("span");
  kind.className = "doc-kind";
  kind.textContent = reply.kind ?? "";
  const name = document.createElement("span");
  name.className = "doc-name";
  name.textContent = reply.name ?? "";
  head.append(kind, name);
  if (reply.package) {
    // The package's help page, served by gopad from the docs it embeds.
    const a = document.createElement("a");
    a.className = "doc-link";
    a.href = `/help/${reply.package.replace(/^gopad\.dev\//, "")}${reply.symbol ? "#" + encodeURIComponent(reply.symbol) : ""}`;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = reply.package;
    head.append(a);
  }
  const sig = document.createElement("pre");
  sig.className = "doc-signature";
  sig.textContent = reply.signature ?? "";
  box.append(head, sig);
  if (reply.doc) {
    const text = document.createElement("div");
    text.className = "doc-text";
    text.textContent = reply.doc;
    box.append(text);
  }
  return box;
}

/** setDocTooltip shows (a tooltip) or hides (null) the Shift+Tab documentation. */
const setDocTooltip = StateEffect.define<Tooltip | null>();

const docTooltipField = StateField.define<Tooltip | null>({
  create: () => null,
  update(tip, tr) {
    for (const e of tr.effects) if (e.is(setDocTooltip)) return e.value;
    // Typing or moving away makes it stale, as in Jupyter.
    if (tip && (tr.docChanged || tr.selection)) return null;
    return tip;
  },
  provide: (f) => showTooltip.from(f),
});

// showDocs asks the kernel about the name at the cursor and shows the answer.
function showDocs(view: EditorView, hooks: EditorHooks): boolean {
  if (!hooks.inspect) return false;
  const pos = view.state.selection.main.head;
  const code = view.state.doc.toString();
  void hooks.inspect(code, codePointOffset(code, pos)).then((reply) => {
    // Drop an answer that arrives after the text or cursor moved on.
    if (!reply || view.state.doc.toString() !== code || view.state.selection.main.head !== pos) return;
    view.dispatch({ effects: setDocTooltip.of({ pos, above: true, create: () => ({ dom: docTooltipDOM(reply) }) }) });
  });
  return true;
}

function closeDocs(view: EditorView): boolean {
  if (!view.state.field(docTooltipField, false)) return false;
  view.dispatch({ effects: setDocTooltip.of(null) });
  return true;
}

// Hovering a name shows its documentation (nothing for names without any).
function hoverDocs(hooks: EditorHooks) {
  return hoverTooltip(
    async (view, pos, side) => {
      if (!hooks.inspect) return null;
      const line = view.state.doc.lineAt(pos);
      const at = pos - line.from;
      const isWord = (c: string) => /[\p{L}\p{N}_]/u.test(c);
      if (!(isWord(line.text[at] ?? "") || (side < 0 && isWord(line.text[at - 1] ?? "")))) return null;
      let start = at;
      while (start > 0 && isWord(line.text[start - 1])) start--;
      let end = at;
      while (end < line.text.length && isWord(line.text[end])) end++;
      const code = view.state.doc.toString();
      const reply = await hooks.inspect(code, codePointOffset(code, pos));
      if (!reply || !reply.found) return null;
      return { pos: line.from + start, end: line.from + end, above: true, create: () => ({ dom: docTooltipDOM(reply) }) };
    },
    { hoverTime: 400 },
  );
}

// Tab completes after an identifier character or a dot, and indents elsewhere.
function tabKey(view: EditorView): boolean {
  if (completionStatus(view.state) === "active") return acceptCompletion(view);
  const sel = view.state.selection.main;
  if (!sel.empty) return indentMore(view);
  const before = view.state.doc.sliceString(Math.max(0, sel.head - 1), sel.head);
  if (/[\w.]/.test(before)) return startCompletion(view);
  view.dispatch(view.state.replaceSelection("\t"));
  return true;
}

/** baseExtensions are shared by every code cell; built once (cheap editor creation). */
function baseExtensions(language: "go" | "markdown" | "raw"): Extension[] {
  const ext: Extension[] = [
    history(),
    drawSelection(),
    indentOnInput(),
    indentUnit.of("\t"),
    EditorState.tabSize.of(4),
    bracketMatching(),
    closeBrackets(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    errorLineField,
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
  ];
  if (language === "go") {
    ext.push(lineNumbers(), go());
  } else {
    ext.push(EditorView.lineWrapping);
  }
  return ext;
}

/** createEditor makes a CodeMirror editor for one cell inside parent. */
export function createEditor(parent: HTMLElement, source: string, language: "go" | "markdown" | "raw", hooks: EditorHooks): EditorView {
  // While the completion list is open, the keys that drive it belong to it.
  const listKeys = new Set(["ArrowUp", "ArrowDown", "Escape", "Enter", "PageUp", "PageDown"]);
  const custom: KeyBinding[] = Object.entries(hooks.keys).map(([key, run]) => ({
    key,
    run: (view: EditorView) => (listKeys.has(key) && completionStatus(view.state) === "active" ? false : run(view)),
  }));
  custom.unshift({ key: "Escape", run: closeDocs });
  // Shift+Tab is Jupyter's help key; with text selected it still dedents.
  custom.push({ key: "Tab", run: tabKey, shift: (v) => (language === "go" && v.state.selection.main.empty ? showDocs(v, hooks) : indentLess(v)) });
  const state = EditorState.create({
    doc: source,
    extensions: [
      Prec.highest(keymap.of(custom)),
      autocompletion({ override: [kernelCompletion(hooks)], activateOnTyping: false, defaultKeymap: true, addToOptions: [kindLabel] }),
      docTooltipField,
      ...(language === "go" && hooks.inspect ? [hoverDocs(hooks)] : []),
      ...baseExtensions(language),
      EditorView.updateListener.of((u) => {
        // Text set from the server (another tab) is not sent back.
        if (u.docChanged && !u.transactions.some((tr) => tr.annotation(Transaction.remote))) hooks.onChange(u.state.doc.toString());
        if (u.focusChanged && u.view.hasFocus) hooks.onFocus();
      }),
      EditorView.contentAttributes.of({ "aria-label": language === "go" ? "Go code cell" : "Markdown cell" }),
    ],
  });
  return new EditorView({ state, parent });
}

/** replaceSource sets an editor's text from elsewhere (another tab), keeping the cursor in range. */
export function replaceSource(view: EditorView, source: string): void {
  const cur = view.state.doc.toString();
  if (cur === source) return;
  // Replace only the changed middle, so the cursor of a person typing elsewhere stays put.
  let start = 0;
  while (start < cur.length && start < source.length && cur[start] === source[start]) start++;
  let endCur = cur.length;
  let endNew = source.length;
  while (endCur > start && endNew > start && cur[endCur - 1] === source[endNew - 1]) {
    endCur--;
    endNew--;
  }
  view.dispatch({ changes: { from: start, to: endCur, insert: source.slice(start, endNew) }, annotations: Transaction.remote.of(true) });
}
