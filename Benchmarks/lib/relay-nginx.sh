# nginx as a bare relay, for proxy-floor.sh and RELAY=1 gateway-bench.sh: one worker pinned to a
# core, upstream keep-alive, no access log, nothing parsed beyond what relaying needs.
# Sourced; defines
#   relay_nginx_conf DIR LISTEN_PORT UPSTREAM_PORT CORE
#     writes DIR/nginx.conf (its error log and pid file in DIR too) for `nginx -c DIR/nginx.conf -p DIR`;
#   relay_nginx_wait LISTEN_PORT CLIENT_ID API_KEY BODY
#     waits (up to 5 s) until the relay answers the simulator's /v2/review/list with BODY.
relay_nginx_conf() {
  local dir=$1 listen=$2 upstream=$3 core=$4 affinity=1 i
  for ((i = 0; i < core; i++)); do affinity="${affinity}0"; done
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity $affinity;
daemon off;
error_log $dir/nginx-error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    upstream simulator { server 127.0.0.1:$upstream; keepalive 64; }
    server {
        listen 127.0.0.1:$listen;
        location / {
            proxy_pass http://simulator;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF
}

relay_nginx_wait() {
  local listen=$1 client_id=$2 api_key=$3 body=$4
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -H "Client-Id: $client_id" -H "Api-Key: $api_key" \
      -d "$body" "http://127.0.0.1:$listen/v2/review/list" && return 0
    sleep 0.1
  done
}
