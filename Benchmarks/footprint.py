"""The code a thread ran, as the cache sees it: distinct 64-byte lines of instructions in a
callgrind profile made with --dump-instr=yes (gateway-instructions.sh with FOOTPRINT=1), in all,
by module and by function. At a low request rate each request finds this VM's caches cold
(bench-cache-decay), so every line it runs is a miss: the count of lines, not of instructions,
is then what a request's time follows.

    python3 Benchmarks/footprint.py callgrind.out.PID-TID [TOP]
"""
import collections
import re
import shutil
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25

names, lines_of = {}, collections.defaultdict(set)
function, last = None, 0


def name(field):
    """A compressed name: `(12) text` defines 12, `(12)` refers to it."""
    match = re.match(r"\((\d+)\)(?: (.*))?", field)
    if not match:
        return field
    if match.group(2):
        names[match.group(1)] = match.group(2)
    return names.get(match.group(1), match.group(1))


for raw in open(path):
    raw = raw.rstrip("\n")
    if not raw:
        continue
    if raw.startswith("fn="):
        function = name(raw[3:])
        continue
    if raw.startswith("cfn="):
        name(raw[4:])
        continue
    # Cost lines start with a position; every other line (a name, a header, `calls=`) with a letter.
    if raw[0] not in "0123456789+-*":
        continue
    # The first position is the instruction's address: absolute, or relative to the last one.
    token = raw.split()[0]
    if token[0] == "+":
        address = last + int(token[1:], 0)
    elif token[0] == "-":
        address = last - int(token[1:], 0)
    elif token == "*":
        address = last
    else:
        address = int(token, 0)
    last = address
    lines_of[function].add(address >> 6)


def module(symbol):
    """The Swift module a mangled symbol belongs to; the runtime and C libraries by name."""
    symbol = symbol or "?"
    if symbol.startswith("$ss") or re.match(r"\$sS[a-zA-Z]", symbol):
        return "Swift (standard library)"
    match = re.match(r"\$s(\d+)", symbol)
    if match:
        count = int(match.group(1))
        return symbol[2 + len(match.group(1)):2 + len(match.group(1)) + count]
    if symbol.startswith("swift") or "swift::" in symbol or symbol.startswith("_swift"):
        return "Swift runtime"
    return "C (libc, libdispatch…)"


every = set().union(*lines_of.values())
print(f"{len(every)} lines of code ({len(every) * 64 // 1024} KiB) in {len(lines_of)} functions")
by_module = collections.defaultdict(set)
for function, lines in lines_of.items():
    by_module[module(function)] |= lines
for group, lines in sorted(by_module.items(), key=lambda item: -len(item[1])):
    print(f"{len(lines):6d}  {group}")
rows = sorted(lines_of.items(), key=lambda item: -len(item[1]))[:top]
demangle = shutil.which("swift-demangle")
shown = [row[0] or "?" for row in rows]
if demangle:
    shown = subprocess.run([demangle, "--simplified", "--compact"], input="\n".join(shown),
                           capture_output=True, text=True).stdout.split("\n")
print(f"largest {top} functions, lines:")
for (_, lines), label in zip(rows, shown):
    print(f"{len(lines):6d}  {label[:140]}")
