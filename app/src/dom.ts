// A few lines of DOM building instead of a UI library: see docs/APP.md ("Why plain DOM").

export type Child = Node | string | null | undefined | false;
type AttrValue = string | number | boolean | undefined | null | ((ev: Event) => void);

/** `h("button", { onclick: f, "aria-label": "..." }, "text")`: an element with attributes, listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value" && (el instanceof HTMLInputElement || el instanceof HTMLSelectElement))
      el.value = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: HTMLElement, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
}

/** Replaces an element's children. */
export function fill(el: HTMLElement, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A labelled form field: the label names the control (axe: every control labelled). */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLElement {
  const id = control.id !== "" ? control.id : `f${++ids}`;
  control.id = id;
  const hintEl = hint === undefined ? null : h("small", { id: `${id}-hint`, class: "hint" }, hint);
  if (hintEl !== null) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl);
}

export function shortAddress(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}
