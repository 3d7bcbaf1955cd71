// The Publish button of a model shown as a cell's result. The kernel marks such a
// result with MODEL_MIME (a handle naming the model in the kernel, and the name to
// offer); the button asks for a name and sends publish_model, and the server asks the
// kernel to publish the model as it is now through ml.Publish's own path. The server
// answers with publish_result and, on success, adds the endpoint's card (URL and a
// curl line) to the cell's outputs.

import { h } from "./dom";
import { newID } from "./connection";
import type { Message } from "./ws";
import type { Output } from "./outputs";

export const MODEL_MIME = "application/vnd.gopad.model+json";

// The same rule as the registry's (serving/registry.CheckName).
const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Sender = (m: Message) => void;
let send: Sender | null = null;
const waiting = new Map<string, HTMLElement>(); // req_id -> the form's status line

/** setPublishSender gives the buttons the notebook's connection. */
export function setPublishSender(s: Sender): void {
  send = s;
}

/** publishControls returns the Publish button for an output showing a model, else null. */
export function publishControls(o: Output): HTMLElement | null {
  const md = o.data?.[MODEL_MIME];
  if (!md || typeof md !== "object" || typeof md.handle !== "string") return null;
  const status = h("span", { class: "publish-status", role: "status" });
  const input = h("input", {
    class: "publish-name",
    type: "text",
    value: typeof md.name === "string" ? md.name : "model",
    "aria-label": "Endpoint name",
    spellcheck: "false",
  }) as HTMLInputElement;
  const form = h(
    "form",
    { class: "publish-form", hidden: true },
    h("label", {}, "Endpoint name ", input),
    h("button", { class: "btn btn-primary publish-confirm", type: "submit" }, "Publish"),
    h("button", { class: "btn publish-cancel", type: "button", onclick: () => (form.hidden = true) }, "Cancel"),
  );
  const open = h(
    "button",
    {
      class: "btn publish-button",
      type: "button",
      title: "Publish this model as an inference endpoint (a new version if the name exists)",
      onclick: (e: Event) => {
        e.stopPropagation();
        form.hidden = false;
        input.focus();
        input.select();
      },
    },
    "Publish…",
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    e.stopPropagation();
    const name = input.value.trim();
    if (!NAME_RULE.test(name)) {
      setStatus(status, `"${name}" cannot name an endpoint: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`, "error");
      return;
    }
    const cellId = form.closest("[data-cell-id]")?.getAttribute("data-cell-id");
    if (!send || !cellId) {
      setStatus(status, "not connected to the notebook server", "error");
      return;
    }
    const reqId = newID();
    waiting.set(reqId, status);
    setStatus(status, `Publishing ${name}…`, "busy");
    send({ type: "publish_model", req_id: reqId, cell_id: cellId, handle: md.handle, name });
  });
  return h("div", { class: "publish-controls" }, open, form, status);
}

function setStatus(el: HTMLElement, text: string, state: "busy" | "ok" | "error") {
  el.textContent = text;
  el.dataset.state = state;
}

/** handlePublishResult shows the server's answer beside the button that asked. */
export function handlePublishResult(m: Message): void {
  const el = waiting.get(String(m.req_id));
  if (!el) return;
  waiting.delete(String(m.req_id));
  if (m.ok) {
    const form = el.parentElement?.querySelector("form.publish-form") as HTMLFormElement | null;
    if (form) form.hidden = true;
    setStatus(el, `Published ${m.name} version ${m.version} at ${m.url}`, "ok");
  } else {
    setStatus(el, `Not published: ${m.error}`, "error");
  }
}
