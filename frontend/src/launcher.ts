// The launcher: what the app root shows first, as JupyterLab's launcher does. A
// prominent "New notebook" and one card per bundled example, each with the title
// and one-line description the notebook itself carries. An example opens as the
// user's own copy in the workspace's examples/ folder, made at the first open and
// reopened afterwards (so edits and trained models stay); "Fresh copy" makes a new
// one beside it.

import { h } from "./dom";
import { icon } from "./icons";

/** Example is a bundled example as GET /api/contents lists it. */
export interface Example {
  name: string;
  path: string;
  title?: string;
  description?: string;
  /** copy is the workspace path of the user's copy, when one exists. */
  copy?: string;
}

/** LauncherActions are what the launcher's buttons do. */
export interface LauncherActions {
  newNotebook(): void;
  openExample(x: Example, fresh: boolean): void;
}

/** Launcher draws the start section of the app root. */
export class Launcher {
  readonly element: HTMLElement;
  private readonly cards: HTMLDivElement;

  constructor(private readonly actions: LauncherActions) {
    this.cards = h("div", { class: "launcher-grid", id: "launcher-examples" });
    const newCard = h(
      "button",
      { class: "launcher-card launcher-new", id: "launcher-new", title: "Create an empty notebook in the workspace and open it", onclick: () => this.actions.newNotebook() },
      h("span", { class: "launcher-new-icon" }, icon("plus", 28)),
      h("span", { class: "launcher-card-title" }, "New notebook"),
      h("span", { class: "launcher-card-text" }, "An empty Go notebook in your workspace"),
    );
    this.element = h(
      "section",
      { class: "launcher", id: "launcher", "aria-label": "Start" },
      h("div", { class: "launcher-head" }, h("h1", {}, "Start"), h("span", { class: "muted" }, "Create a notebook or open an example; your files are listed below.")),
      h("div", { class: "launcher-grid launcher-top" }, newCard),
      h("h2", { class: "launcher-sub" }, "Examples"),
      this.cards,
    );
  }

  /** show draws the example cards. */
  show(examples: Example[]): void {
    if (examples.length === 0) {
      this.cards.replaceChildren(h("div", { class: "empty-note" }, "This build bundles no examples."));
      return;
    }
    this.cards.replaceChildren(...examples.map((x) => this.card(x)));
  }

  private card(x: Example): HTMLElement {
    const title = x.title || x.name.replace(/\.gonb$/, "");
    const open = h(
      "button",
      {
        class: "launcher-card-main example-card",
        title: x.copy ? `Open your copy, ${x.copy}` : `Copy ${x.name} into your workspace and open it`,
        onclick: () => this.actions.openExample(x, false),
      },
      h("span", { class: "launcher-card-head" }, icon("example", 20), h("span", { class: "launcher-card-title" }, title)),
      h("span", { class: "launcher-card-text" }, x.description ?? ""),
    );
    const foot = h("div", { class: "launcher-card-foot" });
    if (x.copy) {
      foot.append(
        h("span", { class: "muted launcher-copy", "data-copy": x.copy, title: `Opening the example opens your copy, ${x.copy}, with your changes` }, "Continues your copy"),
        h("button", { class: "link-btn launcher-fresh", title: `Make a new copy of the original ${x.name} beside yours`, onclick: () => this.actions.openExample(x, true) }, "Fresh copy"),
      );
    } else {
      foot.append(h("span", { class: "muted" }, `opens as your copy in examples/`));
    }
    return h("div", { class: "launcher-card", "data-example": x.name }, open, foot);
  }
}
