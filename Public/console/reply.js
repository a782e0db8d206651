// The reply form: the reply's length against the connector's bounds, the error said beside the
// form, and sending a reply under an Idempotency-Key, including what is done when its answer is
// lost and the reply's outcome is not known.

import { state, saveSending, saveUncertain } from "./state.js";
import { $ } from "./dom.js";
import { api, itemPath } from "./api.js";
import { connectorName } from "./format.js";
import { sayFailure, sayInfo } from "./messages.js";
import { openItem, stillOn, updateListed } from "./item.js";

/** The reply's length in Unicode code points, as the gateway and the marketplaces count it. */
const replyLength = (text) => [...text].length;

/** The reply text's bounds for the open connector (`reply_length` of GET /connectors), or null. */
const replyBounds = () => (state.connector && state.connector.reply_length) || null;

// How long a lost answer's Idempotency-Key is sent again without asking: well inside the
// gateway's default 24 h, as a configured lifetime can be shorter.
const KEY_TRUSTED_MS = 60 * 60 * 1000;

/** Shows the reply's length against the connector's bounds, and whether it is outside them. */
export function showReplyCount() {
  const text = $("reply-text").value;
  const bounds = replyBounds();
  const length = replyLength(text);
  const over = bounds && length > bounds.max;
  const under = bounds && length > 0 && length < bounds.min;
  $("reply-count").textContent = bounds
    ? `${length} of ${bounds.max} characters${over ? `: ${length - bounds.max} too many` : under ? `: at least ${bounds.min}` : ""}`
    : `${length} characters`;
  $("reply-count").classList.toggle("error-text", Boolean(over || under));
}

/** A reply the page refuses to send, said beside the reply form, where the operator looks. */
function sayReplyError(text) {
  const error = $("reply-error");
  error.textContent = text;
  error.hidden = false;
  $("reply-text").setAttribute("aria-invalid", "true");
  $("reply-text").focus();
}

export function clearReplyError() {
  $("reply-error").hidden = true;
  $("reply-error").textContent = "";
  $("reply-text").removeAttribute("aria-invalid");
}

/** As the operator types: the count follows, and an error said about the earlier text goes. */
export function onReplyInput() {
  showReplyCount();
  if (!$("reply-error").hidden) clearReplyError();
}

/** Whether `item` shows `text` as the seller's answer: a review's reply, or a chat's last
 * message newer than `over` (the last message's time before the reply was sent: a seller's
 * earlier message with the same words is not this one). */
export function showsReply(item, text, over) {
  return Boolean(item) && ((item.reply && item.reply.text === text)
    || (item.last_message && item.last_message.sender === "seller" && item.last_message.text === text
        && (!over || item.last_message.created_at !== over)));
}

/** The time of the item's last message, to tell a reply from an earlier message like it. */
const lastMessageTime = (item) => (item && item.last_message ? item.last_message.created_at || null : null);

/** A new Idempotency-Key for a reply. */
function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return "console-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Shows the reply form as the open item allows: Send only where the connector replies, and
 * neither Send nor the text while a reply to this very item is on its way (whatever reloads or
 * opens meanwhile; another item's form stays usable). */
export function showReplyForm() {
  const c = state.connector;
  const item = state.item;
  const sending = Boolean(c && item && state.sendingReplies.has(itemPath(c, item.id) + "/reply"));
  $("reply-text").readOnly = sending;
  // Replacing is offered where the connector's replies can (`reply_replaces`) and the item has an
  // answer to replace; without the box ticked, the gateway refuses to overwrite it.
  const replaces = Boolean(c && c.reply_replaces && item && item.reply);
  $("replace-row").hidden = !replaces;
  if (!replaces) $("reply-replace").checked = false;
  $("reply-replace").disabled = sending;
  $("send-reply").disabled = sending || !((c && c.operations) || []).includes("reply");
}

export async function onReply(event) {
  event.preventDefault();
  const c = state.connector;
  const item = state.item;
  if (!c || !item) return;
  const path = itemPath(c, item.id) + "/reply";
  if (state.sendingReplies.has(path)) return;  // one reply to an item at a time
  const text = $("reply-text").value;
  const replace = !$("replace-row").hidden && $("reply-replace").checked;
  if (!text.trim()) {
    sayReplyError("Reply not sent: the reply text is empty.");
    return;
  }
  const bounds = replyBounds();
  const length = replyLength(text);
  if (bounds && (length < bounds.min || length > bounds.max)) {
    // The gateway would refuse it on `text` before any upstream call; say so without asking.
    sayReplyError(`Reply not sent: ${connectorName(c)} takes replies of ${bounds.min} to ${bounds.max} characters; this one has ${length}.`);
    return;
  }
  clearReplyError();
  const uncertain = state.uncertainReplies.get(path);
  // The gateway keeps a key's outcome for a day at most (less when configured so): an older
  // key may be forgotten, and a write under it would run again.
  const fresh = uncertain && Date.now() - (uncertain.at || 0) < KEY_TRUSTED_MS;
  if (uncertain && uncertain.key && fresh && uncertain.text === text && Boolean(uncertain.replace) === replace) {
    // The same text after an answer lost on the way: under the same key the gateway replays
    // that attempt's outcome (or says it is still running) rather than reply twice.
    state.pendingReply = { path, text, replace, key: uncertain.key, at: uncertain.at };
  } else if (uncertain) {
    // A reply to this item may have reached the marketplace and the item does not show it:
    // under that attempt's key the gateway would only replay its answer (or it is another
    // text), so anything sent now goes under a new key, which the operator accepts knowingly.
    if (!window.confirm("An earlier reply to this item may have reached the marketplace, though the item does not show it yet. Send this one anyway? The buyer may get both.")) {
      sayReplyError("Reply not sent: an earlier reply may already have arrived; reload the item to see whether it shows.");
      return;
    }
    state.uncertainReplies.delete(path);
    saveUncertain();
    state.pendingReply = { path, text, replace, key: randomKey() };
  } else if (!state.pendingReply || state.pendingReply.path !== path || state.pendingReply.text !== text
             || Boolean(state.pendingReply.replace) !== replace) {
    // Same item, text and replacing as a failed attempt: same key, so the gateway replays rather
    // than replying twice (under one key, a reply that replaces is another request).
    state.pendingReply = { path, text, replace, key: randomKey() };
  }
  // This call's own attempt: state.pendingReply is the open item's, and another may open meanwhile.
  const attempt = state.pendingReply;
  // Answers to a tenant whose data the page dropped meanwhile are neither said nor kept. (Not
  // keyGeneration: the same key entered again keeps the tenant, and a lost answer's key with it.)
  const tenant = state.tenantGeneration;
  const over = lastMessageTime(item);
  attempt.over = over;
  attempt.settled = false;
  // When its key was first sent: how long the gateway may still remember it.
  attempt.at = attempt.at || Date.now();
  const button = $("send-reply");
  const textarea = $("reply-text");
  state.sendingReplies.set(path, attempt);
  saveSending();
  showReplyForm();
  try {
    const body = attempt.replace ? { text, replace: true } : { text };
    const { data } = await api("POST", path, { body, headers: { "Idempotency-Key": `"${attempt.key}"` } });
    attempt.settled = true;
    saveSending();
    if (tenant !== state.tenantGeneration) return;
    if (state.pendingReply === attempt) state.pendingReply = null;
    if (state.uncertainReplies.delete(path)) saveUncertain();
    // Only while the operator is still on this item: another opened meanwhile stays, its text too.
    if (stillOn(c, item)) {
      if (textarea.value === text) textarea.value = "";
      $("reply-replace").checked = false;
      showReplyCount();
    }
    const refreshed = stillOn(c, item) ? await openItem(item.id, false, c, false, true) : null;
    if (tenant !== state.tenantGeneration) return;
    if (refreshed) updateListed(refreshed);
    sayInfo(`Reply sent to ${item.id}${data && data.reply_id ? " (reply id " + data.reply_id + ")" : ""}.`);
  } catch (failure) {
    // Its answer came (a lost one is kept below, as one of unknown outcome).
    attempt.settled = true;
    saveSending();
    if (tenant !== state.tenantGeneration) return;
    sayFailure(failure, "Sending the reply");
    if (failure.status === 422 && stillOn(c, item)) {
      // Refused, perhaps as the item has an answer meanwhile: the item as it is now, quietly,
      // so its answer and the box to replace it show.
      await openItem(item.id, false, c, true, true);
    }
    // 502, 504 and 500 may come after the write went out, and a failed fetch (status 0) may have
    // delivered the request before the answer was lost; 503 and 429 say it was not done.
    if (failure.status === 0 || failure.status === 500 || failure.status === 502 || failure.status === 504) {
      // The reply may have reached the marketplace, and the gateway keeps this answer under the
      // key: look at the item (a review's reply, a chat's last message); if it is not there, the
      // next attempt asks before it goes out under a new key. Quietly: a reload that fails too
      // must not put its failure in the place of the reply's, which says what matters.
      const refreshed = stillOn(c, item) ? await openItem(item.id, false, c, true, true) : null;
      if (tenant !== state.tenantGeneration) return;
      const shown = showsReply(refreshed, text, over);
      // After a lost answer, or a 5xx that may be a proxy's (nginx's 502 or 504 while the gateway
      // still works on it), the gateway may hold the real outcome under this key, or be about to:
      // the same text goes again under it, and is replayed or refused as in progress, never sent
      // twice. Once the gateway itself replayed a failure under it, only a new key sends.
      const key = failure.replayed ? undefined : attempt.key;
      if (state.pendingReply === attempt) state.pendingReply = null;
      if (shown) {
        if (stillOn(c, item) && textarea.value === text) textarea.value = "";
        showReplyCount();
        updateListed(refreshed);
        sayInfo(`The reply reached ${item.id} after all: the item shows it.`);
      } else {
        state.uncertainReplies.set(path, { text, replace, over, key, at: attempt.at });
        saveUncertain();
      }
    }
  } finally {
    if (state.sendingReplies.get(path) === attempt) {
      state.sendingReplies.delete(path);
      saveSending();
    }
    if (stillOn(c, item)) {
      showReplyForm();
      // The button had the focus and lost it while disabled: give it to the text again.
      if (document.activeElement === document.body || document.activeElement === button) textarea.focus();
    }
  }
}
