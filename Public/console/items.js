// The item list of the chosen connector and its pager: listing a page (by the cursors of the
// pages before it), showing the items, and the Previous and Next page buttons.

import { state } from "./state.js";
import { $, el, setAvailable } from "./dom.js";
import { api, connectorPath } from "./api.js";
import { connectorName, formatTime, itemSummary, stars } from "./format.js";
import { sayFailure, sayInfo } from "./messages.js";
import { refreshConnector } from "./connectors.js";
import { openItem } from "./item.js";

export async function listItems(page, cursors) {
  const c = state.connector;
  if (!c) return;
  const status = $("status-filter").value;
  const limit = Number($("page-size").value);
  const listing = `${connectorName(c)} ${status} ${limit}`;
  const call = ++state.listCall;
  const query = new URLSearchParams({ status, limit: String(limit) });
  const cursor = cursors[page];
  if (cursor) query.set("cursor", cursor);
  $("items-list").setAttribute("aria-busy", "true");
  // The pager's cursors are the list's on screen, which this call is about to replace.
  state.listLoading = true;
  state.listing = { page, cursors };  // to ask again if a key entered again drops this call
  renderPager();
  try {
    const { data } = await api("GET", `${connectorPath(c)}/items?${query}`);
    if (call !== state.listCall) return;  // another list was asked for since: its answer counts
    state.status = status;
    state.limit = limit;
    state.shown = listing;
    state.items = data.items || [];
    state.nextCursor = data.next_cursor || null;
    state.pageCursors = cursors.slice(0, page + 1);
    state.page = page;
    renderItems();
    sayInfo(`${connectorName(c)}: ${state.items.length} item${state.items.length === 1 ? "" : "s"} (${status}, ${limit} per page) on page ${page + 1}${state.nextCursor ? ", more on the next page" : ""}.`);
  } catch (failure) {
    if (call !== state.listCall) return;
    const problem = failure.problem;
    if (failure.status === 400 && problem && Array.isArray(problem.errors) && problem.errors.some((e) => e.field === "cursor")) {
      // The pages' cursors no longer open (the gateway restarted with another cursor secret):
      // the pager must not offer them again.
      showNoList("This list's pages can no longer be followed: list again to start from the first page.");
    } else if (state.shown !== listing) {
      // A list of another connector or filter must not stand for this one.
      showNoList("The items could not be loaded.");
    }
    sayFailure(failure, `Listing ${connectorName(c)} items`);
  } finally {
    if (call === state.listCall) {
      state.listLoading = false;
      $("items-list").removeAttribute("aria-busy");
      renderPager();
    }
  }
  // A call may have changed an upstream's circuit: refresh that row quietly.
  refreshConnector(c);
}

/** The first page again, from the filter and page size chosen now. */
export const listFirstPage = () => listItems(0, [""]);

/** The page after the one shown, unless a list is loading or there is none. */
export function listNextPage() {
  if (!state.listLoading && state.nextCursor) listItems(state.page + 1, state.pageCursors.concat([state.nextCursor]));
}

/** The page before the one shown, unless a list is loading or this is the first. */
export function listPreviousPage() {
  if (!state.listLoading && state.page > 0) listItems(state.page - 1, state.pageCursors);
}

/** Empties the list, saying `text` in its place, and forgets its pages. */
export function showNoList(text) {
  state.items = [];
  state.nextCursor = null;
  state.pageCursors = [""];
  state.page = 0;
  state.shown = "";
  renderItems(text);
}

export function renderItems(emptyText) {
  const list = $("items-list");
  list.replaceChildren();
  if (!state.items.length) list.append(el("li", { class: "empty muted" }, emptyText || "No items."));
  for (const item of state.items) {
    list.append(el("li", { class: "item", "data-item-id": item.id },
      el("div", { class: "item-head" },
        el("span", { class: "badge status-" + item.status }, item.status),
        stars(item.rating) ? el("span", { class: "rating", role: "img", "aria-label": `rating ${item.rating} of 5` }, "★".repeat(item.rating) + "☆".repeat(5 - item.rating)) : null,
        item.read === false ? el("span", { class: "badge unread" }, "unread") : null,
        el("span", { class: "muted" }, formatTime(item.created_at))),
      el("p", { class: "item-text" }, itemSummary(item)),
      el("p", { class: "muted item-meta" },
        [item.author && (item.author.name || item.author.id), item.product && (item.product.name || item.product.id)].filter(Boolean).join(" · ")),
      el("button", { type: "button", class: "open-item secondary", "aria-label": `Open item ${item.id}`,
        onclick: () => openItem(item.id, true) }, "Open")));
  }
  $("items-summary").textContent = state.shown ? `${state.items.length} item${state.items.length === 1 ? "" : "s"} (${state.status}).` : "";
  renderPager();
}

export function renderPager() {
  setAvailable($("prev-page"), state.page > 0, state.listLoading, $("items-heading"));
  setAvailable($("next-page"), Boolean(state.nextCursor), state.listLoading, $("items-heading"));
  $("page-number").textContent = `Page ${state.page + 1}`;
}
