#!/bin/sh
# Installs vsnap into a DESTDIR as a distribution would (--prefix /usr) and checks what a C
# programmer gets: the files, a .pc that points at the install prefix and needs no other
# library's .pc to compile, a shared library that exports only the public API, and the
# installed examples and two small programs built through pkg-config and run.
set -eu
build=${VSNAP_BUILD:?}
src=${VSNAP_SRC:?}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

DESTDIR="$dest" cmake --install "$build" --prefix /usr >"$dest/install.log" 2>&1 ||
	{ cat "$dest/install.log"; exit 1; }
for f in bin/vsnap include/vsnap/vsnap.h pkgconfig/vsnap.pc share/man/man1/vsnap.1 \
         share/bash-completion/completions/vsnap share/doc/vsnap/examples/vmx_convert.c \
         share/doc/vsnap/examples/snapshot_cycle.c; do
	found=$(find "$dest/usr" -path "*$f" | head -1)
	[ -n "$found" ] || fail "not installed: $f"
done
so=$(find "$dest/usr" -name 'libvsnap.so.*' | head -1)
[ -n "$so" ] || fail "no versioned libvsnap.so.N"
readelf -d "$so" | grep -q 'SONAME.*libvsnap.so.0' || fail "SONAME missing"

# Exported symbols: vsnap_* only (no gSOAP runtime, generated serializers or vsnap__ internals).
extra=$(nm -D --defined-only "$so" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | grep -v '^vsnap_[a-z]' || true)
[ -z "$extra" ] || fail "libvsnap.so exports more than the public API: $(echo "$extra" | head -5 | tr '\n' ' ')"
nm -D --defined-only "$so" | grep -Eq ' vsnap_conn_open(@@VSNAP_0)?$' || fail "vsnap_conn_open is not exported"

pc=$(find "$dest/usr" -name vsnap.pc | head -1)
grep -q '^prefix=/usr$' "$pc" || fail "vsnap.pc does not carry the install prefix: $(grep '^prefix=' "$pc")"
# Only vsnap.pc is visible: compiling must not need libxml2's, curl's, OpenSSL's or gSOAP's .pc.
export PKG_CONFIG_LIBDIR="$(dirname "$pc")" PKG_CONFIG_PATH="" PKG_CONFIG_SYSROOT_DIR="$dest"
cflags=$(pkg-config --cflags vsnap) || fail "pkg-config --cflags vsnap needs other packages"
case "$cflags" in *-D*) fail "vsnap.pc adds definitions to the caller's flags: $cflags" ;; esac
libs=$(pkg-config --libs vsnap)
libdir=$(dirname "$so")
run() { LD_LIBRARY_PATH="$libdir" "$@"; }
build_one() { # output source
	# shellcheck disable=SC2086
	cc -std=c11 -pedantic -Wall -Wextra -Werror ${VSNAP_TEST_CFLAGS:-} -o "$1" "$2" $cflags $libs ||
		fail "cannot build $2 through pkg-config"
}

build_one "$dest/hello" "$src/tests/install/hello.c"
run "$dest/hello"
build_one "$dest/clash" "$src/tests/install/clash.c"
run "$dest/clash" | grep -q "clash ok: this program's own table, soap_begin() = 42" ||
	fail "a program defining namespaces/soap_* clashes with libvsnap"

ex="$dest/usr/share/doc/vsnap/examples"
build_one "$dest/vmx_convert" "$ex/vmx_convert.c"
build_one "$dest/snapshot_cycle" "$ex/snapshot_cycle.c"
run "$dest/vmx_convert" "$src/fixtures/demo/web01.vmx" '[datastore1] web01' | grep -q '<domain' ||
	fail "installed example vmx_convert did not print a domain"
echo "install + pkg-config + exported symbols + examples: ok"
