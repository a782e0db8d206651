#!/usr/bin/env python3
"""HTTPS to a marketplace, through the binary the image runs: URLSession over libcurl, TLS, and the
system's CA store, which no other check reaches (the demo's simulators are plain http, served by
the gateway's own client).

A stub Wildberries feedbacks host answers over TLS on loopback with a certificate for 127.0.0.1
issued by a CA made for this run. The gateway runs with a configuration whose `feedbacks_url` is
that https address, and checks what a user would notice:
  1. with the run's CA in the system store (the process's own mount namespace, where
     /etc/ssl/certs is replaced by a folder holding only that CA: the host's store is untouched),
     a review list answers 200 with the stub's review, and the stub saw the tenant's token;
  2. with the host's own store, which does not know that CA, the certificate is refused: the list
     answers problem+json naming the upstream, no request reaches the stub, and the token is not
     sent anywhere.
Needs openssl, unshare and mount (util-linux) and root, for the mount namespace; without root it
says so and exits 0 with nothing checked, as a developer's machine may not allow it.
Usage: tls_check.py GATEWAY_BINARY (from .ci/container-check.sh).
"""
import hashlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

KEY = "tls-check-key-0123456789"
TOKEN = "tls-check-wildberries-token-0123456789"
failures = []


def check(condition, message):
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*arguments, cwd):
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certificates(folder):
    """A CA and a server certificate for IP 127.0.0.1 that it signed; returns the CA's PEM path."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tls-check CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
            "-out", "server.csr", cwd=folder)
    with open(os.path.join(folder, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "server.ext", "-out", "server.pem", cwd=folder)
    return os.path.join(folder, "ca.pem")


def feedbacks_answer(path):
    """One unanswered review; none answered or archived (the list asks all three)."""
    review = {"id": "tlsCheckFeedback01", "text": "Arrived over TLS.", "pros": "", "cons": "",
              "productValuation": 5, "createdDate": "2026-12-01T10:00:00Z", "answer": None,
              "state": "none", "wasViewed": False, "userName": "Checker",
              "productDetails": {"nmId": 1234567, "productName": "Cable", "supplierArticle": "C-1",
                                 "brandName": "Acme", "imtId": 7654321, "size": "0"}}
    unanswered = path.startswith("/api/v1/feedbacks?") and "isAnswered=false" in path
    return {"data": {"countUnanswered": 1, "countArchive": 0, "feedbacks": [review] if unanswered else []},
            "error": False, "errorText": "", "additionalErrors": None}


class Stub(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def do_GET(self):
        Stub.seen.append((self.path, self.headers.get("Authorization")))
        known = self.path.startswith(("/api/v1/feedbacks?", "/api/v1/feedbacks/archive?"))
        body = json.dumps(feedbacks_answer(self.path)).encode()
        if not known:
            body = b'{"data":null,"error":true,"errorText":"not found","additionalErrors":null}'
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


def start_stub(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(folder, "server.pem"), os.path.join(folder, "server.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def ca_store(folder, ca):
    """A folder laid out as Debian's /etc/ssl/certs: the bundle libcurl reads and hashed links."""
    store = os.path.join(folder, "certs")
    os.mkdir(store)
    shutil.copy(ca, os.path.join(store, "ca-certificates.crt"))
    shutil.copy(ca, os.path.join(store, "tls-check-ca.pem"))
    subprocess.run(["openssl", "rehash", store], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return store


def start_gateway(binary, config, port, log, store=None):
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GATEWAY_CONFIG": config,
                   "HOST": "127.0.0.1", "PORT": str(port), "WB_TOKEN": TOKEN}
    command = [binary, "serve"]
    if store:
        # A private mount namespace: /etc/ssl/certs is the run's store for this process only.
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   'mount --bind "$0" /etc/ssl/certs && exec "$@"', store, *command]
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"tls-check: the gateway exited at start-up ({process.returncode})")
            time.sleep(0.1)
    raise SystemExit("tls-check: the gateway did not listen")


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def list_reviews(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/connectors/wildberries/review/items?limit=5",
                           headers={"Authorization": f"Bearer {KEY}"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: tls_check.py GATEWAY_BINARY")
    binary = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        print("tls-check: skipped, a private mount namespace needs root (CI runs as root)")
        return
    folder = tempfile.mkdtemp(prefix="tls-check-")
    try:
        ca = make_certificates(folder)
        stub = start_stub(folder)
        config = os.path.join(folder, "gateway.json")
        with open(config, "w") as f:
            json.dump({"cursor_secret": "tls-check-cursor-secret-0123456789abcdef",
                       "tenants": [{"id": "tls", "api_key_sha256": [hashlib.sha256(KEY.encode()).hexdigest()],
                                    "rate_limit": {"rate": 50, "burst": 100},
                                    "credentials": {"wildberries": {"token": "${WB_TOKEN}"}}}],
                       "marketplaces": {"wildberries": {"feedbacks_url": f"https://127.0.0.1:{stub.server_address[1]}"}}},
                      f)
        store = ca_store(folder, ca)

        print("== the run's CA in the gateway's store")
        port = free_port()
        with open(os.path.join(folder, "trusted.log"), "wb") as log:
            gateway = start_gateway(binary, config, port, log, store)
            try:
                status, content_type, body = list_reviews(port)
            finally:
                stop(gateway)
        check(status == 200, f"the list over https answered {status} {body[:300]!r}")
        items = json.loads(body).get("items", []) if status == 200 else []
        check([item.get("id") for item in items] == ["tlsCheckFeedback01"], f"the stub's review came back: {[item.get('id') for item in items]}")
        print("  asked of the stub:", ", ".join(path for path, _ in Stub.seen))
        check(any(path.startswith("/api/v1/feedbacks?") and authorization == TOKEN for path, authorization in Stub.seen),
              f"the stub was asked for feedbacks with the tenant's token ({len(Stub.seen)} requests)")

        print("== the host's own store, which does not know the run's CA")
        Stub.seen.clear()
        port = free_port()
        with open(os.path.join(folder, "untrusted.log"), "wb") as log:
            gateway = start_gateway(binary, config, port, log)
            try:
                status, content_type, body = list_reviews(port)
            finally:
                stop(gateway)
        problem = json.loads(body) if content_type.startswith("application/problem+json") else {}
        check(status in (502, 503) and problem.get("code") in ("upstream_error", "upstream_unavailable"),
              f"an unverifiable certificate is refused: {status} {problem.get('code')} {problem.get('detail', '')!r}")
        upstream = problem.get("upstream")
        check(isinstance(upstream, dict) and upstream.get("marketplace") == "wildberries",
              f"the problem names the upstream: {upstream!r}")
        check(not Stub.seen, f"no request reached the stub over an unverified connection ({len(Stub.seen)})")
        with open(os.path.join(folder, "untrusted.log"), "rb") as f:
            check(TOKEN.encode() not in f.read() and TOKEN.encode() not in body, "the token is in neither the log nor the answer")
        stub.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failures:
        print(f"tls-check: {len(failures)} failed", file=sys.stderr)
        sys.exit(1)
    print("tls-check: all passed")


if __name__ == "__main__":
    main()
