#!/bin/bash
# The CLI of issue 17 on QEMU: snapshot-revert --delete-children / --discard, snapshot-move
# between two embed roots (two hosts sharing the image directory) with --define, --copy and
# the refusals, and snapshot-create FILE with <disks>. Exit 77 when QEMU is missing.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}
for p in qemu-img qemu-io qemu-system-x86_64; do
	command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
t=$(mktemp -d); A="qemu:///embed?root=$t/A"; B="qemu:///embed?root=$t/B"
trap 'rm -rf "$t"' EXIT
die() { echo "FAIL: $*"; exit 1; }
src() { "$bin" -c "$1" dumpxml d | grep -o "source file='[^']*'" | head -1 | cut -d"'" -f2; }
qemu-img create -q -f qcow2 "$t/d.qcow2" 64M
cat > "$t/d.xml" <<XML
<domain type='qemu'><name>d</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$t/d.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
a() { "$bin" -c "$A" "$@"; }
b() { "$bin" -c "$B" "$@"; }
a define "$t/d.xml" >/dev/null || die define
a snapshot-create-as d s0 >/dev/null || die s0
a snapshot-create-as d e1 --disk-only >/dev/null || die e1
a snapshot-create-as d e2 --disk-only >/dev/null || die e2

# Usage and refusals.
a snapshot-move d >/dev/null 2>&1; [ $? = 2 ] || die "snapshot-move without --to is a usage error"
a snapshot-move d --to "$B" >/dev/null 2>"$t/err" && die "move to a root without the domain"
grep -q -- "--define" "$t/err" || die "the error does not suggest --define: $(cat "$t/err")"
a help snapshot-move | grep -q -- "--copy" || die "help snapshot-move"
a help snapshot-revert | grep -q -- "--delete-children" || die "help snapshot-revert"

# --copy leaves A as it is; the move then accepts what B has already.
a snapshot-move d --to "$B" --define --copy >/dev/null || die "copy"
[ "$(a snapshot-list d --name | grep -c .)" = 3 ] || die "copy changed A"
out=$(a --json snapshot-move d --to "$B") || die move
[ "$out" = '{"redefined": 0, "present": 3}' ] || die "json: $out"
[ -z "$(a snapshot-list d --name)" ] || die "A still lists snapshots"
[ "$(b snapshot-current d --name)" = e2 ] || die "current on B"

# On B: back to s0, deleting e1 and e2 first: the domain is on its original image again.
b snapshot-revert d s0 --delete-children >/dev/null || die "revert --delete-children"
[ "$(b snapshot-list d --name)" = s0 ] || die "children left: $(b snapshot-list d --name)"
[ "$(src "$B")" = "$t/d.qcow2" ] || die "not on the original image: $(src "$B")"
b snapshot-create-as d e3 --disk-only >/dev/null || die e3
[ "$(src "$B")" != "$t/d.qcow2" ] || die "e3 made no overlay"
b snapshot-revert d e3 --discard >/dev/null || die "revert --discard"
[ "$(src "$B")" = "$t/d.qcow2" ] || die "--discard left the overlay in use"
[ "$(b snapshot-list d --name)" = s0 ] || die "--discard left e3"

# snapshot-create FILE with <disks>: a chosen overlay; then an impossible combination.
cat > "$t/snap.xml" <<XML
<domainsnapshot><name>pick</name><disks><disk name='vda' snapshot='external'>
<source file='$t/picked.qcow2'/></disk></disks></domainsnapshot>
XML
b snapshot-create d "$t/snap.xml" --disk-only >/dev/null || die "create with <disks>"
[ "$(src "$B")" = "$t/picked.qcow2" ] || die "chosen overlay not used"
b snapshot-create d "$t/snap.xml" --disk-only >/dev/null 2>"$t/err" && die "same name twice"
cat > "$t/mix.xml" <<XML
<domainsnapshot><name>m</name><memory snapshot='internal'/></domainsnapshot>
XML
b snapshot-create d "$t/mix.xml" --disk-only >/dev/null 2>"$t/err" && die "memory in disk-only"
grep -q "memory" "$t/err" || die "memory error: $(cat "$t/err")"
# Completion knows the new options and offers URIs after --to.
comp() { PATH="$(dirname "$bin"):$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vsnap; echo "${COMPREPLY[*]}"' _ "$VSNAP_SRC/completion/vsnap.bash" "$@"; }
[ "$(comp vsnap snapshot-revert d s0 --del)" = "--delete-children" ] || die "completion --delete-children"
[ "$(comp vsnap snapshot-revert d s0 --disc)" = "--discard" ] || die "completion --discard"
comp vsnap snapshot-move d --to qemu:///e | grep -q "qemu:///embed?root=" || die "completion of --to"
[ "$(comp vsnap snapshot-mo)" = "snapshot-move" ] || die "completion of snapshot-move"
exit 0
