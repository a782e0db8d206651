#!/usr/bin/env python3
"""deploy/nginx.conf in front of the real connector-gateway binary, end to end on loopback.

Starts the gateway (a config file with one tenant and trusted_proxies ["127.0.0.1/32"]) and nginx
with deploy/nginx.conf templated to the gateway's port and to a temporary directory for its pid,
logs and temp files (so it runs without root), then checks what a client would notice:
  1. responses pass through unchanged: 200 /healthz and /connectors, 401 and 404 problem+json
     (status, Content-Type, WWW-Authenticate and body identical to asking the gateway directly);
  2. nginx keeps upstream connections alive: 50 requests through nginx, each on a new client
     connection, reach the gateway on a few connections (the access log's `connection` field);
  3. the client's X-Request-ID reaches the gateway's log, and one nginx made up does too; one
     found inside the request's key, or holding it, is replaced; one the gateway refuses is
     logged by nginx as the gateway's; HTTP/1.0 without Host is passed on with one; nginx's own
     log has the path, never a key a client put in the query;
  4. the gateway logs the real client behind nginx (`client`), not a spoofed X-Forwarded-For;
     asked directly from an untrusted peer, or with trusted_proxies empty, it ignores the header;
  5. a body over 1 MiB gets nginx's 413 problem+json, the same status and code as the gateway's;
  5b. a request line nginx cannot read (400), too long (414) or of HTTP/2.0 (505), an internal
      URI asked from outside (404) and TRACE (405) are problem+json too, and /metrics is not
      served through it;
  6. with the gateway stopped, nginx answers 502 problem+json `gateway_unavailable`, retryable
     for a read and not for a write.
Usage: nginx_check.py GATEWAY_BINARY (from .ci/nginx-check.sh).
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KEY = "nginx-check-key-0123456789"
failures = []


def check(condition, message):
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, headers=None, body=None, source="127.0.0.1"):
    """One request on a new connection; returns (status, headers dict lower-cased, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


def raw_exchange(port, data):
    """Sends bytes as they are on a new connection and reads until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(data)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    return answer


class Gateway:
    def __init__(self, binary, work, name, trusted):
        digest = subprocess.run([binary, "hash-key"], input=KEY + "\n", capture_output=True, text=True,
                                check=True).stdout.strip()
        self.config = os.path.join(work, name + ".json")
        with open(self.config, "w") as f:
            json.dump({"listen": {"host": "127.0.0.1", "port": 0},
                       "cursor_secret": "nginx-check-cursor-secret",
                       "tenants": [{"id": "acme", "api_key_sha256": [digest],
                                    "rate_limit": {"rate": 1000, "burst": 1000}}],
                       "trusted_proxies": trusted}, f)
        self.log_path = os.path.join(work, name + ".log")
        self.log = open(self.log_path, "w")
        env = dict(os.environ, PORT="0", GATEWAY_CONFIG=self.config, GATEWAY_STATIC_ROOT=ROOT)
        self.process = subprocess.Popen([binary], stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.port = None
        for _ in range(100):
            match = re.search(r'"listen":"127\.0\.0\.1:(\d+)"', open(self.log_path).read())
            if match:
                self.port = int(match.group(1))
                break
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        if self.port is None:
            sys.exit("the gateway did not start:\n" + open(self.log_path).read())

    def entries(self, request_ids, wait=5.0):
        """The access-log lines (parsed) for these request ids, waiting for them to be written."""
        wanted = set(request_ids)
        deadline = time.time() + wait
        while True:
            found = {}
            for line in open(self.log_path):
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("request_id") in wanted:
                    found[entry["request_id"]] = entry
            if len(found) == len(wanted) or time.time() > deadline:
                return found
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Nginx:
    def __init__(self, work, upstream_port):
        self.port = free_port()
        self.work = work
        for directory in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(work, "nginx-temp", directory), exist_ok=True)
        text = open(os.path.join(ROOT, "deploy", "nginx.conf")).read()
        temp = os.path.join(work, "nginx-temp")
        templated = (text.replace("server gateway:8080;", f"server 127.0.0.1:{upstream_port};")
                     .replace("listen 80;", f"listen 127.0.0.1:{self.port};")
                     .replace("error_log /dev/stderr", f"error_log {work}/nginx-error.log")
                     .replace("access_log /dev/stdout", f"access_log {work}/nginx-access.log")
                     .replace("http {", "http {\n" + "".join(
                         f"    {kind}_temp_path {temp}/{directory};\n" for kind, directory in
                         [("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
                          ("uwsgi", "uwsgi"), ("scgi", "scgi")]), 1))
        for original in ("server gateway:8080;", "listen 80;", "error_log /dev/stderr", "access_log /dev/stdout"):
            if original not in text:
                sys.exit(f"deploy/nginx.conf no longer contains '{original}', which this test replaces")
        self.config = os.path.join(work, "nginx.conf")
        with open(self.config, "w") as f:
            f.write(templated)
        globals_ = f"daemon off; pid {work}/nginx.pid;" + (" user root;" if os.geteuid() == 0 else "")
        command = ["nginx", "-p", work, "-c", self.config, "-e", f"{work}/nginx-error.log", "-g", globals_]
        test = subprocess.run(command + ["-t"], capture_output=True, text=True)
        if test.returncode != 0:
            sys.exit("nginx -t refused the templated deploy/nginx.conf:\n" + test.stderr)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        sys.exit("nginx did not start:\n" + open(f"{work}/nginx-error.log").read())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main():
    binary = os.path.abspath(sys.argv[1])
    if shutil.which("nginx") is None:
        sys.exit("nginx is not installed (apt-get install -y nginx-light)")
    work = tempfile.mkdtemp(prefix="nginx-check-")
    os.chmod(work, 0o755)
    started = []
    try:
        gateway = Gateway(binary, work, "gateway", ["127.0.0.1/32"])
        started.append(gateway)
        nginx = Nginx(work, gateway.port)
        started.append(nginx)
        print(f"gateway on 127.0.0.1:{gateway.port}, nginx on 127.0.0.1:{nginx.port} ({work})", flush=True)
        auth = {"Authorization": "Bearer " + KEY}

        print("1. responses pass through unchanged")
        cases = [("GET", "/healthz", {}, 200), ("GET", "/connectors", auth, 200),
                 ("GET", "/connectors", {}, 401), ("GET", "/connectors", {"Authorization": "Bearer wrong"}, 401),
                 ("GET", "/no/such/thing", auth, 404), ("DELETE", "/healthz", {}, 405)]
        for index, (method, path, headers, expected) in enumerate(cases):
            headers = dict(headers, **{"X-Request-ID": f"passthrough-{index}"})
            direct = request(gateway.port, method, path, headers)
            proxied = request(nginx.port, method, path, headers)
            label = f"{method} {path} ({expected})"
            check(direct[0] == expected and proxied[0] == expected, f"{label}: status {direct[0]} direct, {proxied[0]} via nginx")
            check(direct[2] == proxied[2] and len(proxied[2]) > 0, f"{label}: identical body ({len(proxied[2])} bytes)")
            for field in ("content-type", "www-authenticate", "allow", "x-request-id"):
                check(direct[1].get(field) == proxied[1].get(field),
                      f"{label}: {field} {proxied[1].get(field)!r} equals the gateway's")
            if expected >= 400:
                check(proxied[1].get("content-type", "").startswith("application/problem+json"), f"{label}: problem+json")

        print("2. upstream connections are reused")
        ids = [f"reuse-{n}" for n in range(50)]
        statuses = [request(nginx.port, "GET", "/connectors", dict(auth, **{"X-Request-ID": i}))[0] for i in ids]
        check(statuses == [200] * 50, f"50 requests through nginx, each on a new client connection, all 200 ({set(statuses)})")
        entries = gateway.entries(ids)
        connections = {entries[i].get("connection") for i in entries}
        check(len(entries) == 50, f"the gateway logged all 50 ({len(entries)})")
        check(None not in connections and 1 <= len(connections) <= 4,
              f"they reached the gateway on {len(connections)} upstream connection(s), at most 4 allowed")

        print("3. request ids reach the gateway")
        status, headers, _ = request(nginx.port, "GET", "/healthz", {"X-Request-ID": "client-chosen-id-42"})
        check(headers.get("x-request-id") == "client-chosen-id-42", "the client's id is echoed")
        check("client-chosen-id-42" in gateway.entries(["client-chosen-id-42"]), "the client's id is in the gateway's log")
        status, headers, _ = request(nginx.port, "GET", "/healthz")
        made_up = headers.get("x-request-id", "")
        check(re.fullmatch(r"[0-9a-f]{32}", made_up) is not None, f"without one nginx makes one up ({made_up})")
        check(made_up in gateway.entries([made_up]), "and the gateway logs the same id")
        status, headers, _ = request(nginx.port, "GET", "/healthz", {"X-Request-ID": "bad id\"}"})
        check(re.fullmatch(r"[0-9a-f]{32}", headers.get("x-request-id", "")) is not None,
              "an unusable client id is replaced by nginx's")
        status, headers, _ = request(nginx.port, "GET", "/connectors", dict(auth, **{"X-Request-ID": KEY[-12:]}))
        replaced = headers.get("x-request-id", "")
        check(status == 200 and re.fullmatch(r"[0-9a-f]{32}", replaced) is not None,
              f"an id found inside the request's key is replaced by nginx's, not echoed ({replaced})")
        check(replaced in gateway.entries([replaced]), "and the gateway logs that one")
        for name, field in (("Authorization", "Bearer " + KEY), ("X-API-Key", KEY)):
            status, headers, _ = request(nginx.port, "GET", "/connectors", {name: field, "X-Request-ID": "trace." + KEY})
            replaced = headers.get("x-request-id", "")
            check(status == 200 and re.fullmatch(r"[0-9a-f]{32}", replaced) is not None,
                  f"an id holding the {name} key is replaced by nginx's ({replaced})")
        # Without the key in the request nginx cannot tell, and the gateway keeps the id like any
        # other (a fresh one would tell a guesser the guess is a key), writing it [redacted] in its
        # own log; nginx's line holds the id the client sent, as it holds the client's other fields.
        status, headers, _ = request(nginx.port, "GET", "/healthz", {"X-Request-ID": KEY})
        echoed = headers.get("x-request-id", "")
        check(status == 200 and echoed == KEY, f"an id that is a configured key is echoed as any id is, telling a guesser nothing ({echoed})")
        check("[redacted]" in gateway.entries(["[redacted]"]), "and the gateway's log writes it [redacted]")
        request(nginx.port, "GET", f"/connectors?api_key={KEY}", {"X-Request-ID": "key-in-query"})
        lines = []
        for _ in range(100):
            lines = [json.loads(line) for line in open(os.path.join(work, "nginx-access.log")) if "key-in-query" in line]
            if lines:
                break
            time.sleep(0.05)
        check(len(lines) == 1 and lines[0].get("path") == "/connectors",
              f"nginx logs the path of a request with a key in its query ({lines[:1]})")
        check(lines and KEY not in json.dumps(lines[0]), "and that line does not hold the key")
        answer = raw_exchange(nginx.port, b"GET /healthz HTTP/1.0\r\n\r\n")
        check(answer.startswith(b"HTTP/1.1 200"), f"HTTP/1.0 without Host reaches the gateway ({answer[:40]!r})")

        print("4. the client address behind nginx; spoofed X-Forwarded-For ignored")
        request(nginx.port, "GET", "/healthz", {"X-Request-ID": "via-nginx", "X-Forwarded-For": "6.6.6.6"}, source="127.0.0.2")
        entry = gateway.entries(["via-nginx"]).get("via-nginx", {})
        check(entry.get("client") == "127.0.0.2",
              f"client 127.0.0.2 via nginx with a spoofed 6.6.6.6 is logged as {entry.get('client')!r}")
        request(gateway.port, "GET", "/healthz", {"X-Request-ID": "direct-trusted", "X-Forwarded-For": "203.0.113.9"})
        entry = gateway.entries(["direct-trusted"]).get("direct-trusted", {})
        check(entry.get("client") == "203.0.113.9",
              f"from the trusted peer 127.0.0.1 X-Forwarded-For is believed ({entry.get('client')!r})")
        request(gateway.port, "GET", "/healthz", {"X-Request-ID": "direct-untrusted", "X-Forwarded-For": "6.6.6.6"}, source="127.0.0.2")
        entry = gateway.entries(["direct-untrusted"]).get("direct-untrusted", {})
        check(entry.get("client") == "127.0.0.2",
              f"from the untrusted peer 127.0.0.2 a spoofed 6.6.6.6 is ignored ({entry.get('client')!r})")
        untrusting = Gateway(binary, work, "gateway-untrusting", [])
        started.append(untrusting)
        request(untrusting.port, "GET", "/healthz", {"X-Request-ID": "none-trusted", "X-Forwarded-For": "6.6.6.6"})
        entry = untrusting.entries(["none-trusted"]).get("none-trusted", {})
        check(entry.get("client") == "127.0.0.1",
              f"with trusted_proxies empty a spoofed 6.6.6.6 is ignored, client {entry.get('client')!r}")
        untrusting.stop()

        print("5. nginx's own errors are problem+json")
        big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
        direct = request(gateway.port, "POST", "/connectors", dict(auth, **{"Content-Type": "application/json"}), big)
        proxied = request(nginx.port, "POST", "/connectors", dict(auth, **{"Content-Type": "application/json", "X-Request-ID": "too-big"}), big)
        body = json.loads(proxied[2] or b"{}")
        check(proxied[0] == 413 == direct[0], f"a body over 1 MiB: {proxied[0]} via nginx, {direct[0]} direct")
        check(proxied[1].get("content-type") == "application/problem+json", "nginx's 413 is application/problem+json")
        check(body.get("code") == json.loads(direct[2]).get("code") == "payload_too_large" and body.get("status") == 413
              and body.get("request_id") == "too-big", f"with the gateway's code and the request id ({body})")

        print("5b. a request line nginx cannot read, or too long, and /metrics: problem+json too")
        status, headers, data = request(nginx.port, "GET", "/connectors?" + "q=" + "x" * 9000, {"X-Request-ID": "too-long"})
        body = json.loads(data or b"{}")
        # nginx reads no header of a request line it refuses: the id is its own.
        check(status == 414 and headers.get("content-type") == "application/problem+json" and body.get("code") == "uri_too_long"
              and body.get("request_id") == headers.get("x-request-id"), f"a 9 KB target: {status} {headers.get('content-type')} {body}")
        answer = raw_exchange(nginx.port, b"GARBAGE\r\n\r\n")
        head, _, rest = answer.partition(b"\r\n\r\n")
        check(head.startswith(b"HTTP/1.1 400") and b"application/problem+json" in head and b'"code":"invalid_request"' in rest,
              f"a malformed request line: {head.splitlines()[:1]} {rest[:80]!r}")
        status, headers, data = request(nginx.port, "GET", "/metrics")
        check(status == 404 and json.loads(data or b"{}").get("code") == "not_found", f"/metrics through nginx: {status}")
        status, headers, data = request(nginx.port, "GET", "/_problem/400", {"X-Request-ID": "internal-uri"})
        body = json.loads(data or b"{}") if headers.get("content-type") == "application/problem+json" else {}
        check(status == 404 and body.get("code") == "not_found" and body.get("request_id") == "internal-uri",
              f"an internal URI asked from outside: {status} {headers.get('content-type')} {body}")
        status, headers, data = request(nginx.port, "TRACE", "/healthz", {"X-Request-ID": "trace-method"})
        body = json.loads(data or b"{}") if headers.get("content-type") == "application/problem+json" else {}
        check(status == 405 and body.get("code") == "method_not_allowed" and body.get("status") == 405,
              f"TRACE, which nginx refuses itself: {status} {headers.get('content-type')} {body}")
        lines = []
        for _ in range(100):
            lines = [json.loads(line) for line in open(os.path.join(work, "nginx-access.log")) if '"too-big"' in line]
            if lines:
                break
            time.sleep(0.05)
        check(len(lines) == 1 and lines[0].get("path") == "/connectors" and lines[0].get("status") == 413,
              f"nginx logs the path of a body it refused ({lines[:1]})")
        answer = raw_exchange(nginx.port, b"GET /connectors/ozon/chat?cursor=k HTTP/1.1\r\nX-Request-ID: bad-host\r\nHost: a/b\r\n\r\n")
        lines = []
        for _ in range(100):
            lines = [json.loads(line) for line in open(os.path.join(work, "nginx-access.log")) if '"bad-host"' in line]
            if lines:
                break
            time.sleep(0.05)
        check(answer.startswith(b"HTTP/1.1 400") and len(lines) == 1 and lines[0].get("path") == "/connectors/ozon/chat",
              f"and of a request with a bad Host, not its internal error page's ({answer[:12]!r} {lines[:1]})")
        answer = raw_exchange(nginx.port, b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n")
        head, _, rest = answer.partition(b"\r\n\r\n")
        check(head.startswith(b"HTTP/1.1 505") and b"application/problem+json" in head and b'"code":"http_version_not_supported"' in rest,
              f"HTTP/2.0 in a request line: {head.splitlines()[:1]} {rest[:80]!r}")

        print("6. the gateway is down: 502 problem+json")
        gateway.stop()
        status, headers, data = request(nginx.port, "GET", "/connectors", dict(auth, **{"X-Request-ID": "down-1"}))
        body = json.loads(data or b"{}")
        check(status == 502, f"status {status}")
        check(headers.get("content-type") == "application/problem+json", f"Content-Type {headers.get('content-type')!r}")
        check(body.get("type") == "/problems/gateway_unavailable" and body.get("code") == "gateway_unavailable"
              and body.get("status") == 502 and body.get("title") and body.get("detail")
              and body.get("request_id") == "down-1" and body.get("retryable") is True,
              f"body {body}")
        check(headers.get("x-request-id") == "down-1" and headers.get("retry-after") == "5", "X-Request-ID and Retry-After")
        status, headers, data = request(nginx.port, "POST", "/connectors/ozon/review/items/x/reply",
                                        dict(auth, **{"Content-Type": "application/json"}), b'{"text":"hello there"}')
        body = json.loads(data or b"{}")
        check(status == 502 and body.get("retryable") is False and "retry_after" not in body and "retry-after" not in headers,
              f"a write nginx could not pass on is not said to be retryable, nor given a time to retry ({status} {body})")
        status, headers, data = request(nginx.port, "POST", "/connectors/ozon/review/items",
                                        dict(auth, **{"Content-Type": "application/json"}), b'{"limit":5}')
        check(status == 502 and json.loads(data or b"{}").get("retryable") is True,
              f"a list asked by POST, a read, is ({status})")
    finally:
        for thing in reversed(started):
            thing.stop()
        if failures:
            print(f"kept {work} for inspection", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("deploy/nginx.conf: all checks passed")


if __name__ == "__main__":
    main()
