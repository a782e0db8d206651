// The API client: one call to the gateway's own REST API (same origin) under the entered key,
// a refusal as a `Failure` carrying its RFC 9457 problem+json body when there is one, and the
// paths of connectors and items.

import { state } from "./state.js";

export class Failure extends Error {
  constructor(status, problem, requestId, message, retryAfter, replayed) {
    super(message || (problem && problem.title) || ("HTTP " + status));
    this.status = status;
    this.problem = problem;
    this.requestId = requestId;
    this.retryAfter = retryAfter || null;  // seconds, from a Retry-After of delay-seconds
    // The gateway's stored answer to an earlier attempt under the same Idempotency-Key.
    this.replayed = Boolean(replayed);
  }
}

export async function api(method, path, options) {
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
    // A refusal that is no problem of the gateway's (a proxy's 429 or 503) may still say when
    // to come back, in its header alone.
    const header = (response.headers.get("Retry-After") || "").trim();
    const retryAfter = /^\d{1,9}$/.test(header) ? Number(header) : null;
    const replayed = (response.headers.get("Idempotent-Replayed") || "").trim().toLowerCase() === "true";
    throw new Failure(response.status, problem, requestId, undefined, retryAfter, replayed);
  }
  return { status: response.status, data, requestId };
}

export const connectorPath = (c) => `/connectors/${encodeURIComponent(c.marketplace)}/${encodeURIComponent(c.channel)}`;
export const itemPath = (c, id) => `${connectorPath(c)}/items/${encodeURIComponent(id)}`;
