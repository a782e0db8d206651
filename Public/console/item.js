// The item view: opening one item (and keeping its copy in the list in step), its fields and
// raw upstream object, and its Mark read and Reload item actions.

import { state, saveUncertain } from "./state.js";
import { $, el, isBusy } from "./dom.js";
import { api, itemPath } from "./api.js";
import { connectorName, formatTime, sameConnector, stars } from "./format.js";
import { clearMessages, sayFailure, sayInfo } from "./messages.js";
import { renderItems } from "./items.js";
import { clearReplyError, showReplyCount, showReplyForm, showsReply } from "./reply.js";

/** Opens item `id` (or reloads the one open). `quiet`: a failure is not said, the caller says
 * what matters more (a reply's failure must not give way to the reload's). `refresh`: the page's
 * own reload after an action on the item, which must not take the page from an item the operator
 * opens meanwhile: it takes no call number of its own (a later open's answer still counts), and
 * its answer is dropped once the page shows another item or an open began after it. */
export async function openItem(id, moveFocus, connector, quiet, refresh) {
  const c = connector || state.connector;
  if (!sameConnector(c, state.connector)) return null;  // the operator has moved to another connector
  const call = refresh ? state.itemCall : ++state.itemCall;
  try {
    const { data } = await api("GET", `${itemPath(c, id)}?include_raw=true`);
    // Another item or connector was chosen since: this answer is not what the page shows.
    if (call !== state.itemCall || !sameConnector(state.connector, c)) return null;
    if (refresh && (!state.item || state.item.id !== id)) return null;
    if (!state.item || state.item.id !== data.id) {
      // A reply to this item still on its way shows, read-only, as the text being sent.
      const sending = state.sendingReplies.get(itemPath(c, data.id) + "/reply");
      $("reply-text").value = sending ? sending.text : "";
      // The box to replace an answer is this item's own: ticked only for its reply on its way,
      // or one of unknown outcome that was sent replacing, never carried over from another item.
      const uncertain = state.uncertainReplies.get(itemPath(c, data.id) + "/reply");
      $("reply-replace").checked = Boolean((sending || uncertain || {}).replace);
      clearReplyError();
      showReplyCount();
      state.pendingReply = null;
    }
    state.item = data;
    const path = itemPath(c, data.id) + "/reply";
    const uncertain = state.uncertainReplies.get(path);
    if (uncertain && showsReply(data, uncertain.text, uncertain.over)) {
      state.uncertainReplies.delete(path);
      saveUncertain();
    }
    renderItem();
    $("item-section").hidden = false;
    if (moveFocus) {
      // What was said about an earlier action no longer stands beside this item.
      clearMessages();
      $("item-heading").focus();
    }
    return data;
  } catch (failure) {
    if (call !== state.itemCall || !sameConnector(state.connector, c)) return null;
    if (refresh && (!state.item || state.item.id !== id)) return null;
    if (state.item && state.item.id !== id) {
      // The item open is not the one asked for: left usable, a reply meant for this one would go to it.
      state.item = null;
      $("item-section").hidden = true;
    }
    if (!quiet) sayFailure(failure, `Opening item ${id}`);
    return null;
  }
}

// Whether the page still shows `item` of connector `c` (a call about it may end after the
// operator moved on).
export function stillOn(c, item) {
  return sameConnector(state.connector, c) && state.item !== null && state.item.id === item.id;
}

// The list's copy of an item follows what the item now says (status, reply, read state).
export function updateListed(item) {
  state.items = state.items.map((x) => (x.id === item.id
    ? Object.assign({}, x, { status: item.status, reply: item.reply, read: item.read, unread_count: item.unread_count })
    : x));
  renderItems();
}

function field(name, ...value) {
  return [el("dt", {}, name), el("dd", { "data-field": name.toLowerCase() }, ...value)];
}

function renderItem() {
  const item = state.item;
  const c = state.connector;
  $("item-heading").textContent = `${item.kind || "Item"} ${item.id}`;
  const rows = [
    field("Connector", connectorName(c)),
    field("Status", el("span", { class: "badge status-" + item.status }, item.status)),
    field("Created", formatTime(item.created_at)),
  ];
  if (item.author) rows.push(field("Author", [item.author.name, item.author.id].filter(Boolean).join(" · ")));
  if (stars(item.rating)) rows.push(field("Rating", `${item.rating} of 5`));
  if (item.product) {
    // Only web links: the URL is the marketplace's, passed through.
    const url = /^https?:\/\//i.test(item.product.url || "") ? item.product.url : null;
    rows.push(field("Product", url
      ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, item.product.name || item.product.id)
      : (item.product.name || item.product.id)));
  }
  if (item.read !== undefined) rows.push(field("Read", item.read ? "yes" : "no"));
  if (item.unread_count !== undefined) rows.push(field("Unread messages", String(item.unread_count)));
  rows.push(field("Text", el("span", { class: "pre" }, item.text || "(no text)")));
  if (item.last_message) {
    rows.push(field("Last message", el("span", { class: "pre" }, item.last_message.text),
      el("span", { class: "muted" }, ` (${item.last_message.sender}, `, formatTime(item.last_message.created_at), ")")));
  }
  if (item.reply) {
    rows.push(field("Reply", el("span", { class: "pre reply-text" }, item.reply.text),
      item.reply.state ? el("span", { class: "muted" }, ` (${item.reply.state})`) : null));
  }
  $("item-fields").replaceChildren(...rows.flat());
  $("item-raw").textContent = item.raw === undefined ? "(none)" : JSON.stringify(item.raw, null, 2);
  const ops = c.operations || [];
  showReplyForm();
  showReplyCount();
  $("mark-read").title = ops.includes("mark_read") ? "" : `${connectorName(c)} does not list mark_read`;
}

export async function onMarkRead() {
  const c = state.connector;
  const item = state.item;
  const button = $("mark-read");
  if (!c || !item || isBusy(button)) return;
  const tenant = state.tenantGeneration;
  // aria-disabled rather than disabled: the button keeps the keyboard focus meanwhile.
  button.setAttribute("aria-disabled", "true");
  try {
    await api("POST", itemPath(c, item.id) + "/read");
    if (tenant !== state.tenantGeneration) return;  // the key was forgotten or changed meanwhile
    const refreshed = stillOn(c, item) ? await openItem(item.id, false, c, false, true) : null;
    if (tenant !== state.tenantGeneration) return;
    if (refreshed) updateListed(refreshed);
    sayInfo(`Item ${item.id} marked read.`);
  } catch (failure) {
    if (tenant === state.tenantGeneration) sayFailure(failure, "Marking read");
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

export function onReloadItem() {
  if (state.item) openItem(state.item.id, false).then((i) => i && sayInfo(`Item ${i.id} reloaded.`));
}
