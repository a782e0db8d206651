// The API key form: using a key, forgetting it, and dropping what the page holds of a tenant
// when the key changes.

import { state, storeKey, saveSending, saveUncertain } from "./state.js";
import { $, el } from "./dom.js";
import { say, sayInfo } from "./messages.js";
import { loadConnectors, renderConnectors } from "./connectors.js";
import { listItems, renderPager } from "./items.js";

export function setKey(key) {
  state.key = key;
  state.keyGeneration++;
  // Lists and items asked for under the previous key are dropped when they answer.
  state.listCall++;
  state.itemCall++;
  state.listLoading = false;
  $("items-list").removeAttribute("aria-busy");
  renderPager();
  storeKey(key);
}

export function onKeySubmit(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (!/^[\x21-\x7e]{1,1024}$/.test(key)) {
    $("api-key").setAttribute("aria-invalid", "true");
    say("error", el("p", { class: "message-title" }, "That is not an API key"),
      el("p", {}, "An API key is printable ASCII without spaces."));
    $("api-key").focus();
    return;
  }
  $("api-key").removeAttribute("aria-invalid");
  // Another key may be another tenant's: nothing asked under the last one stays in the page.
  // (The same key again, after a 401 while the gateway restarted, keeps it all.)
  const kept = !state.lastKey || key === state.lastKey;
  if (!kept) dropTenantData();
  // setKey drops the list on its way; the page kept for the same key would wait for it for good.
  const listing = state.listLoading ? state.listing : null;
  state.lastKey = key;
  setKey(key);
  loadConnectors(true);
  if (kept && state.connector) {
    if (listing) listItems(listing.page, listing.cursors);
    else if (!state.shown) listItems(0, [""]);  // "Loading…" left by a list a 401 dropped
  }
}

/** Drops everything the page holds of a tenant: its items, the item open, and the replies of
 * unknown outcome (their texts, and the question asked before sending another). */
function dropTenantData() {
  state.connectors = [];
  state.connector = null;
  state.items = [];
  state.item = null;
  state.pendingReply = null;
  state.sendingReplies.clear();
  saveSending();
  state.tenantGeneration++;  // replies and mark-reads still out are dropped when they answer
  state.nextCursor = null;
  state.pageCursors = [""];
  state.page = 0;
  state.shown = "";
  $("items-list").replaceChildren();
  $("item-fields").replaceChildren();
  $("item-raw").textContent = "";
  renderConnectors();
  $("items-section").hidden = true;
  $("item-section").hidden = true;
  if (state.uncertainReplies.size) {
    state.uncertainReplies.clear();
    saveUncertain();
  }
}

export function onForgetKey() {
  setKey("");
  state.lastKey = "";
  $("api-key").value = "";
  // Answers still on their way are dropped (setKey), and no tenant data stays in the page.
  dropTenantData();
  sayInfo("The API key is forgotten.");
  $("api-key").focus();
}
