// Terminal text to HTML: SGR colours (16, 256 and 24-bit), bold/italic/underline, and
// carriage-return progress lines. Other escape sequences (cursor moves, erase line) are
// dropped: a notebook output is not a terminal, and the common use — redrawing a
// progress line — is covered by the carriage-return handling.

import { escapeHTML } from "./dom";

const ESC_RE = /\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]/g;

const BASIC = ["#000000", "#c4302b", "#2e8b2e", "#b58900", "#1d5fbf", "#a035b0", "#138a8a", "#bdbdbd"];
const BRIGHT = ["#666666", "#e0443e", "#3fb13f", "#d4a500", "#3b82f6", "#c35bd6", "#1fb8b8", "#ffffff"];

function color256(n: number): string {
  if (n < 8) return BASIC[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n < 232) {
    const i = n - 16;
    const lv = [0, 95, 135, 175, 215, 255];
    return `rgb(${lv[Math.floor(i / 36)]},${lv[Math.floor(i / 6) % 6]},${lv[i % 6]})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

function applySGR(params: number[], st: Style): Style {
  const s = { ...st };
  if (params.length === 0) params = [0];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) {
      delete s.fg, delete s.bg, delete s.bold, delete s.italic, delete s.underline;
    } else if (p === 1) s.bold = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 22) s.bold = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p >= 30 && p <= 37) s.fg = BASIC[p - 30];
    else if (p === 39) delete s.fg;
    else if (p >= 40 && p <= 47) s.bg = BASIC[p - 40];
    else if (p === 49) delete s.bg;
    else if (p >= 90 && p <= 97) s.fg = BRIGHT[p - 90];
    else if (p >= 100 && p <= 107) s.bg = BRIGHT[p - 100];
    else if (p === 38 || p === 48) {
      let c: string | undefined;
      if (params[i + 1] === 5 && i + 2 < params.length) {
        c = color256(params[i + 2]);
        i += 2;
      } else if (params[i + 1] === 2 && i + 4 < params.length) {
        c = `rgb(${params[i + 2]},${params[i + 3]},${params[i + 4]})`;
        i += 4;
      }
      if (c) {
        if (p === 38) s.fg = c;
        else s.bg = c;
      }
    }
  }
  return s;
}

function styleAttr(s: Style): string {
  const parts: string[] = [];
  if (s.fg) parts.push(`color:${s.fg}`);
  if (s.bg) parts.push(`background-color:${s.bg}`);
  if (s.bold) parts.push("font-weight:bold");
  if (s.italic) parts.push("font-style:italic");
  if (s.underline) parts.push("text-decoration:underline");
  return parts.join(";");
}

/** ansiToHTML converts terminal text to escaped HTML with coloured spans. */
export function ansiToHTML(text: string): string {
  let out = "";
  let style: Style = {};
  let last = 0;
  const emit = (chunk: string) => {
    if (!chunk) return;
    const css = styleAttr(style);
    out += css ? `<span style="${css}">${escapeHTML(chunk)}</span>` : escapeHTML(chunk);
  };
  ESC_RE.lastIndex = 0;
  for (let m = ESC_RE.exec(text); m; m = ESC_RE.exec(text)) {
    emit(text.slice(last, m.index));
    last = ESC_RE.lastIndex;
    if (m[2] === "m") {
      const params = m[1] ? m[1].split(";").map((x) => parseInt(x || "0", 10)) : [];
      style = applySGR(params, style);
    }
  }
  emit(text.slice(last));
  return out;
}

/** stripANSI removes escape sequences, for plain-text uses (search, line numbers). */
export function stripANSI(text: string): string {
  return text.replace(ESC_RE, "");
}

/**
 * collapseCR applies carriage returns the way a progress bar expects: on each line,
 * text after the last "\r" replaces what came before. A line still being written
 * (no "\n" yet) keeps a trailing "\r" so that the next chunk replaces it.
 * The result is what is stored, so a long progress run does not grow the output.
 */
export function collapseCR(text: string): string {
  if (text.indexOf("\r") < 0) return text;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.indexOf("\r") < 0) continue;
    const isLast = i === lines.length - 1;
    const segs = line.split("\r");
    let keep = "";
    for (let j = segs.length - 1; j >= 0; j--) {
      if (segs[j] !== "") {
        keep = segs[j];
        break;
      }
    }
    // A trailing "\r" on the unfinished last line means: the next text overwrites it.
    lines[i] = isLast && line.endsWith("\r") ? keep + "\r" : keep;
  }
  return lines.join("\n");
}
