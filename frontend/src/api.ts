// HTTP helpers for gopad's JSON API. Every state-changing request carries the
// X-Gopad-CSRF header: a custom header cannot be sent by a cross-site form, which is
// how the server tells the app's own requests from forged ones.

/** An API error carrying the server's message. */
export class APIError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

async function decode(resp: Response): Promise<any> {
  const text = await resp.text();
  let body: any = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!resp.ok) {
    const msg = body && typeof body.error === "string" ? body.error : text || resp.statusText;
    throw new APIError(`${msg} (HTTP ${resp.status})`, resp.status);
  }
  return body;
}

/** getJSON fetches url and returns its decoded JSON body. */
export async function getJSON(url: string): Promise<any> {
  const resp = await fetch(url, { credentials: "same-origin" });
  return decode(resp);
}

/** postJSON posts body as JSON to url and returns the decoded reply. */
export async function postJSON(url: string, body: unknown): Promise<any> {
  const resp = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Gopad-CSRF": "1" },
    body: JSON.stringify(body),
  });
  return decode(resp);
}

/** upload sends one file as multipart field "file" into directory dir. */
export async function upload(dir: string, file: File): Promise<any> {
  const form = new FormData();
  form.append("file", file, file.name);
  const resp = await fetch(`/api/contents/upload?dir=${encodeURIComponent(dir)}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-Gopad-CSRF": "1" },
    body: form,
  });
  return decode(resp);
}

/** downloadURL is the address that downloads path in format (gonb, ipynb or html). */
export function downloadURL(path: string, format: "gonb" | "ipynb" | "html"): string {
  return `/api/contents/download?path=${encodeURIComponent(path)}&format=${format}`;
}

/** notebookURL is the app address of the notebook at path (segments escaped, "/" kept). */
export function notebookURL(path: string): string {
  return "/nb/" + path.split("/").map(encodeURIComponent).join("/");
}

/** treeURL is the app address of the list page for directory dir ("" = root). */
export function treeURL(dir: string): string {
  return dir ? `/?dir=${encodeURIComponent(dir)}` : "/";
}
