// The connectors table: listing the tenant's connectors with each upstream's circuit state,
// refreshing one row, and choosing the connector whose items are browsed.

import { state } from "./state.js";
import { $, el, setAvailable } from "./dom.js";
import { api, connectorPath } from "./api.js";
import { connectorName } from "./format.js";
import { sayFailure, sayInfo } from "./messages.js";
import { setKey } from "./key.js";
import { listItems, showNoList } from "./items.js";

export async function loadConnectors(announce) {
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

export function renderConnectors() {
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

/** Asks for one connector again and updates its row quietly (a call may have changed a circuit). */
export async function refreshConnector(c) {
  const generation = state.keyGeneration;
  try {
    const { data } = await api("GET", connectorPath(c));
    if (generation !== state.keyGeneration) return;  // asked under a key no longer in use
    state.connectors = state.connectors.map((x) => (connectorName(x) === connectorName(c) ? Object.assign({}, x, data, { upstreamsFailure: null }) : x));
    renderConnectors();
  } catch (_) { /* the list call already reported what matters */ }
}
