"""Schemathesis hooks for .ci/fuzz-api.sh (loaded through SCHEMATHESIS_HOOKS).

- `api_md_error_body`: every 4xx carries API.md's error body
  `{"error": {"code": "snake_case", "message": "...", "details": {...}}}`.
- Webhook signing: two of three generated `POST /api/webhooks/ayrshare` bodies are
  signed with FUZZ_WEBHOOK_SECRET, so the fuzzer also reaches the code behind the HMAC
  check; the others keep whatever signature header schemathesis made up (401).
"""

import hashlib
import hmac
import json
import os
import re

import schemathesis
from schemathesis.core import NotSet

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
WEBHOOK_PATH = "/api/webhooks/ayrshare"
SIGNATURE_HEADER = "X-Authorization-Content-SHA256"


def error_body_problem(status, method, content):
    """Why a response breaks API.md's error format, or None when it does not."""
    if not 400 <= status < 500 or method == "HEAD":
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} body is not JSON: {content[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return f"{status} body has no `error` object: {content[:200]!r}"
    if not isinstance(error.get("code"), str) or not SNAKE_CASE.match(error["code"]):
        return f"{status} error.code is not a snake_case string: {error.get('code')!r}"
    if not isinstance(error.get("message"), str) or not error["message"]:
        return f"{status} error.message is not a non-empty string: {error.get('message')!r}"
    if not isinstance(error.get("details"), dict):
        return f"{status} error.details is not an object: {error.get('details')!r}"
    return None


@schemathesis.check
def api_md_error_body(ctx, response, case):
    problem = error_body_problem(response.status_code, case.method.upper(), response.content)
    if problem:
        raise AssertionError(problem)


@schemathesis.hook
def before_call(context, case, kwargs):
    secret = os.environ.get("FUZZ_WEBHOOK_SECRET", "")
    if case.path != WEBHOOK_PATH or not secret or isinstance(case.body, NotSet):
        return
    raw = case.body if isinstance(case.body, bytes) else json.dumps(case.body).encode()
    if hashlib.sha256(raw).digest()[0] % 3 == 0:
        return
    case.body = raw
    headers = dict(case.headers or {})
    headers[SIGNATURE_HEADER] = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    case.headers = headers
