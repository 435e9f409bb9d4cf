#!/usr/bin/env bash
# Builds the engine benchmarks in a Release tree (build/bench) and runs them
# all, printing every figure. Run from anywhere:
#
#   bash tests/bench/run-benchmarks.sh           # the full run (a few minutes)
#   bash tests/bench/run-benchmarks.sh --quick   # a smoke run with small N
#
# Results are recorded by hand in docs/performance.md, with the machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build/bench"
args=("$@")

cd "$root"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DVOUCH_BUILD_GUI=OFF -DVOUCH_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target bench

echo
echo "== run at $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "== uptime: $(uptime)"
status=0
for name in store noop commands dbt cli; do
    echo
    "$build/tests/bench/bench_$name" "${args[@]}" || status=$?
done
# The same command run with the store and the per-node log files on tmpfs:
# the difference is the file system's share (one log file created per node).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    echo
    echo "== bench_commands again, files on tmpfs (/dev/shm), to show the file system's share"
    "$build/tests/bench/bench_commands" --dir /dev/shm --no-breakdown "${args[@]}" || status=$?
fi
echo
echo "== uptime: $(uptime)"
exit "$status"
