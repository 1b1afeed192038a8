#!/usr/bin/env bash
# Installs Ayrshare's Node SDK (npm social-media-api, pinned) for the simulator's SDK test
# (crates/ayrshare-sim/tests/sim/sdk.rs) into AYRSHARE_SDK_DIR (default target/ayrshare-sdk
# under the workspace root). Idempotent: does nothing when that version is there.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.3.0
dir="${AYRSHARE_SDK_DIR:-target/ayrshare-sdk}"
package="$dir/node_modules/social-media-api/package.json"

if [ -f "$package" ] && grep -q "\"version\": \"$version\"" "$package"; then
  echo "Ayrshare SDK social-media-api@$version already in $dir"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing Node.js and npm (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "social-media-api@$version"
echo "Ayrshare SDK social-media-api@$version installed in $dir"
