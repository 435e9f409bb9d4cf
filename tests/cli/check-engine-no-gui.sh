#!/usr/bin/env bash
# Proves the engine links no QtGui/QtWidgets: (1) a program linked only with
# vouch_engine has no Qt GUI library among its dynamic dependencies, and
# (2) the static library has no undefined reference to a QtGui/QtWidgets symbol.
set -euo pipefail
engine_lib="$1"; engine_only_program="$2"
status=0
needed="$(readelf -d "$engine_only_program" | grep NEEDED || true)"
echo "$needed"
if echo "$needed" | grep -Eq 'libQt6(Gui|Widgets|Charts|OpenGL)'; then
  echo "FAIL: $engine_only_program depends on a Qt GUI library"; status=1
fi
echo "$needed" | grep -q 'libQt6Core' || { echo "FAIL: expected a QtCore dependency"; status=1; }
gui_refs="$(nm -C --undefined-only "$engine_lib" | grep -E ' U (QGuiApplication|QApplication|QWidget|QPainter|QColor|QImage|QPixmap|QIcon|QFont|QPalette)\b' || true)"
if [ -n "$gui_refs" ]; then
  echo "FAIL: vouch_engine references GUI symbols:"; echo "$gui_refs"; status=1
fi
[ "$status" -eq 0 ] && echo "engine is free of QtGui and QtWidgets"
exit "$status"
