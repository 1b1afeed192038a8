#!/usr/bin/env python3
"""A webhook receiver for Herald's tests that verifies every delivery with the Standard
Webhooks specification's own package (PyPI `standardwebhooks`), not with Herald's code.

Usage: webhook_receiver.py DIR. Prints `PORT <n>` once listening on 127.0.0.1, then one
JSON line per request: {"id", "timestamp", "verified", "type", "data", "answered"}. The
signing secret is read from DIR/secret at each request (the test writes it once the
endpoint exists); while DIR/fail exists every request is answered 503.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

DIR = sys.argv[1]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = {"id": headers.get("webhook-id"), "timestamp": headers.get("webhook-timestamp")}
        try:
            with open(os.path.join(DIR, "secret")) as f:
                secret = f.read().strip()
            payload = Webhook(secret).verify(body, headers)
            record.update(verified=True, type=payload.get("type"), data=payload.get("data"))
        except Exception as e:  # noqa: BLE001 - any failure is a failed verification
            record.update(verified=False, error=repr(e))
        failing = os.path.exists(os.path.join(DIR, "fail"))
        status = 503 if failing else (204 if record["verified"] else 400)
        record["answered"] = status
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
sys.stdout.write(f"PORT {server.server_address[1]}\n")
sys.stdout.flush()
server.serve_forever()
