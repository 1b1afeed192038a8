#!/usr/bin/env bash
# API fuzzing from Herald's own OpenAPI document (GET /api/openapi.json) with schemathesis.
#
# Starts `herald serve` in sandbox mode (no AYRSHARE_API_KEY: the built-in simulator) on
# a free port with a fresh SQLite file, makes two workspaces, a token of every role and
# some posts through the API (fuzz/api/setup.py), then runs schemathesis against every
# operation four times: with the global admin token, a workspace admin token, an invalid
# token and no token. The `{ws}` and `{id}` path parameters are mostly real ids.
# Checks: no answer >= 500 (not_a_server_error), every 4xx with API.md's error body
# (fuzz/api/hooks.py), every request answered and Herald never panicking; fuzz/api/report.py
# re-checks the recorded answers and prints the requests fuzzed per auth mode.
# Exits non-zero on any violation. Reports: target/fuzz-api/run/.
#
# Knobs: FUZZ_API_EXAMPLES (test cases per operation and phase, default 50),
# FUZZ_API_SEED (reproduce a run), HERALD_BIN (a prebuilt binary),
# FUZZ_API_DATABASE_URL (a PostgreSQL server URL: the run uses a fresh database there,
# dropped afterwards, instead of a SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES=${FUZZ_API_EXAMPLES:-50}
work=target/fuzz-api
run=$work/run
venv=$work/venv

log() { printf '\n== %s\n' "$*"; }

if [ -z "${HERALD_BIN:-}" ]; then
  cargo build -p herald --quiet
  HERALD_BIN=target/debug/herald
fi

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ -n "${FUZZ_API_DATABASE_URL:-}" ]; then
  run=$work/run-postgres
fi
rm -rf "$run"
mkdir -p "$run"
random() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
admin="fuzz-admin-$(random)"
hook_secret="fuzz-webhook-$(random)"

database_url="$run/herald.db"
backend=SQLite
if [ -n "${FUZZ_API_DATABASE_URL:-}" ]; then
  backend=PostgreSQL
  db_name="herald_fuzz_$(random)"
  psql "$FUZZ_API_DATABASE_URL" -qc "CREATE DATABASE $db_name"
  database_url="${FUZZ_API_DATABASE_URL%/*}/$db_name"
fi

log "starting herald serve (sandbox mode) on $base, on $backend"
env -u AYRSHARE_API_KEY -u REDIS_URL -u HERALD_CRON_SECRET \
  HERALD_BIND="127.0.0.1:$port" DATABASE_URL="$database_url" HERALD_ADMIN_TOKEN="$admin" \
  HERALD_SCHEDULER_INTERVAL_MS=0 AYRSHARE_WEBHOOK_SECRET="$hook_secret" \
  HERALD_RATE_LIMIT_PER_MINUTE=100000000 HERALD_AUTH_FAILURES_PER_MINUTE=0 RUST_LOG="${RUST_LOG:-info}" \
  "$HERALD_BIN" serve >"$run/herald.log" 2>&1 &
herald_pid=$!
cleanup() {
  kill "$herald_pid" 2>/dev/null || true
  wait "$herald_pid" 2>/dev/null || true
  if [ -n "${db_name:-}" ]; then
    psql "$FUZZ_API_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" || true
  fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$herald_pid" 2>/dev/null || { cat "$run/herald.log" >&2; echo "herald exited" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base/healthz" >/dev/null

"$venv/bin/python" fuzz/api/setup.py "$base" "$admin" "$run"
fixture() { "$venv/bin/python" -c "import json,sys; print(json.load(open('$run/fixtures.json'))$1)"; }
ws_admin=$(fixture "['workspaces']['fuzz-a']['tokens']['admin']")
ws_a=$(fixture "['workspaces']['fuzz-a']['id']")

# The event stream of a real workspace answers 200 text/event-stream and stays open.
sse=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' --max-time 1 \
  -H "Authorization: Bearer $ws_admin" "$base/api/workspaces/$ws_a/events" || true)
case "$sse" in "200 text/event-stream"*) ;; *) echo "event stream answered: $sse" >&2; exit 1 ;; esac

failed=0
modes=()
fuzz() { # fuzz MODE [TOKEN]
  local mode=$1 token=${2:-}
  local auth=()
  [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
  log "schemathesis, auth mode: $mode"
  # From inside $run, so hypothesis and schemathesis keep their caches there. One worker:
  # hypothesis' lambda descriptions are not thread-safe on CPython 3.11.
  if ! (cd "$run" && SCHEMATHESIS_HOOKS="$root/fuzz/api/hooks.py" FUZZ_WEBHOOK_SECRET="$hook_secret" \
    "$root/$venv/bin/schemathesis" --config-file schemathesis.toml run "$base/api/openapi.json" \
      "${auth[@]}" --checks not_a_server_error,api_md_error_body --max-examples "$EXAMPLES" \
      --request-timeout 10 --workers 1 --no-color --suppress-health-check all \
      ${FUZZ_API_SEED:+--seed "$FUZZ_API_SEED"} --warnings off \
      --report ndjson,junit --report-ndjson-path "$mode.ndjson" \
      --report-junit-path "$mode.junit.xml" >"$mode.out" 2>&1); then
    failed=1
    sed -n '/FAILURES/,$p' "$run/$mode.out" | head -n 80
  fi
  tail -n 4 "$run/$mode.out"
  modes+=("$mode=$run/$mode.ndjson")
}

fuzz admin "$admin"
fuzz workspace-admin "$ws_admin"
fuzz invalid-token "hrld_$(random)"
fuzz no-token

log "requests fuzzed"
"$venv/bin/python" fuzz/api/report.py "${modes[@]}" || failed=1

if ! kill -0 "$herald_pid" 2>/dev/null; then
  echo "herald died during the run" >&2
  failed=1
fi
if grep -n "panicked" "$run/herald.log" >&2; then
  echo "herald panicked (see $run/herald.log)" >&2
  failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "API fuzzing found violations; details in $run/" >&2
  exit 1
fi
log "API fuzzing: no violations"
