// The try-it form of the endpoint page: an input suited to the model (a text
// box for a text model, number fields or JSON for tabular data, JSON for ids
// and sequences), sent to the model's real endpoint with the notebook
// session, and the answer as class names with probabilities when the model
// has classes.

import { h } from "./dom";
import { infer, Schema } from "./models-api";
import type { InferRequest } from "./models-snippets";

/** The largest number of features shown as separate fields. */
const maxFields = 32;

export class TryIt {
  readonly element: HTMLElement;
  private readonly inputBox: HTMLElement;
  private readonly result: HTMLElement;
  private readonly versionSelect: HTMLSelectElement;
  private readonly problem: HTMLElement;
  private mode: "fields" | "json" | "text" = "fields";
  private text: HTMLTextAreaElement | null = null;
  private json: HTMLTextAreaElement | null = null;
  private fields: HTMLInputElement[] = [];

  constructor(
    private readonly model: string,
    private readonly schema: Schema,
    versions: number[],
    defaultVersion: number,
    /** onChange receives the request the form would send (for the snippets). */
    private readonly onChange: (req: InferRequest | null, version: number | null) => void,
  ) {
    this.versionSelect = h(
      "select",
      { class: "tryit-version", id: "tryit-version", "aria-label": "Version", onchange: () => this.changed() },
      h("option", { value: "" }, `default (v${defaultVersion})`),
      ...versions.map((v) => h("option", { value: String(v) }, `v${v}`)),
    );
    this.inputBox = h("div", { class: "tryit-input" });
    this.problem = h("div", { class: "tryit-problem error-text", id: "tryit-problem", hidden: true });
    this.result = h("div", { class: "tryit-result", id: "tryit-result" });
    this.element = h(
      "div",
      { class: "tryit", id: "tryit" },
      h("div", { class: "tryit-head" }, h("span", { class: "muted" }, this.describeInput()), h("span", { class: "spacer" }), h("label", { class: "muted" }, "Version ", this.versionSelect)),
      this.inputBox,
      this.problem,
      h("div", { class: "tryit-actions" },
        h("button", { class: "btn btn-primary", id: "tryit-run", onclick: () => void this.run() }, "Predict"),
        h("span", { class: "muted" }, "Calls the endpoint as this notebook session (no key needed).")),
      this.result,
    );
    this.drawInput();
  }

  private describeInput(): string {
    const s = this.schema;
    switch (s.input) {
      case "text":
        return `Text in, ${s.classes ? "a class out" : "the model's output"}: one text per line.`;
      case "features":
        return `${s.features} feature${s.features === 1 ? "" : "s"} per sample${s.scaler ? ` (raw values: the server applies the model's ${s.scaler} scaler)` : ""}.`;
      case "ids":
        return "Token ids (INT64), one list per sample" + (s.max_length ? ` of length ${s.max_length}.` : ".");
      case "sequence":
        return `A sequence per sample: steps of ${s.features} values.`;
    }
  }

  private drawInput(): void {
    const s = this.schema;
    const onInput = () => this.changed();
    if (s.input === "text") {
      this.mode = "text";
      this.text = h("textarea", { class: "tryit-text", id: "tryit-text", rows: 3, spellcheck: false, "aria-label": "Text" }, "bonjour") as HTMLTextAreaElement;
      this.text.addEventListener("input", onInput);
      this.inputBox.replaceChildren(this.text);
    } else if (s.input === "features" && (s.features ?? 0) <= maxFields && this.mode !== "json") {
      this.mode = "fields";
      const example = s.example ?? [];
      this.fields = Array.from({ length: s.features ?? 0 }, (_, i) => {
        const f = h("input", { type: "number", step: "any", class: "tryit-field", id: `tryit-f${i}`, value: String(round(example[i] ?? 0)), "aria-label": `Feature ${i}` });
        f.addEventListener("input", onInput);
        return f;
      });
      this.inputBox.replaceChildren(
        h("div", { class: "tryit-fields" }, ...this.fields.map((f, i) => h("label", { class: "tryit-field-label" }, h("span", { class: "muted" }, `x${i}`), f))),
        h("button", { class: "link-btn", id: "tryit-as-json", onclick: () => this.switchToJSON() }, "Edit as JSON (several samples)"),
      );
    } else {
      this.mode = "json";
      this.json = h("textarea", { class: "tryit-json mono", id: "tryit-json", rows: 5, spellcheck: false, "aria-label": "Input as JSON" }, JSON.stringify(this.exampleRows())) as HTMLTextAreaElement;
      this.json.addEventListener("input", onInput);
      const parts: (HTMLElement | string)[] = [this.json, h("div", { class: "muted" }, this.jsonHint())];
      if (s.input === "features" && (s.features ?? 0) <= maxFields) {
        parts.push(h("button", { class: "link-btn", onclick: () => { this.mode = "fields"; this.drawInput(); this.changed(); } }, "Back to fields"));
      }
      this.inputBox.replaceChildren(...parts);
    }
  }

  private switchToJSON(): void {
    let rows: number[][];
    try {
      rows = [this.fieldValues()];
    } catch {
      rows = this.exampleRows() as number[][];
    }
    this.mode = "json";
    this.drawInput();
    this.json!.value = JSON.stringify(rows);
    this.changed();
  }

  private jsonHint(): string {
    const s = this.schema;
    switch (s.input) {
      case "features":
        return `A list of samples, each a list of ${s.features} numbers.`;
      case "ids":
        return "A list of samples, each a list of token ids.";
      case "sequence":
        return `A list of samples, each a list of steps of ${s.features} numbers.`;
      default:
        return "";
    }
  }

  private exampleRows(): unknown[] {
    const s = this.schema;
    switch (s.input) {
      case "features":
        return [(s.example ?? new Array(s.features ?? 0).fill(0)).map(round)];
      case "ids":
        return [new Array(s.max_length || 8).fill(1)];
      case "sequence":
        return [Array.from({ length: 4 }, () => new Array(s.features ?? 1).fill(0))];
      default:
        return [];
    }
  }

  private fieldValues(): number[] {
    return this.fields.map((f, i) => {
      const v = f.value.trim() === "" ? NaN : Number(f.value);
      if (!Number.isFinite(v)) throw new Error(`feature x${i} is not a number`);
      return v;
    });
  }

  /** request builds the OIP request from the form, or throws saying what is wrong. */
  request(): InferRequest {
    const s = this.schema;
    if (this.mode === "text") {
      const lines = this.text!.value.split("\n").filter((l) => l.trim() !== "");
      if (lines.length === 0) throw new Error("type a text to classify");
      return { inputs: [{ name: "text", shape: [lines.length], datatype: "BYTES", data: lines }] };
    }
    if (this.mode === "fields") {
      return { inputs: [{ name: "input", shape: [1, s.features!], datatype: "FP32", data: this.fieldValues() }] };
    }
    let v: unknown;
    try {
      v = JSON.parse(this.json!.value);
    } catch (err) {
      throw new Error(`the input is not JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(v) || v.length === 0) throw new Error("the input must be a list of samples");
    if (s.input === "features" && v.every((x) => typeof x === "number")) v = [v]; // one sample
    const rows = v as unknown[];
    const shape = shapeOf(rows);
    const flat = (rows as unknown[]).flat(Infinity) as unknown[];
    if (!flat.every((x) => typeof x === "number" && Number.isFinite(x))) throw new Error("every value must be a finite number");
    switch (s.input) {
      case "features":
        if (shape.length !== 2 || shape[1] !== s.features) throw new Error(`each sample must have ${s.features} numbers`);
        return { inputs: [{ name: "input", shape, datatype: "FP32", data: flat as number[] }] };
      case "ids":
        if (shape.length !== 2) throw new Error("give a list of samples, each a list of token ids");
        if (!flat.every((x) => Number.isInteger(x))) throw new Error("token ids are whole numbers");
        return { inputs: [{ name: "input_ids", shape, datatype: "INT64", data: flat as number[] }] };
      default:
        if (shape.length !== 3 || shape[2] !== s.features) throw new Error(`give a list of samples, each a list of steps of ${s.features} numbers`);
        return { inputs: [{ name: "input", shape, datatype: "FP32", data: flat as number[] }] };
    }
  }

  version(): number | null {
    return this.versionSelect.value ? Number(this.versionSelect.value) : null;
  }

  /** changed tells the snippets about the current request. */
  changed(): void {
    try {
      const req = this.request();
      this.problem.hidden = true;
      this.onChange(req, this.version());
    } catch (err) {
      this.problem.textContent = (err as Error).message;
      this.problem.hidden = false;
      this.onChange(null, this.version());
    }
  }

  private async run(): Promise<void> {
    let req: InferRequest;
    try {
      req = this.request();
    } catch (err) {
      this.problem.textContent = (err as Error).message;
      this.problem.hidden = false;
      return;
    }
    this.problem.hidden = true;
    this.result.replaceChildren(h("div", { class: "muted" }, "Calling the endpoint…"));
    this.result.dataset.state = "running";
    try {
      const r = await infer(this.model, this.version(), req);
      this.showResult(req, r.status, r.body, r.ms);
    } catch (err) {
      this.result.replaceChildren(h("div", { class: "error-text" }, `The request failed: ${(err as Error).message}`));
      this.result.dataset.state = "error";
    }
  }

  private showResult(req: InferRequest, status: number, body: any, ms: number): void {
    const raw = h("details", { class: "tryit-raw" }, h("summary", {}, "Response JSON"), h("pre", { class: "mono", id: "tryit-raw" }, typeof body === "string" ? body : JSON.stringify(body, null, 2)));
    const meta = h("div", { class: "muted tryit-meta" }, `HTTP ${status} in ${ms.toFixed(1)} ms`, body && body.model_version ? ` · answered by version ${body.model_version}` : "");
    this.result.dataset.status = String(status);
    this.result.dataset.version = body && body.model_version ? String(body.model_version) : "";
    if (status !== 200) {
      const msg = body && typeof body.error === "string" ? body.error : String(body);
      this.result.replaceChildren(h("div", { class: "error-text tryit-error" }, msg), meta, raw);
      this.result.dataset.state = "error";
      return;
    }
    const outs: Record<string, any> = {};
    for (const o of body.outputs ?? []) outs[o.name] = o;
    const samples = req.inputs[0].shape[0];
    const inputsText = req.inputs[0].datatype === "BYTES" ? (req.inputs[0].data as string[]) : null;
    const classes = this.schema.classes;
    const cards: HTMLElement[] = [];
    for (let i = 0; i < samples; i++) {
      const title = inputsText ? `“${inputsText[i]}”` : `sample ${i + 1}`;
      if (classes && outs.label && outs.probabilities) {
        const probs = (outs.probabilities.data as number[]).slice(i * classes.length, (i + 1) * classes.length);
        const order = probs.map((p, k) => [p, k] as [number, number]).sort((a, b) => b[0] - a[0]);
        cards.push(
          h("div", { class: "tryit-sample" },
            h("div", { class: "tryit-sample-head" }, h("span", { class: "muted" }, title), " → ", h("strong", { class: "tryit-label" }, String(outs.label.data[i]))),
            h("table", { class: "tryit-probs" }, order.map(([p, k]) =>
              h("tr", { "data-class": classes[k] },
                h("td", { class: "tryit-class" }, classes[k]),
                h("td", { class: "tryit-bar-cell" }, h("div", { class: "tryit-bar", style: `width:${Math.max(0.5, p * 100).toFixed(1)}%` })),
                h("td", { class: "num tryit-prob" }, `${(p * 100).toFixed(1)}%`),
              ))),
          ),
        );
      } else if (outs.output) {
        const per = (outs.output.data as number[]).length / samples;
        const vals = (outs.output.data as number[]).slice(i * per, (i + 1) * per);
        cards.push(h("div", { class: "tryit-sample" }, h("div", { class: "tryit-sample-head muted" }, title),
          h("div", { class: "mono tryit-values" }, vals.map((v) => round(v)).join(", "))));
      }
    }
    this.result.replaceChildren(...cards, meta, raw);
    this.result.dataset.state = "done";
  }
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}

/** shapeOf returns the shape of a rectangular nested list (the first
 * element's, checked on every element). */
function shapeOf(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  const inner = shapeOf(v[0]);
  for (const x of v) {
    const s = shapeOf(x);
    if (s.length !== inner.length || s.some((d, i) => d !== inner[i])) throw new Error("the samples must all have the same shape");
  }
  return [v.length, ...inner];
}
