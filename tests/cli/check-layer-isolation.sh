#!/usr/bin/env bash
# Proves the configure-time layer check (cmake/LayerIsolation.cmake) passes on
# the tree and bites: a ui/ or app/ file that includes QtSql, or an
# engine/store/ file that includes engine/run/, fails it with the file named.
set -euo pipefail
cmake_bin="$1"; source_dir="$2"
script="$source_dir/cmake/LayerIsolation.cmake"
"$cmake_bin" -DVOUCH_ROOT="$source_dir" -P "$script"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
status=0
expect_failure() { # FILE LINE
  rm -rf "$tmp/tree"; mkdir -p "$tmp/tree/$(dirname "$1")"
  printf '%s\n' "$2" > "$tmp/tree/$1"
  if out="$("$cmake_bin" -DVOUCH_ROOT="$tmp/tree" -P "$script" 2>&1)"; then
    echo "FAIL: $1 ($2) passed the check"; status=1
  elif ! grep -q "$1" <<<"$out"; then
    echo "FAIL: the message does not name $1:"; echo "$out"; status=1
  fi
}
expect_failure ui/page.cpp '#include <QSqlQuery>'
expect_failure ui/model/rows.h '#include <QtSql/QSqlDatabase>'
expect_failure app/cli/team.cpp '#  include "QSqlDriver"'
expect_failure engine/store/store.cpp '#include "engine/run/scheduler.h"'
[ "$status" -eq 0 ] && echo "layer isolation check passes on the tree and catches each violation"
exit "$status"
