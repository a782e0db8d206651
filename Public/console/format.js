// Formatting helpers: how a time, a connector's name, a rating and an item's text are shown.

import { el } from "./dom.js";

export function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // The gateway's 1970-01-01T00:00:00.000Z: the marketplace gave no date it could read (README).
  if (date.getTime() === 0) return el("span", { class: "muted", title: value }, "unknown");
  return el("time", { datetime: value, title: value }, date.toLocaleString());
}

export const connectorName = (c) => `${c.marketplace}/${c.channel}`;

// Whether `a` and `b` are the same connector: each list call replaces the rows' objects
// (`refreshConnector`), so the one chosen later need not be the one a call began under.
export const sameConnector = (a, b) => Boolean(a && b) && connectorName(a) === connectorName(b);

/** Whether a rating can be drawn as stars: a whole number 1–5 (a marketplace may send anything). */
export function stars(rating) {
  return Number.isInteger(rating) && rating >= 1 && rating <= 5;
}

/** An item's text as the list shows it: its first 140 characters. */
export function itemSummary(item) {
  const text = (item.text || "").trim();
  // By code points: a cut through a surrogate pair would show half an emoji.
  const points = Array.from(text);
  return text ? (points.length > 140 ? points.slice(0, 140).join("") + "…" : text) : "(no text)";
}
