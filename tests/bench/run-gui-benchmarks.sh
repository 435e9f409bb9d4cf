#!/usr/bin/env bash
# Builds the dashboard benchmarks in a Release tree (build/bench-gui) and runs
# them under Xvfb: layout of a 10,000-node path, repaint, panning and the
# longest GUI stall during a live run. Pass a contract file to measure it
# instead of the generated path. Results go into docs/performance.md by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build/bench-gui"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_layout bench_graphview bench_startup
echo "== run at $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD), uptime: $(uptime)"
"$build/tests/bench/bench_layout" "$@"
echo
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/tests/bench/bench_startup"
echo
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/tests/bench/bench_graphview" "$@"
