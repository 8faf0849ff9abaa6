#!/bin/bash
# Screenshots through the CLI on real QEMU (TCG, no guest OS): virsh's `screenshot` with its
# default file name, --file and --screen, a checkpoint's screenshot with snapshot-screenshot,
# --no-screenshot, and the usage errors.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}
for p in qemu-img qemu-system-x86_64; do
	command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
t=$(mktemp -d); U="qemu:///embed?root=$t/root"
trap '"$bin" -c "$U" destroy d >/dev/null 2>&1; rm -rf "$t"' EXIT
v() { "$bin" -c "$U" "$@"; }
die() { echo "FAIL: $*"; exit 1; }
ispng() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = 89504e47 ]; }
qemu-img create -q -f qcow2 "$t/d.qcow2" 64M
cat > "$t/d.xml" <<XML
<domain type='qemu'><name>d</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$t/d.qcow2'/><target dev='vda' bus='virtio'/></disk>
<video><model type='vga'/></video></devices></domain>
XML
v define "$t/d.xml" >/dev/null || die define
v screenshot d "$t/x.png" >/dev/null 2>"$t/err" && die "a shut-off domain has no screen"
grep -q "not running" "$t/err" || die "message: $(cat "$t/err")"
v start d >/dev/null || die start
(cd "$t" && v screenshot d > out) || die "screenshot without FILE"
f=$(sed -n 's/^Screenshot saved to \(.*\), with type of image\/png$/\1/p' "$t/out")
[[ "$f" =~ ^d-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}\.png$ ]] || die "default name: $(cat "$t/out")"
ispng "$t/$f" || die "$f is not a PNG"
v screenshot d --file "$t/y.png" --screen 0 >/dev/null || die "--file --screen 0"
ispng "$t/y.png" || die "y.png is not a PNG"
v screenshot d --screen x >/dev/null 2>&1; [ $? -eq 2 ] || die "--screen x must be a usage error"
v screenshot d "$t/a.png" --file "$t/b.png" >/dev/null 2>&1; [ $? -eq 2 ] || die "two files must be a usage error"
v snapshot-create-as d c1 >/dev/null || die "checkpoint"
v snapshot-create-as d c2 --no-screenshot >/dev/null || die "checkpoint --no-screenshot"
v snapshot-screenshot d c1 "$t/c1.png" >/dev/null || die "snapshot-screenshot c1"
ispng "$t/c1.png" || die "c1.png is not a PNG"
v snapshot-screenshot d c2 "$t/c2.png" >/dev/null 2>"$t/err"; [ $? -eq 1 ] || die "c2 has none"
grep -q "has no screenshot" "$t/err" || die "message: $(cat "$t/err")"
v snapshot-screenshot d --current - > "$t/cur.png" 2>"$t/err"; [ $? -eq 1 ] || die "the current (c2) has none"
echo "qemu screenshot CLI: ok"
