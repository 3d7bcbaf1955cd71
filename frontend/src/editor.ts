// CodeMirror 6 set-up for cells: Go highlighting, bracket matching, auto-indent with
// tabs (gofmt style), Tab completion answered by the kernel, and a marked error line.

import { EditorState, StateEffect, StateField, Prec, Extension, RangeSetBuilder, Transaction } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, drawSelection, Decoration, DecorationSet, KeyBinding } from "@codemirror/view";
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
}

/** EditorHooks connects an editor to the notebook. */
export interface EditorHooks {
  onChange(source: string): void;
  onFocus(): void;
  /** keys maps a key name (CodeMirror syntax) to a handler; true means handled. */
  keys: Record<string, (view: EditorView) => boolean>;
  complete?(code: string, cursorPoints: number): Promise<Completion | null>;
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
    return {
      from,
      to,
      options: reply.matches.map((m) => ({ label: m })),
      filter: false,
    };
  };
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
  custom.push({ key: "Tab", run: tabKey, shift: indentLess });
  const state = EditorState.create({
    doc: source,
    extensions: [
      Prec.highest(keymap.of(custom)),
      autocompletion({ override: [kernelCompletion(hooks)], activateOnTyping: false, defaultKeymap: true }),
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
