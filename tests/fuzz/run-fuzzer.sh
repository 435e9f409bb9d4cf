#!/usr/bin/env bash
# Runs the contract-loader fuzzer over the committed seed corpus for a bounded
# time. Exit 77 (skipped) when the clang fuzz build is absent.
set -euo pipefail
fuzzer="$1"; corpus="$2"; work="$3"
seconds="${VOUCH_FUZZ_SECONDS:-60}"
if [ ! -x "$fuzzer" ]; then
  echo "fuzzer not built at $fuzzer (build it with: bash packaging/setup.sh test)"
  exit 77
fi
rm -rf "$work"; mkdir -p "$work/corpus" "$work/artifacts"
# New inputs go to a scratch copy, so the committed corpus stays as reviewed.
cp "$corpus"/* "$work/corpus/"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus"
