// The console's state: what the page shows and what it is waiting for, and what of it the tab
// keeps in sessionStorage (the API key, and the replies whose outcome is not known).

const KEY_STORAGE = "connector-gateway.console.api-key";
const UNCERTAIN_STORAGE = "connector-gateway.console.uncertain-replies";
const SENDING_STORAGE = "connector-gateway.console.sending-replies";

export const state = {
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
  pendingReply: null,   // {path, text, key}: reused after a failed attempt so a retry is safe
  sendingReplies: new Map(),  // item path → that attempt ({path, text, replace, over, key}) while its POST is out: one per item, not per page (kept for a reload)
  uncertainReplies: loadUncertain(),   // item path → {text, replace, over, key}: a reply that may have gone out unconfirmed
  shown: "",            // the connector, filter and page size the list on screen is of
  listLoading: false,   // a list call is out: the pager's cursors are about to be replaced
  listing: null,        // {page, cursors} of the latest list call
  listCall: 0,          // the latest list and item calls: an answer to an older one is dropped
  itemCall: 0,
  keyGeneration: 0,     // bumped by every key change: an answer asked for under another key is dropped
  tenantGeneration: 0,  // bumped when the tenant's data is dropped (key forgotten or another used):
                        // a reply's or mark-read's outcome asked for before is dropped unsaid and unkept
  lastKey: "",          // the key last entered (kept through a 401): another one drops the tenant's data
};

// ---- the API key (kept in the tab's sessionStorage only) ------------------------------------

/** Keeps `key` for this tab, or forgets the one kept when `key` is empty. */
export function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch (_) { /* storage disabled: the key lives in memory only */ }
}

/** The key kept for this tab, or "". */
export function storedKey() {
  try { return sessionStorage.getItem(KEY_STORAGE) || ""; } catch (_) { return ""; }
}

// ---- Replies whose outcome is not known (kept in the tab's sessionStorage: a reload forgets nothing) ----

function loadUncertain() {
  let uncertain;
  try { uncertain = new Map(JSON.parse(sessionStorage.getItem(UNCERTAIN_STORAGE) || "[]")); } catch (_) { uncertain = new Map(); }
  // A reply still on its way when the tab was reloaded or closed: its answer is lost, and the
  // gateway runs it to its end. Kept as a lost answer is, with its key, so the same text goes
  // again under it (the gateway replays the outcome, or says the first still runs).
  let sending = [];
  try { sending = JSON.parse(sessionStorage.getItem(SENDING_STORAGE) || "[]"); } catch (_) { /* none */ }
  for (const [path, attempt] of sending) uncertain.set(path, attempt);
  try {
    sessionStorage.removeItem(SENDING_STORAGE);
    if (sending.length) sessionStorage.setItem(UNCERTAIN_STORAGE, JSON.stringify([...uncertain]));
  } catch (_) { /* memory only */ }
  return uncertain;
}

/** Keeps, for a reload of the tab, the replies whose POST is out now (`state.sendingReplies`). */
export function saveSending() {
  // An attempt whose answer came is not one a reload should take for lost.
  const sending = [...state.sendingReplies].filter(([, attempt]) => !attempt.settled).map(([path, attempt]) =>
    [path, { text: attempt.text, replace: attempt.replace, over: attempt.over, key: attempt.key, at: attempt.at }]);
  try {
    if (sending.length) sessionStorage.setItem(SENDING_STORAGE, JSON.stringify(sending));
    else sessionStorage.removeItem(SENDING_STORAGE);
  } catch (_) { /* memory only */ }
}

export function saveUncertain() {
  try { sessionStorage.setItem(UNCERTAIN_STORAGE, JSON.stringify([...state.uncertainReplies])); } catch (_) { /* memory only */ }
}
