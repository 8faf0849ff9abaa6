#!/bin/sh
# Builds vsnap with warnings as errors and runs the whole test suite.
# usage: scripts/test.sh [--asan] [ctest args...]
#   --asan  builds into build-asan with AddressSanitizer + UndefinedBehaviorSanitizer
set -eu
cd "$(dirname "$0")/.."
dir=build
extra=""
if [ "${1:-}" = "--asan" ]; then
	shift
	dir=build-asan
	extra="-DVSNAP_SANITIZE=ON"
fi
# shellcheck disable=SC2086
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSNAP_WERROR=ON $extra >/dev/null
cmake --build "$dir" -j"$(nproc)"
cd "$dir"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
