#!/bin/sh
# Installs vsnap into a DESTDIR and builds a small program against it with pkg-config.
set -eu
build=${VSNAP_BUILD:?}
src=${VSNAP_SRC:?}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

DESTDIR="$dest" cmake --install "$build" --prefix /usr/local >"$dest.log" 2>&1 || { cat "$dest.log"; exit 1; }
rm -f "$dest.log"
for f in bin/vsnap include/vsnap/vsnap.h lib/pkgconfig/vsnap.pc share/man/man1/vsnap.1 \
         share/bash-completion/completions/vsnap; do
	found=$(find "$dest/usr/local" -path "*$f" | head -1)
	[ -n "$found" ] || { echo "not installed: $f"; exit 1; }
done
so=$(find "$dest/usr/local" -name 'libvsnap.so.*' | head -1)
[ -n "$so" ] || { echo "no versioned libvsnap.so.N"; exit 1; }
readelf -d "$so" | grep -q 'SONAME.*libvsnap.so.0' || { echo "SONAME missing"; exit 1; }
pcdir=$(dirname "$(find "$dest/usr/local" -name vsnap.pc | head -1)")
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs vsnap)
# shellcheck disable=SC2086
cc ${VSNAP_TEST_CFLAGS:-} -o "$dest/hello" "$src/tests/install/hello.c" $flags
LD_LIBRARY_PATH="$(dirname "$so")" "$dest/hello"
echo "install + pkg-config: ok"
