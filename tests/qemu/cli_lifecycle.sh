#!/bin/bash
# The QEMU backend through the vsnap CLI: the acceptance flow of
# ../shared/acceptance/qemu-lifecycle.sh (offline internal, online checkpoint + external,
# revert --running, undefine refused, deletes) plus the --force valve, the tree view, a
# redefine round trip and a second process finding the running QEMU again.
# Images are read with `qemu-io -r -U` (QEMU 7.2 refuses -U without -r).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}
for p in qemu-img qemu-io qemu-system-x86_64; do
	command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
t=$(mktemp -d); U="qemu:///embed?root=$t/root"
trap '"$bin" -c "$U" destroy d >/dev/null 2>&1; rm -rf "$t"' EXIT
v() { "$bin" -c "$U" "$@"; }
die() { echo "FAIL: $*"; exit 1; }
# qemu-io prints the "read" line even when the pattern differs: check the failure line too.
pat() { out=$(qemu-io -r -U -f qcow2 -c "read -P $1 0 1M" "$2" 2>&1) || return 1
	printf '%s' "$out" | grep -q 'read 1048576' && ! printf '%s' "$out" | grep -q 'Pattern verification failed'; }
cur() { v dumpxml d | grep -o "source file='[^']*'" | head -1 | cut -d"'" -f2; }
qemu-img create -q -f qcow2 "$t/d.qcow2" 64M
qemu-io -f qcow2 -c 'write -P 0xaa 0 1M' "$t/d.qcow2" >/dev/null
cat > "$t/d.xml" <<XML
<domain type='qemu'><name>d</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$t/d.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
v define "$t/d.xml" >/dev/null || die define
v snapshot-create-as d s1 "offline" >/dev/null || die "offline internal"
qemu-io -f qcow2 -c 'write -P 0xbb 0 1M' "$t/d.qcow2" >/dev/null
v snapshot-revert d s1 >/dev/null || die "revert s1"
pat 0xaa "$t/d.qcow2" || die "offline internal revert did not restore data"
v start d >/dev/null || die start
# A later vsnap process reattaches through the QMP socket.
[ "$(v domstate d)" = running ] || die "not running after start"
v snapshot-create-as d c1 >/dev/null || die "online checkpoint"
v snapshot-create-as d e1 --disk-only >/dev/null || die "online external"
[ "$(cur)" != "$t/d.qcow2" ] || die "external snapshot did not switch to an overlay"
v snapshot-revert d e1 >/dev/null 2>"$t/err" && die "revert of a running domain to a disk snapshot needs --force"
grep -q -- --force "$t/err" || die "the refusal does not mention --force: $(cat "$t/err")"
v snapshot-revert d c1 --running >/dev/null || die "revert c1 --running"
[ "$(v domstate d)" = running ] || die "not running after revert --running"
v snapshot-list d --tree | grep -q 'e1' || die "tree view lacks e1"
[ "$(v snapshot-current d --name)" = c1 ] || die "current is not c1"
# A QEMU that died behind vsnap's back is noticed.
kill -9 "$(cat "$t/root/run/d.pid")"; sleep 0.2
[ "$(v domstate d)" = "shut off" ] || die "a killed QEMU is not noticed: $(v domstate d)"
v snapshot-dumpxml d s1 > "$t/s1.xml" || die dumpxml
v snapshot-delete d s1 --metadata >/dev/null || die "metadata-only delete"
v snapshot-create d "$t/s1.xml" --redefine >/dev/null || die redefine
v snapshot-info d s1 >/dev/null || die "redefined snapshot missing"
v undefine d >/dev/null 2>&1 && die "undefine with snapshots was not refused"
# snapshot-check: clean store exits 0; a stray tag is found (1), repaired, then clean again.
v snapshot-check d >/dev/null || die "snapshot-check of a consistent domain: $(v snapshot-check d)"
qemu-img snapshot -c stray "$(cur)" || die "making a stray tag"
v snapshot-check d > "$t/chk" && die "snapshot-check missed a stray tag"
grep -q '^orphan-tag' "$t/chk" || die "snapshot-check output: $(cat "$t/chk")"
v --json snapshot-check d | grep -q '"kind": "orphan-tag"' || die "snapshot-check --json"
v snapshot-check d --repair >/dev/null || die "snapshot-check --repair"
v snapshot-check d >/dev/null || die "stray tag still there after --repair"
# A read against a root that does not exist creates nothing.
"$bin" -c "qemu:///embed?root=$t/none/root" list --all >/dev/null || die "list on a missing root"
[ ! -e "$t/none" ] || die "list created the root"
for s in e1 c1 s1; do v snapshot-delete d $s >/dev/null || die "delete $s"; done
[ "$(v snapshot-list d --name | grep -c .)" -eq 0 ] || die "snapshots left after deleting all"
pat 0xaa "$(cur)" || die "current data lost"
v undefine d >/dev/null || die undefine
echo "qemu CLI lifecycle: ok"
