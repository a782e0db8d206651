// The message box (#messages): what the page says to the operator, and failures (RFC 9457
// problems or not) rendered as readable messages. The message goes into #message-live, the
// page's one aria-live region; its dismiss button sits beside it, so that a screen reader reads
// the message and not "Dismiss message" after it.

import { $, el } from "./dom.js";

// Where the keyboard focus was when the message box last changed: dismissing a message gives
// the focus back there, not to the page's start.
let focusBefore = null;

export function say(kind, ...content) {
  const box = $("messages");
  if (!box.contains(document.activeElement)) focusBefore = document.activeElement;
  $("message-live").replaceChildren(el("div", { class: "message " + kind }, ...content));
  const button = $("dismiss-message");
  button.onclick = dismiss;
  button.hidden = false;
}

/** Removes the message; the focus, which was on its × (a removed element drops it to the page's
 * start), goes back to where it was, or to the main content when that is gone or hidden. */
function dismiss() {
  const box = $("messages");
  const hadFocus = box.contains(document.activeElement);
  clearMessages();
  if (!hadFocus) return;
  const back = focusBefore;
  const usable = back && back !== document.body && back.isConnected && !back.disabled && back.getClientRects().length > 0;
  (usable ? back : $("main")).focus();
}

export function sayInfo(text) { say("info", el("p", {}, text)); }

/** Empties the message box: what it said no longer stands. */
export function clearMessages() {
  $("message-live").replaceChildren();
  $("dismiss-message").hidden = true;
}

/** Brings the message box into view when it is not: an error must not go unseen below the fold. */
function showMessages() {
  const box = $("messages").getBoundingClientRect();
  if (box.bottom < 0 || box.top > window.innerHeight) $("messages").scrollIntoView({ block: "nearest" });
}

/** One line of a failure's particulars (request id, wait), separated by middle dots. */
function metaLine(meta) {
  return el("p", { class: "meta" }, meta.flatMap((m, i) => (i ? [" · ", m] : [m])));
}

// Renders an RFC 9457 problem (or a failure that is not one) as a readable message.
export function sayFailure(failure, doing) {
  const p = failure.problem;
  const parts = [];
  if (p) {
    parts.push(el("p", { class: "message-title" },
      `${doing} failed: ${p.title || "Error"} (${p.status || failure.status})`));
    if (p.detail) parts.push(el("p", {}, p.detail));
    if (Array.isArray(p.errors) && p.errors.length) {
      parts.push(el("ul", { class: "field-errors" },
        p.errors.map((e) => el("li", {}, el("code", {}, e.field), ": ", e.message))));
    }
    if (p.upstream) {
      const u = p.upstream;
      parts.push(el("p", {}, `${u.marketplace} said${u.status != null ? " (HTTP " + u.status + ")" : ""}: ${u.message}`));
    }
    const meta = [];
    if (p.code) {
      meta.push(el("span", {}, "code ", el("a", { href: "/problems/" + encodeURIComponent(p.code), target: "_blank", rel: "noopener" }, p.code)));
    }
    const requestId = p.request_id || failure.requestId;
    if (requestId) meta.push(el("span", {}, "request id ", el("code", { class: "request-id" }, requestId)));
    const wait = p.retry_after || failure.retryAfter;
    if (wait) meta.push(el("span", {}, `retry after ${wait} s`));
    else if (p.retryable) meta.push(el("span", {}, "may succeed if retried"));
    if (meta.length) parts.push(metaLine(meta));
  } else if (failure.status === -1) {
    parts.push(el("p", { class: "message-title" }, `${doing}: ${failure.message}`));
  } else if (failure.status) {
    parts.push(el("p", { class: "message-title" }, `${doing} failed: HTTP ${failure.status}`));
    const meta = [];
    if (failure.requestId) meta.push(el("span", {}, "request id ", el("code", { class: "request-id" }, failure.requestId)));
    if (failure.retryAfter) meta.push(el("span", {}, `retry after ${failure.retryAfter} s`));
    if (meta.length) parts.push(metaLine(meta));
  } else {
    parts.push(el("p", { class: "message-title" }, `${doing} failed: the gateway could not be reached`));
    if (failure.message) parts.push(el("p", {}, failure.message));
  }
  say("error", ...parts);
  // An error must not go unseen below the fold; the live region already tells screen readers.
  showMessages();
}
