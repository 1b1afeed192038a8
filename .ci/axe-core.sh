#!/usr/bin/env bash
# Installs axe-core (npm, pinned) for the browser test's accessibility check
# (crates/herald/tests/it/browser/axe.rs) into AXE_CORE_DIR (default target/axe-core under
# the workspace root). Idempotent: does nothing when that version is there.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.10.3
dir="${AXE_CORE_DIR:-target/axe-core}"
package="$dir/node_modules/axe-core/package.json"

if [ -f "$package" ] && grep -q "\"version\": \"$version\"" "$package"; then
  echo "axe-core@$version already in $dir"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "installing Node.js and npm (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "axe-core@$version"
echo "axe-core@$version installed in $dir"
