#!/usr/bin/env bash
# Checks the packaging metadata without building a .deb (fast, no network):
# the desktop file with desktop-file-validate, the AppStream metainfo with
# appstreamcli, and that every icon the CMake rules install exists.
# Usage: check-packaging.sh SOURCE_DIR
# Exits 77 (skipped) when the validators are not installed
# (apt packages desktop-file-utils and appstream).
set -euo pipefail

src="${1:?usage: check-packaging.sh SOURCE_DIR}"
id=io.github.vouch.Vouch

for tool in desktop-file-validate appstreamcli; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (apt install desktop-file-utils appstream)"
        exit 77
    fi
done

status=0

echo "== desktop-file-validate $id.desktop"
# Hints (e.g. more than one main category) are printed but are not errors.
if ! out="$(desktop-file-validate "$src/packaging/$id.desktop" 2>&1)"; then
    status=1
fi
echo "$out"
if grep -qE ': error: ' <<<"$out"; then
    status=1
fi

echo "== appstreamcli validate --no-net $id.metainfo.xml"
# Exit code 0 also when there are only warnings/infos; errors fail.
if ! appstreamcli validate --no-net "$src/packaging/$id.metainfo.xml"; then
    status=1
fi

echo "== launchable and Exec agree with the installed files"
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$src/packaging/$id.metainfo.xml" \
    || { echo "FAIL: metainfo launchable is not $id.desktop"; status=1; }
grep -q '^Exec=vouch' "$src/packaging/$id.desktop" \
    || { echo "FAIL: desktop Exec does not run vouch"; status=1; }
grep -q '^Icon=vouch$' "$src/packaging/$id.desktop" \
    || { echo "FAIL: desktop Icon is not vouch"; status=1; }

echo "== icons"
[ -f "$src/resources/icons/vouch.svg" ] || { echo "FAIL: resources/icons/vouch.svg missing"; status=1; }
for size in 16 22 24 32 48 64 128 256; do
    png="$src/resources/icons/hicolor/${size}x${size}/apps/vouch.png"
    if [ ! -f "$png" ]; then
        echo "FAIL: $png missing"; status=1; continue
    fi
    # PNG IHDR: width and height are big-endian 32-bit at offsets 16 and 20.
    dims="$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')"
    if [ "$dims" != "${size}x${size}" ]; then
        echo "FAIL: $png is $dims, expected ${size}x${size}"; status=1
    fi
done

[ "$status" -eq 0 ] && echo "OK: packaging metadata is valid"
exit "$status"
