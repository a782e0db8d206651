// Small DOM helpers: finding an element by id, building one, and making a button available or
// not without losing the operator's keyboard focus.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Disables `button` while keeping the keyboard focus where it was: a disabled button drops
 * the focus to the page's start, losing the operator's place. While busy it stays focusable
 * (`aria-disabled`; its handler ignores it); when it truly cannot act, the focus goes to
 * `fallback` first.
 */
export function setAvailable(button, available, busy, fallback) {
  if (busy) {
    button.setAttribute("aria-disabled", "true");
    return;
  }
  button.removeAttribute("aria-disabled");
  if (!available && document.activeElement === button && fallback) fallback.focus();
  button.disabled = !available;
}

export const isBusy = (button) => button.getAttribute("aria-disabled") === "true";
