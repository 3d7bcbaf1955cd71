// gopad's browser app: the list page at "/", the notebook page at "/nb/<path>",
// the Models list at "/models/" and a model's endpoint page at "/models/<name>".

import "./style.css";
import { NotebookPage } from "./notebook";
import { TreePage } from "./tree";
import { ModelPage, ModelsPage } from "./models";

function start() {
  const mount = document.getElementById("app")!;
  const url = new URL(location.href);
  // The token was turned into a cookie by the server; keep it out of history and screenshots.
  if (url.searchParams.has("token")) {
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  if (url.pathname.startsWith("/nb/")) {
    const path = url.pathname.slice(4).split("/").map(decodeURIComponent).join("/");
    document.body.classList.add("page-notebook");
    (window as any).gopad = new NotebookPage(mount, path);
  } else if (url.pathname === "/models" || url.pathname.startsWith("/models/")) {
    document.body.classList.add("page-models");
    const name = decodeURIComponent(url.pathname.replace(/^\/models\/?/, ""));
    (window as any).gopad = name ? new ModelPage(mount, name) : new ModelsPage(mount);
  } else {
    document.body.classList.add("page-tree");
    (window as any).gopad = new TreePage(mount, url.searchParams.get("dir") ?? "");
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
