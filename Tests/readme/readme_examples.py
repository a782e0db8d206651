#!/usr/bin/env python3
"""README.md's "Calling it" examples, run as a newcomer would run them, against the demo gateway.

Reads the first ```sh block after "## Calling it", joins its continued lines, sets its variables
(K, G; G is pointed at the gateway given), and runs every curl line through curl itself, with the
README's placeholders filled as the README says to fill them: `ID` with an item the same
connector lists, `…` with the `next_cursor` the same listing (or updates call) returns. Then it
checks what the README promises:
  1. each answers 200, or the status its comment starts with (`# 204`), and a comment that starts
     with a JSON object (`# {"status":"ok"}`) is the exact body;
  2. JSON routes answer parseable JSON of the documented shape: lists `items` and `next_cursor`,
     updates also `has_more`; the public routes their own media types;
  3. every response carries X-Request-ID; every authenticated one RateLimit-Policy and RateLimit;
  4. the example with an Idempotency-Key, sent again, replays the first answer
     (`Idempotent-Replayed: true`, the same status and body);
  5. every operation openapi.yaml declares under /connectors (OPTIONS aside), and the public
     routes the block names, has at least one example.
Usage: readme_examples.py BASE_URL (from .ci/readme-check.sh, with the demo gateway running).
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def calling_it_block(readme):
    start = readme.index("## Calling it")
    begin = readme.index("```sh\n", start) + len("```sh\n")
    return readme[begin:readme.index("```", begin)]


def logical_lines(block):
    current = ""
    for raw in block.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip() and not current.strip().startswith("#"):
            yield current.strip()
        current = ""


def split_comment(line):
    """(command, comment): a '#' after white space and outside quotes starts the comment."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and index > 0 and line[index - 1] in " \t":
            return line[:index].strip(), line[index + 1:].strip()
    return line.strip(), ""


def curl(arguments):
    """Runs curl with the example's arguments; returns (status, headers dict lower-cased, body)."""
    with tempfile.NamedTemporaryFile() as head, tempfile.NamedTemporaryFile() as body:
        result = subprocess.run(["curl", *arguments, "--max-time", "15", "-D", head.name, "-o", body.name,
                                 "-w", "%{http_code}"], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"curl {shlex.join(arguments)} exited {result.returncode}: {result.stderr.strip()}")
        headers = {}
        for line in open(head.name, encoding="latin-1", newline="").read().split("\r\n")[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return int(result.stdout), headers, open(body.name, "rb").read()


def get_json(base, key_header, path):
    status, _, body = curl(["-s", "-H", key_header, base + path])
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def fill_placeholders(arguments, base, key_header):
    """`ID` and `…` replaced as the README's comments say a reader would."""
    filled = []
    url = next(a for a in arguments if a.startswith(base))
    path = urllib.parse.urlsplit(url).path
    for argument in arguments:
        match = re.search(r"/connectors/([a-z]+)/([a-z]+)/items/ID(?=/|\?|$)", argument)
        if match:
            listing = get_json(base, key_header, f"/connectors/{match[1]}/{match[2]}/items?status=unanswered&limit=1")
            if not listing["items"]:
                listing = get_json(base, key_header, f"/connectors/{match[1]}/{match[2]}/items?status=all&limit=1")
            argument = argument.replace("/items/ID", "/items/" + urllib.parse.quote(listing["items"][0]["id"], safe=""))
        if "…" in argument:
            if argument.startswith(base):
                parts = urllib.parse.urlsplit(argument)
                query = [(n, v) for n, v in urllib.parse.parse_qsl(parts.query) if n != "cursor"]
                first = parts.path + ("?" + urllib.parse.urlencode(query) if query else "")
            else:
                first = path + "?limit=50"
            cursor = get_json(base, key_header, first)["next_cursor"]
            if not cursor:
                raise RuntimeError(f"GET {first} gave no next_cursor to fill in for …")
            argument = argument.replace("…", cursor)
        filled.append(argument)
    return filled


def openapi_operations():
    operations, path = set(), None
    for line in open(os.path.join(ROOT, "openapi.yaml"), encoding="utf-8"):
        if line.startswith("paths:"):
            path = ""
        elif path is not None and re.match(r"^\S", line):
            break
        elif path is not None and (m := re.match(r"^  (/\S*):\s*$", line)):
            path = m[1]
        elif path and (m := re.match(r"^    (get|put|post|delete|patch|head|options):\s*$", line)):
            operations.add((m[1].upper(), path))
    return operations


def template_of(path, templates):
    for template in templates:
        pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def main():
    base = sys.argv[1].rstrip("/")
    block = calling_it_block(open(os.path.join(ROOT, "README.md"), encoding="utf-8").read())
    variables, covered, ran = {}, set(), 0
    operations = openapi_operations()
    templates = sorted({p for _, p in operations}, key=lambda t: (t.count("{"), -len(t)))
    for line in logical_lines(block):
        command, comment = split_comment(line)
        words = shlex.split(command)
        if len(words) == 1 and re.match(r"^[A-Z]+=", words[0]):
            name, value = words[0].split("=", 1)
            variables[name] = base if name == "G" else value
            continue
        if words[0] != "curl":
            fail(f"the block has a line that is neither a variable nor curl: {line}")
            continue
        expand = lambda word: re.sub(r"\$([A-Z]+)", lambda m: variables[m[1]], word)
        arguments = [expand(word) for word in words[1:]]
        key_header = expand("$K")
        authenticated = key_header in arguments
        try:
            arguments = fill_placeholders(arguments, base, key_header)
            status, headers, body = curl(arguments)
        except (RuntimeError, KeyError, IndexError, StopIteration, json.JSONDecodeError) as error:
            fail(f"{line}: {error}")
            continue
        ran += 1
        url = next(a for a in arguments if a.startswith(base))
        path = urllib.parse.urlsplit(url).path
        method = arguments[arguments.index("-X") + 1] if "-X" in arguments else "GET"
        template = template_of(path, templates)
        covered.add((method, template))
        if (method, template) not in operations:
            fail(f"{line}: {method} {path} is not an operation of openapi.yaml")

        expected = int(m[1]) if (m := re.match(r"(\d{3})\b", comment)) else 200
        if status != expected:
            fail(f"{line}: status {status}, the README says {expected}; body {body[:300]!r}")
            continue
        if comment.startswith("{"):
            documented, _ = json.JSONDecoder().raw_decode(comment)
            if json.loads(body) != documented:
                fail(f"{line}: body {body[:200]!r}, the README shows {documented}")
        if "x-request-id" not in headers:
            fail(f"{line}: no X-Request-ID")
        if authenticated and not ("ratelimit-policy" in headers and "ratelimit" in headers):
            fail(f"{line}: an authenticated answer without RateLimit-Policy and RateLimit")
        media = headers.get("content-type", "")
        if path == "/metrics":
            ok = media.startswith("text/plain") and b"# TYPE gateway_requests_total counter" in body
        elif path == "/openapi.yaml":
            ok = "yaml" in media and body.startswith(b"openapi: 3.1")
        elif path.startswith("/problems/"):
            ok = media.startswith("text/html")
        elif status == 204:
            ok = body == b""
        else:
            ok = media == "application/json"
            if ok:
                document = json.loads(body)
                if path.endswith("/items"):
                    ok = isinstance(document.get("items"), list) and "next_cursor" in document
                elif path.endswith("/updates"):
                    ok = isinstance(document.get("items"), list) and "next_cursor" in document and "has_more" in document
                elif re.search(r"/items/[^/]+$", path):
                    ok = document.get("id") is not None and document.get("text") is not None
        if not ok:
            fail(f"{line}: answered {media!r} {body[:200]!r}, not what the route documents")
        if "Idempotency-Key" in " ".join(arguments):
            again_status, again_headers, again_body = curl(arguments)
            if (again_status, again_body) != (status, body) or again_headers.get("idempotent-replayed") != "true":
                fail(f"{line}: sent again, {again_status} {again_body[:200]!r} "
                     f"(Idempotent-Replayed: {again_headers.get('idempotent-replayed')}), not a replay of the first answer")
        print(f"ok   {status} {method} {path}")

    wanted = {op for op in operations if op[1].startswith("/connectors") and op[0] != "OPTIONS"}
    wanted |= {("GET", p) for p in ("/healthz", "/readyz", "/metrics", "/openapi.yaml", "/problems/{code}")}
    for method, path in sorted(wanted - covered):
        fail(f"README's 'Calling it' has no example of {method} {path}")
    if failures:
        print(f"{len(failures)} of the README's examples do not answer as documented", file=sys.stderr)
        sys.exit(1)
    print(f"README: all {ran} curl examples answered as documented, covering {len(wanted)} operations")


if __name__ == "__main__":
    main()
