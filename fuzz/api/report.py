"""Reads the NDJSON event logs schemathesis wrote for each auth mode of .ci/fuzz-api.sh,
counts the requests it sent and re-checks every recorded answer independently of the
run's own checks: no status >= 500, no request left unanswered, and every 4xx with
API.md's error body. Prints one row per mode; exits 1 on any violation.

Usage: report.py MODE=EVENTS.ndjson [MODE=EVENTS.ndjson ...]
"""

import base64
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hooks import error_body_problem  # noqa: E402


def interactions(path):
    """Every recorded request of one run, once each."""
    seen = set()
    with open(path) as f:
        for line in f:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            for case_id, record in finished["recorder"].get("interactions", {}).items():
                key = (case_id, record.get("timestamp"))
                if key not in seen:
                    seen.add(key)
                    yield record


def body_of(response):
    content = response.get("content") or {}
    if "$base64" in content:
        return base64.b64decode(content["$base64"])
    return (content.get("string") or "").encode()


def main():
    violations = []
    print(f"{'auth mode':<16} {'requests':>8}  statuses")
    total = 0
    for arg in sys.argv[1:]:
        mode, path = arg.split("=", 1)
        statuses = collections.Counter()
        count = 0
        for record in interactions(path):
            count += 1
            request, response = record["request"], record.get("response")
            where = f"[{mode}] {request['method']} {request['uri']}"
            if response is None:
                statuses["none"] += 1
                violations.append(f"{where}: no answer")
                continue
            status = response["status_code"]
            statuses[status] += 1
            if status >= 500:
                violations.append(f"{where}: {status} {body_of(response)[:200]!r}")
            problem = error_body_problem(status, request["method"].upper(), body_of(response))
            if problem:
                violations.append(f"{where}: {problem}")
        total += count
        shown = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=lambda kv: str(kv[0])))
        print(f"{mode:<16} {count:>8}  {shown}")
        if count == 0:
            violations.append(f"[{mode}] no requests were recorded")
    print(f"{'total':<16} {total:>8}")
    if violations:
        print(f"\n{len(violations)} violation(s):")
        for v in violations[:50]:
            print("  " + v)
        sys.exit(1)


if __name__ == "__main__":
    main()
