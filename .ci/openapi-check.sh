#!/usr/bin/env bash
# Checks openapi.yaml against the gateway that serves it: the document must be valid OpenAPI 3.1
# (openapi-spec-validator), and the demo gateway must answer every operation as the document says
# (schemathesis, every check on). Run from anywhere, after `swift test`: `bash .ci/openapi-check.sh`.
#
# Environment (all optional):
#   GATEWAY_SCRATCH_PATH  SwiftPM scratch path to build in (default .build)
#   GATEWAY_BIN           the connector-gateway binary (default $GATEWAY_SCRATCH_PATH/debug/connector-gateway)
#   OPENAPI_CHECK_VENV    virtualenv for the Python tools (default $GATEWAY_SCRATCH_PATH/openapi-check-venv)
#   OPENAPI_MAX_EXAMPLES  schemathesis test cases per operation (default 10)
#   OPENAPI_SCHEMATHESIS_ARGS  more schemathesis options, e.g. "--report har --report-dir /tmp/st"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

schemathesis_version=4.32.5
validator_version=0.9.0
scratch=${GATEWAY_SCRATCH_PATH:-.build}
gateway=${GATEWAY_BIN:-$scratch/debug/connector-gateway}
venv=${OPENAPI_CHECK_VENV:-$scratch/openapi-check-venv}
max_examples=${OPENAPI_MAX_EXAMPLES:-10}
[[ "$gateway" == /* ]] || gateway="$root/$gateway"
[[ "$venv" == /* ]] || venv="$root/$venv"

# shellcheck source=lib/demo-gateway.sh
source "$root/.ci/lib/demo-gateway.sh"

echo "== tools: schemathesis $schemathesis_version, openapi-spec-validator $validator_version"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv" || { echo "cannot create a Python virtualenv at $venv (install python3-venv)" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "schemathesis==$schemathesis_version" "openapi-spec-validator==$validator_version" "prometheus-client==0.21.1"

echo "== build connector-gateway (debug)"
timeout 900 swift build --product connector-gateway --scratch-path "$scratch"

echo "== validate openapi.yaml"
"$venv/bin/openapi-spec-validator" "$root/openapi.yaml"

echo "== start the demo gateway"
start_demo_gateway "$gateway" "$root"
curl -fs --max-time 2 -o /dev/null "$base/openapi.yaml" || { echo "$base/openapi.yaml is not served" >&2; exit 1; }
echo "demo gateway at $base"

# What a schema cannot say, told to schemathesis:
# - positive_data_acceptance: a schema-valid request may also be refused for the state of what
#   it names: 422 upstream_rejected (e.g. a review whose answer was already edited once) or
#   idempotency_mismatch (409 idempotency_conflict is in schemathesis's default list already);
#   and 412 precondition_failed for a static file's If-Match naming any tag but the file's
#   current ETag, which no schema can know.
# - markItemRead: 501 operation_not_supported is the documented answer of connectors that
#   cannot mark read (GET /connectors lists each one's operations).
cat >"$work/schemathesis.toml" <<'EOF'
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"]

[[operations]]
include-operation-id = "markItemRead"
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "501"]
EOF
# Three inputs the schema alone cannot make valid, which the hooks below supply:
# - replace: true is valid only on the connectors whose replies replace an answer (the listing's
#   reply_replaces), 400 elsewhere: there it is sent as false;
# - cursors are sealed: only one a response issued (for the same connector and kind of listing)
#   is valid, and a list cursor carries its listing's status and since (a page that gives other
#   ones is 400), so a generated cursor that no response gave, or one issued for other filters,
#   is replaced by "" (from the start);
# - an Idempotency-Key is bound to the first request that used it (a reuse with another request
#   is 422), so a well-formed generated key is replaced by one derived from the request itself:
#   a repeated request still replays, a different one never collides.
cat >"$work/openapi_check_hooks.py" <<'EOF'
import hashlib
import json
import re

import schemathesis

_issued = {}
# The connectors whose replies may replace an answer (reply_replaces in GET /connectors).
_REPLACING = {("wildberries", "review"), ("wildberries", "question")}
_KEY = re.compile(r'^("([ !#-\[\]-~]|\\["\\]){1,255}"|[!#-~]{1,255})$')


def _cursor_scope(case):
    params = case.path_parameters or {}
    kind = "updates" if case.operation.path.endswith("/updates") else "items"
    return (params.get("marketplace"), params.get("channel"), kind)


def _fields(case, names):
    given = {}
    for container in (case.query, case.body):
        if isinstance(container, dict):
            for name in names:
                if container.get(name) is not None:
                    given[name] = container[name]
    return given


@schemathesis.hook
def after_call(ctx, case, response):
    try:
        body = response.json()
    except Exception:
        return
    if isinstance(body, dict) and isinstance(body.get("next_cursor"), str):
        issued = _issued.setdefault(_cursor_scope(case), {})
        used = _fields(case, ("cursor",)).get("cursor")
        listing = dict(issued.get(used, {"status": "all"}))
        listing.update(_fields(case, ("status", "since")))
        issued[body["next_cursor"]] = listing


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.operation.path.endswith("/reply") and isinstance(case.body, dict) and case.body.get("replace") is True:
        params = case.path_parameters or {}
        if (params.get("marketplace"), params.get("channel")) not in _REPLACING:
            case.body["replace"] = False
    if case.operation.path.endswith(("/items", "/updates")):
        issued = _issued.get(_cursor_scope(case), {})
        given = _fields(case, ("status", "since"))
        for container in (case.query, case.body):
            if isinstance(container, dict) and isinstance(container.get("cursor"), str):
                listing = issued.get(container["cursor"])
                if listing is None or any(listing.get(name) != value for name, value in given.items()):
                    container["cursor"] = ""
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and _KEY.match(value):
            request = json.dumps([case.method, case.formatted_path, case.body], sort_keys=True, default=str)
            key = "st-" + hashlib.sha256(request.encode()).hexdigest()[:40]
            headers[name] = f'"{key}"' if value.startswith('"') else key
EOF

echo "== schemathesis ($max_examples cases per operation, every check)"
# From the scratch directory, so that no cache or report lands in the repository. The demo
# tenant allows 50 requests/s (burst 100): 40/s stays under it.
status=0
(
  cd "$work"
  SCHEMATHESIS_HOOKS=openapi_check_hooks PYTHONPATH="$work" timeout 300 "$venv/bin/schemathesis" \
    --config-file "$work/schemathesis.toml" run "$root/openapi.yaml" \
    --url "$base" -H 'Authorization: Bearer demo-key' \
    --checks all --max-examples "$max_examples" --generation-deterministic \
    --rate-limit 40/s --workers 1 --no-color ${OPENAPI_SCHEMATHESIS_ARGS:-}
) || status=$?

echo "== /metrics, read by prometheus-client's own text parser"
curl -fs --max-time 5 "$base/metrics" > "$work/metrics.txt"
"$venv/bin/python" - "$work/metrics.txt" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
families = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
expected = {
    "gateway_requests": "counter", "gateway_request_duration_seconds": "histogram",
    "gateway_upstream_calls": "counter", "gateway_upstream_call_duration_seconds": "histogram",
    "gateway_upstream_retries": "counter", "gateway_rate_limited": "counter",
    "gateway_idempotent_replays": "counter", "gateway_open_connections": "gauge",
    "gateway_upstream_circuit_open": "gauge",
}
missing = [f"{name} ({kind})" for name, kind in expected.items() if name not in families or families[name].type != kind]
if missing:
    sys.exit("metrics missing or of the wrong type: " + ", ".join(missing))
requests = families["gateway_requests"].samples
if not any(s.labels.get("status_class") == "2xx" and s.labels.get("route", "").startswith("/connectors") for s in requests):
    sys.exit("no 2xx request counted on a /connectors route after the schemathesis run")
calls = families["gateway_upstream_calls"].samples
if not any(s.labels.get("marketplace") in ("wildberries", "ozon") and s.labels.get("outcome") == "success" for s in calls):
    sys.exit("no successful upstream call counted")
print(f"metrics: {len(families)} families parsed, {sum(len(f.samples) for f in families.values())} samples")
PY

echo "== stop the gateway"
stop_gateway
[[ $status -eq 0 ]] || { echo "schemathesis found the gateway and openapi.yaml disagree (exit $status)" >&2; exit 1; }
echo "openapi.yaml: valid, and the demo gateway answers as it says"
