// The API keys panel: the keys that may call the endpoints (never their
// secrets), a form that creates one scoped to models and shows its token once
// with a copy button, and revoking.

import { dialog, h, toast } from "./dom";
import { Key, modelsAPI } from "./models-api";

/** copyText copies text to the clipboard; the fallback selects it for Ctrl+C
 * where the Clipboard API is not allowed (plain http on another host). */
export async function copyText(text: string, select?: HTMLInputElement | HTMLTextAreaElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast("Copied");
  } catch {
    if (select) {
      select.focus();
      select.select();
      toast("Press Ctrl+C to copy the selected text");
    } else {
      toast("The browser did not allow copying", "error");
    }
  }
}

function formatDate(t: string): string {
  const d = new Date(t);
  return isNaN(d.getTime()) ? t : d.toLocaleString();
}

export class KeysPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly secretBox: HTMLElement;
  private readonly form: HTMLFormElement;
  private models: string[] = [];

  /** scope is the model whose page shows the panel: its box starts checked. */
  constructor(private readonly scope: string | null) {
    this.list = h("div", { class: "keys-list", id: "keys-list" });
    this.secretBox = h("div", { class: "key-secret", id: "key-secret", hidden: true });
    this.form = h("form", { class: "key-form", id: "key-form" }) as HTMLFormElement;
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.create();
    });
    this.element = h(
      "section",
      { class: "panel keys-panel", id: "keys-panel", "aria-label": "API keys" },
      h("div", { class: "panel-head" }, h("h2", {}, "API keys")),
      h(
        "p",
        { class: "panel-note muted" },
        "Programs call the endpoints with a key: the header ",
        h("code", {}, "Authorization: Bearer <key>"),
        ". A key is shown once, when it is made; gopad keeps only its hash. This notebook session calls the endpoints without one.",
      ),
      this.secretBox,
      this.form,
      this.list,
    );
  }

  /** show lists the keys; models are the names the form offers to scope to. */
  async show(models: string[]): Promise<void> {
    this.models = models;
    this.drawForm();
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      const { keys } = await modelsAPI.keys();
      this.drawList(keys);
    } catch (err) {
      this.list.replaceChildren(h("div", { class: "empty-note error-text" }, `Could not list the keys: ${(err as Error).message}`));
    }
  }

  private drawForm(): void {
    const name = h("input", { type: "text", class: "text-input", id: "key-name", name: "name", placeholder: "who or what uses it, e.g. ci-job", required: true, maxlength: 100, "aria-label": "Key name" });
    const all = h("input", { type: "checkbox", id: "key-all", value: "*" });
    const boxes = this.models.map((m) =>
      h("label", { class: "key-scope" }, h("input", { type: "checkbox", class: "key-model", value: m, checked: m === this.scope }), " ", m),
    );
    all.addEventListener("change", () => boxes.forEach((b) => ((b.firstChild as HTMLInputElement).disabled = all.checked)));
    this.form.replaceChildren(
      h("div", { class: "key-form-row" }, h("label", { class: "key-form-label", for: "key-name" }, "New key"), name,
        h("button", { class: "btn btn-primary", id: "key-create", type: "submit" }, "Create key")),
      h("div", { class: "key-form-row key-scopes" }, h("span", { class: "key-form-label" }, "May call"),
        h("label", { class: "key-scope" }, all, " every model (also future ones)"), ...boxes),
    );
  }

  private async create(): Promise<void> {
    const name = (this.form.querySelector("#key-name") as HTMLInputElement).value.trim();
    const all = (this.form.querySelector("#key-all") as HTMLInputElement).checked;
    const models = all ? ["*"] : Array.from(this.form.querySelectorAll<HTMLInputElement>(".key-model:checked")).map((b) => b.value);
    if (!name) {
      toast("Give the key a name", "error");
      return;
    }
    if (models.length === 0) {
      toast("Choose the models the key may call", "error");
      return;
    }
    try {
      const { key, token } = await modelsAPI.createKey(name, models);
      this.showSecret(key, token);
      (this.form.querySelector("#key-name") as HTMLInputElement).value = "";
      await this.refresh();
    } catch (err) {
      toast(`Could not create the key: ${(err as Error).message}`, "error");
    }
  }

  private showSecret(key: Key, token: string): void {
    const field = h("input", { type: "text", class: "text-input mono", id: "key-token", readonly: true, value: token, "aria-label": "The new key" });
    this.secretBox.replaceChildren(
      h("div", { class: "key-secret-head" }, h("strong", {}, `Key “${key.name}” created.`), " Copy it now: it is not shown again."),
      h("div", { class: "key-secret-row" }, field,
        h("button", { class: "btn", id: "key-copy", type: "button", onclick: () => void copyText(token, field) }, "Copy"),
        h("button", { class: "btn", id: "key-secret-done", type: "button", onclick: () => { this.secretBox.hidden = true; this.secretBox.replaceChildren(); } }, "Done")),
      h("div", { class: "muted" }, "Use it as ", h("code", {}, "export GOPAD_API_KEY=…"), " for the code snippets."),
    );
    this.secretBox.hidden = false;
    field.select();
  }

  private drawList(keys: Key[]): void {
    if (keys.length === 0) {
      this.list.replaceChildren(h("div", { class: "empty-note" }, "No keys yet."));
      return;
    }
    const rows = keys.map((k) =>
      h("tr", { "data-key-id": k.id },
        h("td", {}, k.name),
        h("td", { class: "mono" }, `gpk_${k.id}_…`),
        h("td", {}, k.models.includes("*") ? h("em", {}, "every model") : k.models.join(", ")),
        h("td", { class: "muted" }, formatDate(k.created)),
        h("td", {}, h("button", { class: "btn btn-small key-revoke", onclick: () => void this.revoke(k) }, "Revoke")),
      ),
    );
    this.list.replaceChildren(
      h("table", { class: "models-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Key"), h("th", {}, "May call"), h("th", {}, "Created"), h("th", {}, ""))),
        h("tbody", {}, rows)),
    );
  }

  private async revoke(k: Key): Promise<void> {
    const ok = await dialog(
      "Revoke key",
      `Revoke “${k.name}”? Programs using it get 401 from now on.`,
      [{ label: "Cancel", value: false }, { label: "Revoke", value: true, kind: "danger" }],
    );
    if (!ok) return;
    try {
      await modelsAPI.revokeKey(k.id);
      toast(`Revoked “${k.name}”`);
    } catch (err) {
      toast(`Could not revoke: ${(err as Error).message}`, "error");
    }
    await this.refresh();
  }
}
