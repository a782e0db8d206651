// ConnectorGateway console: a single page over the gateway's own REST API (same origin).
// Plain DOM, no framework, no inline code (the page's CSP allows scripts from 'self' only).
//
// This module is the entry point (index.html loads it as a module; modules are strict and
// deferred): it wires the page's controls to the modules beside it and restores the key kept
// in this tab. The modules import each other's functions; every call between them happens
// after start, once all of them are loaded, so the order they load in does not matter.

import { state, storedKey } from "./state.js";
import { $, isBusy } from "./dom.js";
import { onKeySubmit, onForgetKey } from "./key.js";
import { loadConnectors, renderConnectors } from "./connectors.js";
import { listFirstPage, listNextPage, listPreviousPage } from "./items.js";
import { onMarkRead, onReloadItem } from "./item.js";
import { onReply, onReplyInput } from "./reply.js";

function start() {
  $("key-form").addEventListener("submit", onKeySubmit);
  $("forget-key").addEventListener("click", onForgetKey);
  $("refresh-connectors").addEventListener("click", () => { if (!isBusy($("refresh-connectors"))) loadConnectors(true); });
  $("list-form").addEventListener("submit", (e) => { e.preventDefault(); listFirstPage(); });
  $("status-filter").addEventListener("change", listFirstPage);
  $("page-size").addEventListener("change", listFirstPage);
  $("next-page").addEventListener("click", listNextPage);
  $("prev-page").addEventListener("click", listPreviousPage);
  $("reply-form").addEventListener("submit", onReply);
  $("reply-text").addEventListener("input", onReplyInput);
  $("mark-read").addEventListener("click", onMarkRead);
  $("reload-item").addEventListener("click", onReloadItem);

  const saved = storedKey();
  if (saved) {
    state.key = saved;
    state.lastKey = saved;
    $("api-key").value = saved;
    loadConnectors(false);
  } else {
    renderConnectors();
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
