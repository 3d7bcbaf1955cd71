// Small inline SVG icons (drawn here, 16x16, currentColor): no icon font or emoji
// font is needed, so they look the same on every machine.

const paths: Record<string, string> = {
  save: '<path d="M3 2h8l3 3v9H2V2z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round"/><rect x="5" y="2.7" width="5" height="3.3" fill="currentColor"/><rect x="4.5" y="9" width="7" height="4.3" fill="none" stroke="currentColor" stroke-width="1.2"/>',
  plus: '<path d="M8 3v10M3 8h10" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>',
  cut: '<circle cx="4.5" cy="11.5" r="2" fill="none" stroke="currentColor" stroke-width="1.3"/><circle cx="11.5" cy="11.5" r="2" fill="none" stroke="currentColor" stroke-width="1.3"/><path d="M6 10 12 2M10 10 4 2" stroke="currentColor" stroke-width="1.3" stroke-linecap="round"/>',
  up: '<path d="M8 13V3M4 7l4-4 4 4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>',
  down: '<path d="M8 3v10M4 9l4 4 4-4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>',
  run: '<path d="M4.5 2.8v10.4L13 8z" fill="currentColor"/>',
  stop: '<rect x="3.5" y="3.5" width="9" height="9" rx="1" fill="currentColor"/>',
  restart: '<path d="M12.7 9.2A4.8 4.8 0 1 1 11.3 4.6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/><path d="M12.8 1.8v3.7H9.1" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>',
  runAll: '<path d="M2 3v10l5.5-5zM8.5 3v10L14 8z" fill="currentColor"/>',
  clear: '<path d="M3 13h10M5.2 10.8 10.8 3.5l2.3 1.8-5.6 7.3H4.8z" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round"/>',
  trash: '<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round"/>',
  folder: '<path d="M1.5 4V13h13V5.5H7.5L6 4z" fill="#90a4ae" stroke="#78909c" stroke-width=".8" stroke-linejoin="round"/>',
  notebook: '<rect x="3" y="1.5" width="10.5" height="13" rx="1.2" fill="#ff9800"/><rect x="5" y="3.5" width="6.5" height="2" fill="#fff" opacity=".9"/><path d="M2 4h2M2 7h2M2 10h2M2 13h2" stroke="#e65100" stroke-width="1"/>',
  file: '<path d="M3.5 1.5h6l3 3v10h-9z" fill="#eceff1" stroke="#90a4ae" stroke-width=".9" stroke-linejoin="round"/><path d="M9.5 1.5v3h3" fill="none" stroke="#90a4ae" stroke-width=".9"/>',
  example: '<rect x="2.5" y="1.5" width="11" height="13" rx="1.2" fill="#1976d2"/><path d="M5 5h6M5 8h6M5 11h4" stroke="#fff" stroke-width="1.2" stroke-linecap="round"/>',
  upload: '<path d="M8 11V3M4.5 6.5 8 3l3.5 3.5M3 13h10" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/>',
  refresh: '<path d="M12.7 9.2A4.8 4.8 0 1 1 11.3 4.6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/><path d="M12.8 1.8v3.7H9.1" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/>',
};

/** icon returns an inline SVG element for a named icon. */
export function icon(name: keyof typeof paths | string, size = 16): SVGSVGElement {
  const tpl = document.createElement("template");
  tpl.innerHTML = `<svg class="icon" width="${size}" height="${size}" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${paths[name] ?? ""}</svg>`;
  return tpl.content.firstElementChild as SVGSVGElement;
}
