"""Per-phase medians of the gateway's loop from the probe timestamps (see gateway-phases.sh).

Reads `tids` (the gateway loop's thread id) and `probes.txt` (tid, probe id, CLOCK_MONOTONIC ns,
one line per probe hit) from the directory given, splits the loop's probes into requests (from
the epoll wake-up before each dispatch to the response's writev), drops the first fifth as
warm-up, and prints the median time between consecutive probes, largest first, and the sums
before and after the upstream write."""
import collections
import statistics
import sys

NAMES = {
    0: "wake", 1: "read", 2: "dispatch", 3: "task", 4: "respond", 30: "routed", 31: "task-local",
    32: "request-id", 33: "request-id done", 34: "access-log", 35: "metrics", 36: "problem", 5: "auth",
    6: "authed", 37: "tenant-limit", 8: "handler", 7: "connector", 9: "ozon.list", 10: "budget",
    11: "budget done", 12: "client.send", 14: "write", 13: "client done", 23: "parse", 16: "parsed",
    17: "wire read", 18: "items", 19: "body written", 20: "auth back", 41: "metrics back",
    40: "access-log back", 21: "deliver", 15: "writev",
}

directory = sys.argv[1]
loop = int(open(f"{directory}/tids").read().split()[1])
events = []
for line in open(f"{directory}/probes.txt"):
    tid, probe, ns = map(int, line.split())
    if tid == loop:
        events.append((probe, ns))

requests, current = [], None
for position, (probe, ns) in enumerate(events):
    if probe == 2:  # dispatch: the request starts at the wake-up before it
        start = position
        while start > 0 and events[start][0] != 0:
            start -= 1
        current = events[start:position + 1]
        requests.append(current)
    elif current is not None:
        current.append((probe, ns))
        if probe == 15:
            current = None
requests = requests[len(requests) // 5:]
if not requests:
    sys.exit("phases: no complete request in the probes")

steps = collections.defaultdict(list)
for request in requests:
    for (a, ta), (b, tb) in zip(request, request[1:]):
        steps[(a, b)].append((tb - ta) / 1000)
# The most frequent sequence: now and then two requests share a wake-up and interleave.
order = list(collections.Counter(tuple(probe for probe, _ in request) for request in requests).most_common(1)[0][0])
upstream_write = order.index(14) if 14 in order else len(order)

print(f"{len(requests)} requests; probes in order: " + " → ".join(NAMES.get(p, str(p)) for p in order))
before = after = 0.0
rows = []
for (a, b), values in steps.items():
    if len(values) < len(requests) // 2 or (a, b) == (14, 0):
        continue
    median = statistics.median(values)
    rows.append((median, a, b, len(values)))
    if a in order and order.index(a) < upstream_write:
        before += median
    else:
        after += median
for median, a, b, count in sorted(rows, reverse=True):
    print(f"{NAMES.get(a, a):>16} → {NAMES.get(b, b):<16} {median:7.1f} µs   (n={count})")
wait = statistics.median(steps[(14, 0)]) if (14, 0) in steps else float("nan")
print(f"before the upstream write {before:.0f} µs, after the upstream answer {after:.0f} µs, "
      f"total {before + after:.0f} µs (upstream round trip {wait:.0f} µs, not counted)")
