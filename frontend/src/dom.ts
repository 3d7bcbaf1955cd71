// Tiny DOM helpers: enough to build the UI without a framework.

type Attrs = Record<string, string | number | boolean | EventListener | undefined | null>;
type Child = Node | string | null | undefined | false;

/** h creates an element with attributes ("on*" keys add listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === "class") {
      el.className = String(v);
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** escapeHTML makes text safe to put inside HTML. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** toast shows a short message at the bottom of the page. */
export function toast(message: string, kind: "info" | "error" = "info"): void {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts" });
    document.body.append(box);
  }
  const t = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === "error" ? 8000 : 3000);
}

/** Choice is one button of a dialog. */
export interface Choice<T> {
  label: string;
  value: T;
  kind?: "primary" | "danger" | "default";
}

/** dialog shows a modal with a message and buttons and resolves to the chosen value
 * (or null when dismissed with Escape, if cancellable). */
export function dialog<T>(title: string, body: string | Node, choices: Choice<T>[], cancellable = true): Promise<T | null> {
  return new Promise((resolve) => {
    const close = (v: T | null) => {
      overlay.remove();
      document.removeEventListener("keydown", onKey, true);
      resolve(v);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && cancellable) {
        e.preventDefault();
        e.stopPropagation();
        close(null);
      }
    };
    const buttons = choices.map((c) =>
      h("button", { class: `btn btn-${c.kind ?? "default"}`, onclick: () => close(c.value) }, c.label),
    );
    const overlay = h(
      "div",
      { class: "modal-overlay" },
      h("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": title },
        h("h2", {}, title),
        h("div", { class: "modal-body" }, body),
        h("div", { class: "modal-buttons" }, buttons),
      ),
    );
    document.body.append(overlay);
    document.addEventListener("keydown", onKey, true);
    const primary = buttons[choices.findIndex((c) => c.kind === "primary")] ?? buttons[0];
    primary?.focus();
  });
}

/** prompt asks for one line of text; resolves to null when cancelled. */
export function promptText(title: string, label: string, initial: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h("input", { type: "text", class: "text-input", value: initial, "aria-label": label });
    const close = (v: string | null) => {
      overlay.remove();
      resolve(v);
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") close(input.value.trim());
      if (e.key === "Escape") close(null);
      e.stopPropagation();
    });
    const overlay = h(
      "div",
      { class: "modal-overlay" },
      h("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": title },
        h("h2", {}, title),
        h("label", { class: "modal-body" }, label, input),
        h("div", { class: "modal-buttons" },
          h("button", { class: "btn", onclick: () => close(null) }, "Cancel"),
          h("button", { class: "btn btn-primary", onclick: () => close(input.value.trim()) }, "OK"),
        ),
      ),
    );
    document.body.append(overlay);
    input.focus();
    // Select the name without its extension, as file managers do.
    const dot = initial.lastIndexOf(".");
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
  });
}
