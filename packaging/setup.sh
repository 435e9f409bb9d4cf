#!/usr/bin/env bash
# One command for each job on a Debian 12 machine, as root (or with sudo):
#
#   bash packaging/setup.sh demo   install what is missing, build, start the Brightside demo
#   bash packaging/setup.sh test   install what is missing, build, run every test
#
# Both are idempotent: packages already present are not reinstalled and the
# build is incremental.
set -euo pipefail

job="${1:-}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/dev"        # the `dev` preset
fuzz_build="$root/build/fuzz"  # the `fuzz` preset
jobs="$(nproc)"

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6sql6-sqlite libqt6sql6-psql libqt6sql6-mysql libqt6sql6-odbc unixodbc
  libqt6opengl6-dev libgl-dev libxkbcommon-dev
  qtkeychain-qt6-dev libspdlog-dev libfmt-dev libyaml-cpp-dev libyaml-dev libical-dev libsqlite3-dev
  tzdata ca-certificates fonts-dejavu-core
  xvfb xauth imagemagick sqlite3
)
test_packages=(
  clang libclang-rt-14-dev
  postgresql postgresql-client
  mariadb-server mariadb-client odbc-postgresql libsqliteodbc
  gnome-keyring dbus-x11 libsecret-tools
  desktop-file-utils appstream
  faketime
  libfaketime
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

configure_and_build() {
  if [ ! -f "$build/build.ninja" ]; then
    (cd "$root" && cmake --preset dev)
  fi
  cmake --build "$build" -j "$jobs"
}

build_fuzzer() {
  if [ ! -f "$fuzz_build/build.ninja" ]; then
    (cd "$root" && cmake --preset fuzz)
  fi
  cmake --build "$fuzz_build" -j "$jobs" --target fuzz_contract_loader
}

case "$job" in
  demo)
    install_missing "${packages[@]}"
    configure_and_build
    # The dashboard when there is a display; otherwise the same demo headless,
    # printing the verdict and the alerts.
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      exec "$build/app/vouch" demo "$@"
    fi
    echo "== no display: running the Brightside demo headless (vouch demo --headless)"
    exec "$build/app/vouch" demo --headless "$@"
    ;;
  test)
    install_missing "${packages[@]}" "${test_packages[@]}"
    configure_and_build
    build_fuzzer
    cd "$build"
    status=0
    ctest --output-on-failure -j "$jobs" "$@" || status=$?
    # The tests labelled `time` again, with the wall clock moved to the
    # instants where code that reads today's date goes wrong: a Thursday
    # just after midnight (a week's Monday is days behind), Monday just
    # before and just after the 06:00 run in London, the night the clocks go
    # back, and the last minute of an ISO year. The tests pin their own
    # clock, so each instant must pass as the normal run did. The real
    # monotonic clock is kept (timers and timeouts), and libfaketime's
    # "monotonic fix" is off: with it, Debian 12's libfaketime 0.9.10 makes
    # every timed wait on a condition variable (QThread::wait) return at once.
    instants=(
      "UTC|2026-12-03 00:30:00"
      "Europe/London|2026-11-30 05:59:00"
      "Europe/London|2026-11-30 12:01:00"
      "UTC|2026-10-25 01:30:00"
      "UTC|2027-01-03 23:59:00"
    )
    # libfaketime is preloaded directly rather than through the `faketime`
    # wrapper: the wrapper makes a named semaphore per process id and leaves
    # it behind, and a later wrapper that draws the same id fails at once
    # ("sem_open: File exists") without running anything. Each process then
    # starts its own clock at the instant, which is all these tests need.
    libfaketime=$(dpkg -L libfaketime | grep '/libfaketime\.so\.1$' | head -n 1)
    if [ ! -r "$libfaketime" ]; then
      echo "setup.sh: libfaketime.so.1 not found (is the libfaketime package installed?)" >&2
      exit 1
    fi
    for instant in "${instants[@]}"; do
      zone="${instant%%|*}"
      at="${instant#*|}"
      echo "== time-sensitive tests at $at ($zone), under faketime"
      TZ="$zone" LD_PRELOAD="$libfaketime" FAKETIME="@$at" \
        FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 \
        ctest --output-on-failure -j "$jobs" -L time || status=$?
    done
    exit "$status"
    ;;
  *)
    echo "usage: bash packaging/setup.sh demo|test" >&2
    exit 2
    ;;
esac
