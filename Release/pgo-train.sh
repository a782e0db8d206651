#!/usr/bin/env bash
# The training run of the profile-guided build (Release/build.sh): starts a connector-gateway built
# with -ir-profile-generate in demo mode and sends it, over loopback, the mix of requests a
# deployment serves, so that the profile it writes when it exits weights the code users run. Every
# connector lists (GET and POST, with and without a cursor), reads one item, replies (with an
# Idempotency-Key, and once again to replay it), marks read and asks for updates; the registry,
# the probes, /metrics and the common refusals (401, 404, 405, 415, 429, invalid fields) are
# asked too. Rounds of ~1 s keep the demo tenant within its 50 requests/s and the Wildberries
# calls within their budgets, so the profile is of answered requests, not of waits; ~25 s in all.
# Prints how many requests were answered with which status.
#
# Needs only bash (its /dev/tcp), so that it also runs in the image's build stage.
#   bash Release/pgo-train.sh BINARY PROFILE_FILE
set -euo pipefail
export LC_ALL=C # ${#body} is then the body's length in bytes
binary=$1
profile=$2
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=${PGO_TRAIN_ROUNDS:-18}
work=$(mktemp -d)
cleanup() { kill "${server:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "pgo-train: $*" >&2; [[ -s "$work/server.log" ]] && tail -5 "$work/server.log" >&2; exit 1; }

env -u GATEWAY_CONFIG -u GATEWAY_DEMO LLVM_PROFILE_FILE="$profile" HOST=127.0.0.1 PORT=0 GATEWAY_STATIC_ROOT="$root" \
  "$binary" serve >"$work/server.log" 2>&1 &
server=$!

# One request's bytes into $REPLY: method, target, JSON body ('' for none), an extra header line,
# and the key ('-' for none). (Built with printf -v: a command substitution would drop the
# request's final CRLF.)
request() {
  local method=$1 target=$2 body=${3:-} extra=${4:-} key=${5:-demo-key} line
  printf -v REPLY '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n' "$method" "$target" "$port"
  if [[ "$key" != - ]]; then printf -v line 'Authorization: Bearer %s\r\n' "$key"; REPLY+=$line; fi
  if [[ -n "$extra" ]]; then REPLY+="$extra"$'\r\n'; fi
  if [[ -n "$body" ]]; then
    printf -v line 'Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#body}" "$body"
    REPLY+=$line
  else
    REPLY+=$'\r\n'
  fi
}
# Appends one request to the batch of the connection being made.
add() { request "$@"; batch+=("$REPLY"); }
# One connection: the batch pipelined, then a /healthz with `Connection: close`, and every answer
# read to the end of the stream.
exchange() {
  local fd
  request GET /healthz '' 'Connection: close' -
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s' "${batch[@]}" "$REPLY" >&"$fd"
  cat <&"$fd"
  exec {fd}>&-
}

# Port 0: any free one, which the start line names.
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$work/server.log" | head -1)
  [[ -z "$port" ]] || break
  kill -0 "$server" 2>/dev/null || fail "the gateway did not start"
  sleep 0.1
done
[[ -n "$port" ]] || fail "the gateway did not say where it listens"
batch=()
exchange >"$work/health"
grep -aq '"status":"ok"' "$work/health" || fail "the gateway does not answer /healthz on port $port"

# An item of each connector to read, reply to and mark read, and a cursor to page on with.
for connector in wildberries/review wildberries/question wildberries/chat ozon/review ozon/question ozon/chat; do
  name=${connector/\//-}
  batch=(); add GET "/connectors/$connector/items?limit=20"
  exchange >"$work/$name.page"
  # An item's own id is the member before its "marketplace" (a product's has none).
  grep -o '"id":"[^"]*","marketplace"' "$work/$name.page" | cut -d'"' -f4 >"$work/$name.ids" || true
  [[ -s "$work/$name.ids" ]] || fail "no item in $connector's first page"
  sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' "$work/$name.page" >"$work/$name.cursor"
done

item() { sed -n "$(( ($2 - 1) % $(wc -l <"$work/${1/\//-}.ids") + 1 ))p" "$work/${1/\//-}.ids"; }
reply() { # connector, id, Idempotency-Key
  local text
  case $1 in
    */chat) text='Здравствуйте! Заказ уже в пути, номер для отслеживания пришлём сегодня.' ;;
    */question) text='Да, размер соответствует таблице на странице товара.' ;;
    *) text='Спасибо за отзыв! Рады, что товар понравился.' ;;
  esac
  add POST "/connectors/$1/items/$2/reply" "{\"text\":\"$text\"}" "Idempotency-Key: \"$3\""
}

# The calls of one budget go on one connection: its answers come one after another, so they are
# paced by the budget rather than refused by it.
round() { # round number
  local r=$1 connector id cursor pids=()
  batch=()
  for connector in ozon/review ozon/question ozon/chat; do
    id=$(item "$connector" "$r"); cursor=$(cat "$work/${connector/\//-}.cursor")
    add GET "/connectors/$connector/items?limit=20"
    add GET "/connectors/$connector/items?limit=50&status=all"
    add POST "/connectors/$connector/items" '{"limit":20,"status":"unanswered"}'
    add GET "/connectors/$connector/items/$id"
    [[ -z "$cursor" ]] || add GET "/connectors/$connector/items?limit=20&cursor=$cursor"
    if (( r % 3 == 0 )); then
      reply "$connector" "$id" "train-$r-${connector/\//-}"
      reply "$connector" "$id" "train-$r-${connector/\//-}"
    fi
  done
  add POST "/connectors/ozon/chat/items/$(item ozon/chat "$r")/read"
  add GET "/connectors/ozon/chat/updates?limit=50"
  exchange >/dev/null &
  pids+=($!)

  batch=()
  connector=wildberries/review
  (( r % 2 == 0 )) && connector=wildberries/question
  id=$(item "$connector" "$r")
  add GET "/connectors/$connector/items?limit=20&status=unanswered"
  case $(( r % 3 )) in
    0) add GET "/connectors/$connector/items/$id" ;;
    1) reply "$connector" "$id" "train-$r-wb" ;;
    2) add POST "/connectors/wildberries/question/items/$(item wildberries/question "$r")/read" ;; # reviews have no mark_read
  esac
  exchange >/dev/null &
  pids+=($!)

  batch=()
  case $(( r % 4 )) in
    1) add GET "/connectors/wildberries/chat/items?limit=20" ;;
    3) add GET "/connectors/wildberries/chat/updates?limit=50" ;;
  esac
  exchange >/dev/null &
  pids+=($!)

  batch=()
  add GET /connectors; add GET /connectors; add GET /connectors
  add GET /connectors/ozon/review; add GET /connectors/wildberries/chat
  add HEAD /connectors; add OPTIONS /connectors
  add GET /readyz '' '' -
  add GET /connectors '' '' -                    # 401: no key
  add GET /connectors '' '' wrong-key            # 401: unknown key
  add GET /nowhere                               # 404
  add DELETE /connectors/ozon/review/items       # 405
  add GET '/connectors/ozon/review/items?limit=0'                  # refused: out of range
  add POST /connectors/ozon/review/items '{"limit":20,"colour":"red"}'   # refused: unknown field
  printf -v REPLY 'POST /connectors/ozon/chat/items/%s/reply HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer demo-key\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi' "$(item ozon/chat "$r")"
  batch+=("$REPLY")                              # 415
  if (( r % 6 == 0 )); then
    add GET /metrics '' '' -; add GET /openapi.yaml '' '' -; add GET /problems/rate_limited '' '' -
  fi
  exchange >/dev/null &
  pids+=($!)
  wait "${pids[@]}" # not a bare wait: the gateway is a child too
}

for r in $(seq 1 "$rounds"); do
  started=$SECONDS
  round "$r"
  (( SECONDS - started >= 1 )) || sleep 1
done
# The tenant's limit, met: 429s (a burst past 100).
batch=()
for _ in $(seq 1 120); do add GET /connectors; done
exchange >"$work/burst"
grep -aq 'HTTP/1.1 429 ' "$work/burst" || fail "a burst of 120 requests met no 429"

kill -TERM "$server"
wait "$server" || fail "the gateway did not exit 0 after SIGTERM"
server=
[[ -s "$profile" ]] || fail "no profile was written to $profile (was the binary built with -ir-profile-generate?)"
statuses=$(grep -ao '"status":[0-9]*' "$work/server.log" | cut -d: -f2 | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
echo "pgo-train: the profile of $(grep -ac '"status":' "$work/server.log") requests ($statuses) is in $profile"
