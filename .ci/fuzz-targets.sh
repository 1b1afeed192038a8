#!/usr/bin/env bash
# Brief cargo-fuzz runs of the targets in fuzz/ (libFuzzer): ayrshare_decode (arbitrary
# answers through every Ayrshare response decoder) and webhook_verify (arbitrary
# deliveries through Herald's webhook signature check). Each runs FUZZ_SECONDS (default
# 30) from the committed seeds plus the corpus a previous run left in fuzz/corpus/; any
# crash or failed property fails the script and leaves its input in fuzz/artifacts/.
# Installs cargo-fuzz if missing. No nightly toolchain: RUSTC_BOOTSTRAP=1 lets stable
# rustc take cargo-fuzz's -Z flags. CI builds in the dev profile, which compiles in a
# fraction of the time; longer runs by hand are in SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  printf '\n== installing cargo-fuzz\n'
  cargo install cargo-fuzz --locked
fi

for target in ayrshare_decode webhook_verify; do
  printf '\n== cargo fuzz run %s (%s s)\n' "$target" "$FUZZ_SECONDS"
  mkdir -p "corpus/$target"
  corpora=("corpus/$target")
  [ -d "seeds/$target" ] && corpora+=("seeds/$target")
  dict=()
  [ "$target" = ayrshare_decode ] && dict=(-dict=ayrshare.dict)
  log=$(mktemp)
  if ! cargo fuzz run --dev "$target" "${corpora[@]}" -- -max_total_time="$FUZZ_SECONDS" "${dict[@]}" \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "cargo fuzz: $target failed (input in fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs|stat::number_of_executed_units|stat::new_units_added' "$log" || tail -n 5 "$log"
  rm -f "$log"
done
