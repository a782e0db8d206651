// ConnectorGateway console: a single page over the gateway's own REST API (same origin).
// Plain DOM, no framework, no inline code (the page's CSP allows scripts from 'self' only).
"use strict";

(function () {
  const KEY_STORAGE = "connector-gateway.console.api-key";
  const UNCERTAIN_STORAGE = "connector-gateway.console.uncertain-replies";

  const state = {
    key: "",
    connectors: [],
    connector: null,      // {marketplace, channel, operations}
    status: "unanswered",
    limit: 20,
    pageCursors: [""],    // cursor that produced each page shown so far; "" is the first page
    page: 0,
    nextCursor: null,
    items: [],
    item: null,
    pendingReply: null,   // {itemPath, text, key}: reused after a failed attempt so a retry is safe
    uncertainReplies: loadUncertain(),   // item path → {text, over}: a reply that may have gone out unconfirmed
    shown: "",            // the connector, filter and page size the list on screen is of
    listLoading: false,   // a list call is out: the pager's cursors are about to be replaced
    listCall: 0,          // the latest list and item calls: an answer to an older one is dropped
    itemCall: 0,
    keyGeneration: 0,     // bumped by every key change: an answer asked for under another key is dropped
    lastKey: "",          // the key last entered (kept through a 401): another one drops the tenant's data
  };

  const $ = (id) => document.getElementById(id);

  // ---- small DOM helpers -------------------------------------------------------------------

  function el(tag, attrs, ...children) {
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

  function formatTime(value) {
    if (!value) return "";
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return el("time", { datetime: value, title: value }, date.toLocaleString());
  }

  function randomKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "console-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---- messages (one aria-live region) ----------------------------------------------------

  function say(kind, ...content) {
    const box = $("messages");
    box.replaceChildren(el("div", { class: "message " + kind },
      ...content,
      el("button", { type: "button", class: "dismiss secondary", "aria-label": "Dismiss message",
        onclick: () => box.replaceChildren() }, "×")));
  }

  function sayInfo(text) { say("info", el("p", {}, text)); }

  /** Brings the message box into view when it is not: an error must not go unseen below the fold. */
  function showMessages() {
    const box = $("messages").getBoundingClientRect();
    if (box.bottom < 0 || box.top > window.innerHeight) $("messages").scrollIntoView({ block: "nearest" });
  }

  /** A reply the page refuses to send, said beside the reply form, where the operator looks. */
  function sayReplyError(text) {
    const error = $("reply-error");
    error.textContent = text;
    error.hidden = false;
    $("reply-text").setAttribute("aria-invalid", "true");
    $("reply-text").focus();
  }

  function clearReplyError() {
    $("reply-error").hidden = true;
    $("reply-error").textContent = "";
    $("reply-text").removeAttribute("aria-invalid");
  }

  /**
   * Disables `button` while keeping the keyboard focus where it was: a disabled button drops
   * the focus to the page's start, losing the operator's place. While busy it stays focusable
   * (`aria-disabled`; its handler ignores it); when it truly cannot act, the focus goes to
   * `fallback` first.
   */
  function setAvailable(button, available, busy, fallback) {
    if (busy) {
      button.setAttribute("aria-disabled", "true");
      return;
    }
    button.removeAttribute("aria-disabled");
    if (!available && document.activeElement === button && fallback) fallback.focus();
    button.disabled = !available;
  }

  const isBusy = (button) => button.getAttribute("aria-disabled") === "true";

  // Renders an RFC 9457 problem (or a failure that is not one) as a readable message.
  function sayFailure(failure, doing) {
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
      if (p.retry_after) meta.push(el("span", {}, `retry after ${p.retry_after} s`));
      else if (p.retryable) meta.push(el("span", {}, "may succeed if retried"));
      if (meta.length) parts.push(el("p", { class: "meta" }, meta.flatMap((m, i) => (i ? [" · ", m] : [m]))));
    } else if (failure.status === -1) {
      parts.push(el("p", { class: "message-title" }, `${doing}: ${failure.message}`));
    } else if (failure.status) {
      parts.push(el("p", { class: "message-title" }, `${doing} failed: HTTP ${failure.status}`));
      if (failure.requestId) parts.push(el("p", { class: "meta" }, "request id ", el("code", { class: "request-id" }, failure.requestId)));
    } else {
      parts.push(el("p", { class: "message-title" }, `${doing} failed: the gateway could not be reached`));
      if (failure.message) parts.push(el("p", {}, failure.message));
    }
    say("error", ...parts);
    // An error must not go unseen below the fold; the live region already tells screen readers.
    showMessages();
  }

  // ---- the API ------------------------------------------------------------------------------

  class Failure extends Error {
    constructor(status, problem, requestId, message) {
      super(message || (problem && problem.title) || ("HTTP " + status));
      this.status = status;
      this.problem = problem;
      this.requestId = requestId;
    }
  }

  async function api(method, path, options) {
    const opts = options || {};
    if (!state.key) throw new Failure(-1, null, null, "Enter an API key first.");
    const headers = { "Authorization": "Bearer " + state.key, "Accept": "application/json, application/problem+json" };
    let body;
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    Object.assign(headers, opts.headers || {});
    let response;
    try {
      response = await fetch(path, { method, headers, body, cache: "no-store", credentials: "omit" });
    } catch (error) {
      throw new Failure(0, null, null, String(error && error.message || error));
    }
    const requestId = response.headers.get("X-Request-ID");
    const type = response.headers.get("Content-Type") || "";
    let data = null;
    if (response.status !== 204 && /json/.test(type)) {
      try { data = await response.json(); } catch (_) { data = null; }
    }
    if (!response.ok) {
      const problem = data && typeof data === "object" && (data.code || data.title) ? data : null;
      throw new Failure(response.status, problem, requestId);
    }
    return { status: response.status, data, requestId };
  }

  const connectorPath = (c) => `/connectors/${encodeURIComponent(c.marketplace)}/${encodeURIComponent(c.channel)}`;
  const itemPath = (c, id) => `${connectorPath(c)}/items/${encodeURIComponent(id)}`;
  const connectorName = (c) => `${c.marketplace}/${c.channel}`;

  // ---- Replies whose outcome is not known (kept in the tab's sessionStorage: a reload forgets nothing) ----

  function loadUncertain() {
    try { return new Map(JSON.parse(sessionStorage.getItem(UNCERTAIN_STORAGE) || "[]")); } catch (_) { return new Map(); }
  }

  function saveUncertain() {
    try { sessionStorage.setItem(UNCERTAIN_STORAGE, JSON.stringify([...state.uncertainReplies])); } catch (_) { /* memory only */ }
  }

  // ---- API key ------------------------------------------------------------------------------

  function setKey(key) {
    state.key = key;
    state.keyGeneration++;
    // Lists and items asked for under the previous key are dropped when they answer.
    state.listCall++;
    state.itemCall++;
    state.listLoading = false;
    $("items-list").removeAttribute("aria-busy");
    renderPager();
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (_) { /* storage disabled: the key lives in memory only */ }
  }

  function onKeySubmit(event) {
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
    if (state.lastKey && key !== state.lastKey) dropTenantData();
    state.lastKey = key;
    setKey(key);
    loadConnectors(true);
  }

  /** Drops everything the page holds of a tenant: its items, the item open, and the replies of
   * unknown outcome (their texts, and the question asked before sending another). */
  function dropTenantData() {
    state.connectors = [];
    state.connector = null;
    state.items = [];
    state.item = null;
    state.pendingReply = null;
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

  function onForgetKey() {
    setKey("");
    state.lastKey = "";
    $("api-key").value = "";
    // Answers still on their way are dropped (setKey), and no tenant data stays in the page.
    dropTenantData();
    sayInfo("The API key is forgotten.");
    $("api-key").focus();
  }

  // ---- connectors ---------------------------------------------------------------------------

  async function loadConnectors(announce) {
    let list;
    const generation = state.keyGeneration;
    const refresh = $("refresh-connectors");
    setAvailable(refresh, true, true);
    try {
      list = (await api("GET", "/connectors")).data.connectors || [];
    } catch (failure) {
      if (generation !== state.keyGeneration) return;  // asked under a key since replaced or forgotten
      if (failure.status === 401) {
        setKey("");  // a refused key is not kept; the field still shows it to fix
        state.connectors = [];
        renderConnectors();
      }
      // Otherwise (429, the gateway down) the table shown stays usable.
      sayFailure(failure, "Listing connectors");
      return;
    } finally {
      setAvailable(refresh, true, false);
    }
    if (generation !== state.keyGeneration) return;
    // Each connector's upstream health (circuit state), fetched side by side.
    const described = await Promise.all(list.map(async (c) => {
      try {
        return Object.assign({}, c, (await api("GET", connectorPath(c))).data);
      } catch (failure) {
        return Object.assign({}, c, { upstreamsFailure: failure });
      }
    }));
    if (generation !== state.keyGeneration) return;
    state.connectors = described;
    renderConnectors();
    const failed = described.find((c) => c.upstreamsFailure);
    if (failed) sayFailure(failed.upstreamsFailure, `Describing ${connectorName(failed)}`);
    else if (announce) sayInfo(`${described.length} connectors loaded.`);
  }

  function circuitCell(c) {
    if (c.upstreamsFailure) return el("span", { class: "muted" }, "unknown");
    if (!c.upstreams || !c.upstreams.length) return el("span", { class: "muted" }, "no calls yet");
    return el("ul", { class: "circuits" }, c.upstreams.map((u) =>
      el("li", {},
        el("span", { class: "badge circuit-" + u.circuit }, u.circuit.replace("_", "-")),
        " ", el("code", {}, u.host),
        u.rate_budget ? el("span", { class: "muted" }, ` budget ${u.rate_budget.available}/${u.rate_budget.burst}`) : null)));
  }

  function renderConnectors() {
    const body = $("connectors-body");
    body.replaceChildren();
    const has = state.connectors.length > 0;
    $("connectors-table").hidden = !has;
    $("connectors-empty").hidden = has;
    $("connectors-empty").textContent = state.key ? "No connectors to show." : "Enter an API key to see the connectors.";
    for (const c of state.connectors) {
      const name = connectorName(c);
      const current = state.connector && connectorName(state.connector) === name;
      body.append(el("tr", { "data-connector": name, class: current ? "current" : "" },
        el("th", { scope: "row", "data-label": "Connector" }, name),
        el("td", { "data-label": "Configured" },
          el("span", { class: "badge " + (c.configured ? "yes" : "no") }, c.configured ? "configured" : "not configured")),
        el("td", { "data-label": "Operations" }, (c.operations || []).join(", ")),
        el("td", { "data-label": "Upstream circuits" }, circuitCell(c)),
        el("td", { "data-label": "Actions" },
          el("button", { type: "button", class: "browse", "aria-label": `Browse ${name}`,
            "aria-pressed": current ? "true" : "false", onclick: () => chooseConnector(c) }, "Browse"))));
    }
  }

  function chooseConnector(c) {
    state.connector = c;
    state.item = null;
    state.itemCall += 1;
    state.pendingReply = null;
    // The previous connector's items must not stay under this one's heading, even if listing fails.
    showNoList("Loading…");
    $("item-section").hidden = true;
    $("items-section").hidden = false;
    $("items-heading").textContent = `Items of ${connectorName(c)}`;
    renderConnectors();
    $("items-heading").focus();
    listItems(0, [""]);
  }

  // ---- items --------------------------------------------------------------------------------

  async function listItems(page, cursors) {
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

  function showNoList(text) {
    state.items = [];
    state.nextCursor = null;
    state.pageCursors = [""];
    state.page = 0;
    state.shown = "";
    renderItems(text);
  }

  async function refreshConnector(c) {
    try {
      const { data } = await api("GET", connectorPath(c));
      state.connectors = state.connectors.map((x) => (connectorName(x) === connectorName(c) ? Object.assign({}, x, data, { upstreamsFailure: null }) : x));
      renderConnectors();
    } catch (_) { /* the list call already reported what matters */ }
  }

  function itemSummary(item) {
    const text = (item.text || "").trim();
    // By code points: a cut through a surrogate pair would show half an emoji.
    const points = Array.from(text);
    return text ? (points.length > 140 ? points.slice(0, 140).join("") + "…" : text) : "(no text)";
  }

  function renderItems(emptyText) {
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

  function renderPager() {
    setAvailable($("prev-page"), state.page > 0, state.listLoading, $("items-heading"));
    setAvailable($("next-page"), Boolean(state.nextCursor), state.listLoading, $("items-heading"));
    $("page-number").textContent = `Page ${state.page + 1}`;
  }

  // ---- one item -----------------------------------------------------------------------------

  async function openItem(id, moveFocus, connector) {
    const c = connector || state.connector;
    if (c !== state.connector) return null;  // the operator has moved to another connector
    const call = ++state.itemCall;
    try {
      const { data } = await api("GET", `${itemPath(c, id)}?include_raw=true`);
      // Another item or connector was chosen since: this answer is not what the page shows.
      if (call !== state.itemCall || state.connector !== c) return null;
      if (!state.item || state.item.id !== data.id) {
        $("reply-text").value = "";
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
        $("messages").replaceChildren();
        $("item-heading").focus();
      }
      return data;
    } catch (failure) {
      if (call === state.itemCall && state.connector === c) sayFailure(failure, `Opening item ${id}`);
      return null;
    }
  }

  // Whether the page still shows `item` of connector `c` (a call about it may end after the
  // operator moved on).
  function stillOn(c, item) {
    return state.connector === c && state.item !== null && state.item.id === item.id;
  }

  // The list's copy of an item follows what the item now says (status, reply, read state).
  function updateListed(item) {
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
    $("send-reply").disabled = !ops.includes("reply");
    showReplyCount();
    $("mark-read").title = ops.includes("mark_read") ? "" : `${connectorName(c)} does not list mark_read`;
  }

  /** The reply's length in Unicode code points, as the gateway and the marketplaces count it. */
  const replyLength = (text) => [...text].length;

  /** The reply text's bounds for the open connector (`reply_length` of GET /connectors), or null. */
  const replyBounds = () => (state.connector && state.connector.reply_length) || null;

  /** Shows the reply's length against the connector's bounds, and whether it is outside them. */
  function showReplyCount() {
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

  /** Whether `item` shows `text` as the seller's answer: a review's reply, or a chat's last
   * message newer than `over` (the last message's time before the reply was sent: a seller's
   * earlier message with the same words is not this one). */
  function showsReply(item, text, over) {
    return Boolean(item) && ((item.reply && item.reply.text === text)
      || (item.last_message && item.last_message.sender === "seller" && item.last_message.text === text
          && (!over || item.last_message.created_at !== over)));
  }

  /** The time of the item's last message, to tell a reply from an earlier message like it. */
  const lastMessageTime = (item) => (item && item.last_message ? item.last_message.created_at || null : null);

  /** Whether a rating can be drawn as stars: a whole number 1–5 (a marketplace may send anything). */
  function stars(rating) {
    return Number.isInteger(rating) && rating >= 1 && rating <= 5;
  }

  async function onReply(event) {
    event.preventDefault();
    const c = state.connector;
    const item = state.item;
    if (!c || !item) return;
    const text = $("reply-text").value;
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
    const path = itemPath(c, item.id) + "/reply";
    const uncertain = state.uncertainReplies.get(path);
    if (uncertain && uncertain.key && uncertain.text === text) {
      // The same text after an answer lost on the way: under the same key the gateway replays
      // that attempt's outcome (or says it is still running) rather than reply twice.
      state.pendingReply = { path, text, key: uncertain.key };
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
      state.pendingReply = { path, text, key: randomKey() };
    } else if (!state.pendingReply || state.pendingReply.path !== path || state.pendingReply.text !== text) {
      // Same item and same text as a failed attempt: same key, so the gateway replays rather than replying twice.
      state.pendingReply = { path, text, key: randomKey() };
    }
    const over = lastMessageTime(item);
    const button = $("send-reply");
    const textarea = $("reply-text");
    button.disabled = true;
    textarea.readOnly = true;
    try {
      const { data } = await api("POST", path, { body: { text }, headers: { "Idempotency-Key": `"${state.pendingReply.key}"` } });
      state.pendingReply = null;
      if (state.uncertainReplies.delete(path)) saveUncertain();
      if (textarea.value === text) textarea.value = "";
      showReplyCount();
      // Only while the operator is still on this item: another opened meanwhile stays.
      const refreshed = stillOn(c, item) ? await openItem(item.id, false, c) : null;
      if (refreshed) updateListed(refreshed);
      sayInfo(`Reply sent to ${item.id}${data && data.reply_id ? " (reply id " + data.reply_id + ")" : ""}.`);
    } catch (failure) {
      sayFailure(failure, "Sending the reply");
      // 502, 504 and 500 may come after the write went out, and a failed fetch (status 0) may have
      // delivered the request before the answer was lost; 503 and 429 say it was not done.
      if (failure.status === 0 || failure.status === 500 || failure.status === 502 || failure.status === 504) {
        // The reply may have reached the marketplace, and the gateway keeps this answer under the
        // key: look at the item (a review's reply, a chat's last message); if it is not there, the
        // next attempt asks before it goes out under a new key.
        const refreshed = stillOn(c, item) ? await openItem(item.id, false, c) : null;
        const shown = showsReply(refreshed, text, over);
        // After a lost answer the gateway may hold the real outcome under this key: the same
        // text goes again under it. After a 5xx it holds that failure, and only a new key sends.
        const key = failure.status === 0 && state.pendingReply ? state.pendingReply.key : undefined;
        state.pendingReply = null;
        if (shown) {
          if (textarea.value === text) textarea.value = "";
          showReplyCount();
          updateListed(refreshed);
          sayInfo(`The reply reached ${item.id} after all: the item shows it.`);
        } else {
          state.uncertainReplies.set(path, { text, over, key });
          saveUncertain();
        }
      }
    } finally {
      textarea.readOnly = false;
      button.disabled = !((state.connector || c).operations || []).includes("reply");
      // The button had the focus and lost it while disabled: give it to the text again.
      if (document.activeElement === document.body || document.activeElement === button) textarea.focus();
    }
  }

  async function onMarkRead() {
    const c = state.connector;
    const item = state.item;
    const button = $("mark-read");
    if (!c || !item || button.getAttribute("aria-disabled") === "true") return;
    // aria-disabled rather than disabled: the button keeps the keyboard focus meanwhile.
    button.setAttribute("aria-disabled", "true");
    try {
      await api("POST", itemPath(c, item.id) + "/read");
      const refreshed = stillOn(c, item) ? await openItem(item.id, false, c) : null;
      if (refreshed) updateListed(refreshed);
      sayInfo(`Item ${item.id} marked read.`);
    } catch (failure) {
      sayFailure(failure, "Marking read");
    } finally {
      button.removeAttribute("aria-disabled");
    }
  }

  // ---- start --------------------------------------------------------------------------------

  function start() {
    $("key-form").addEventListener("submit", onKeySubmit);
    $("forget-key").addEventListener("click", onForgetKey);
    $("refresh-connectors").addEventListener("click", () => { if (!isBusy($("refresh-connectors"))) loadConnectors(true); });
    $("list-form").addEventListener("submit", (e) => { e.preventDefault(); listItems(0, [""]); });
    $("status-filter").addEventListener("change", () => listItems(0, [""]));
    $("page-size").addEventListener("change", () => listItems(0, [""]));
    $("next-page").addEventListener("click", () => {
      if (!state.listLoading && state.nextCursor) listItems(state.page + 1, state.pageCursors.concat([state.nextCursor]));
    });
    $("prev-page").addEventListener("click", () => {
      if (!state.listLoading && state.page > 0) listItems(state.page - 1, state.pageCursors);
    });
    $("reply-form").addEventListener("submit", onReply);
    $("reply-text").addEventListener("input", () => {
      showReplyCount();
      if (!$("reply-error").hidden) clearReplyError();
    });
    $("mark-read").addEventListener("click", onMarkRead);
    $("reload-item").addEventListener("click", () => { if (state.item) openItem(state.item.id, false).then((i) => i && sayInfo(`Item ${i.id} reloaded.`)); });

    let saved = "";
    try { saved = sessionStorage.getItem(KEY_STORAGE) || ""; } catch (_) { saved = ""; }
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
})();
