# nginx as a bare relay, for proxy-floor.sh and RELAY=1 gateway-bench.sh: one worker pinned to a
# core, upstream keep-alive, no access log, nothing parsed beyond what relaying needs.
# Sourced; defines
#   relay_nginx_conf DIR LISTEN_PORT UPSTREAM_PORT CORE
# which writes DIR/nginx.conf (its error log and pid file in DIR too) for `nginx -c DIR/nginx.conf -p DIR`.
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
