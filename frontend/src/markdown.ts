// Markdown rendering for Markdown cells and text/markdown outputs. The rendered HTML
// goes straight into the page, so it is sanitised with DOMPurify: a notebook from
// someone else must not be able to run script in gopad's origin.

import { Marked } from "marked";
import DOMPurify from "dompurify";

const marked = new Marked({ gfm: true, breaks: false });

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  // Links open in a new tab and never get a handle on this window.
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** renderMarkdown returns sanitised HTML for markdown source. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
