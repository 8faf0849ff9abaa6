#!/bin/bash
# Benchmark of the QEMU backend: checkpoint create / revert / list / delete, and deleting
# external snapshots in the middle of a chain, running and shut off (TCG, no guest OS,
# 128 MiB), median of N runs. Run bench/qemu/setup.sh once first (installs the peer). When
# libvirt's embedded QEMU driver works here (virsh -c 'qemu:///embed?root=DIR', run as a
# non-root user), the same operations through virsh in the same run, and the ratios.
# usage: bench/qemu/bench.sh [path/to/vsnap] [N]      (default build/bin/vsnap, N=5)
# Targets: delete mid-chain <= 1.5x libvirt, checkpoint create <= 1.2x, revert <= 0.3 s.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=$(realpath "${1:-build/bin/vsnap}"); n=${2:-5}
for p in qemu-img qemu-system-x86_64; do command -v $p >/dev/null || { echo "SKIP: no $p"; exit 77; }; done
t=$(mktemp -d /tmp/vsnap-bench.XXXXXX); chmod 755 "$t"
U="qemu:///embed?root=$t/vs"
cleanup() {
	"$bin" -c "$U" destroy d >/dev/null 2>&1
	"$bin" -c "qemu:///embed?root=$t/vs2" destroy d >/dev/null 2>&1
	rm -rf "$t"
}
trap cleanup EXIT

mkdom() { # dir name
	qemu-img create -q -f qcow2 "$1/$2.qcow2" 64M
	cat > "$1/$2.xml" <<XML
<domain type='qemu'><name>d</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$1/$2.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
}

# Median wall time (seconds) of "$@" over n runs; each run's setup is done by the caller.
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The operations, in order, as "name:command" with %d for the round (1..n). Each tool runs
# them against the same fresh domain: checkpoints c1..cn (create, revert, list, delete), then
# an external chain e1..e(n+1) on the running domain whose first n links are deleted from the
# bottom up (each one in the middle of the chain: it has a child and a parent image), then
# the same chain shut off (f1..f(n+1)).
ops() {
	for i in $(seq "$n"); do echo "int_create:snapshot-create-as d c$i"; done
	for i in $(seq "$n"); do echo "int_revert:snapshot-revert d c$i --running"; done
	for i in $(seq "$n"); do echo "list:snapshot-list d"; done
	for i in $(seq "$n"); do echo "int_delete:snapshot-delete d c$i"; done
	for i in $(seq $((n + 1))); do echo "ext_create:snapshot-create-as d e$i --disk-only"; done
	for i in $(seq "$n"); do echo "ext_delete_mid:snapshot-delete d e$i"; done
	echo "-:destroy d"
	for i in $(seq $((n + 1))); do echo "off_create:snapshot-create-as d f$i --disk-only"; done
	for i in $(seq "$n"); do echo "off_delete_mid:snapshot-delete d f$i"; done
}

# vsnap: one process per operation, as a user runs it.
measure() {
	local tool=$1 pre=$2 f=$t/$1.times
	: > "$f"
	$tool define "$pre/$tool.xml" >/dev/null && $tool start d >/dev/null || return 1
	while IFS= read -r line; do
		op=${line%%:*}; cmd=${line#*:}
		a=$(now); $tool $cmd >/dev/null 2>>"$t/$tool.err"; rc=$?; b=$(now)
		[ "$op" = - ] && continue
		[ $rc = 0 ] && echo "$op $(echo "$b - $a" | bc)" >> "$f" || echo "$op FAIL" >> "$f"
	done < <(ops)
	$tool destroy d >/dev/null 2>&1
	return 0
}

vsnap_tool() { "$bin" -c "$U" "$@"; }
mkdir -p "$t/vsnap"; mkdom "$t/vsnap" vsnap_tool
measure vsnap_tool "$t/vsnap" || { echo "vsnap run failed"; exit 1; }

# The same operations inside one process (qemu_ops_bench, linked to libvsnap), as virsh -t
# times libvirt: the ratios compare library work, not process start-up.
ops_bench=$(dirname "$bin")/../bench/qemu_ops_bench
if [ -x "$ops_bench" ]; then
	"$bin" -c "$U" undefine d >/dev/null 2>&1
	U2="qemu:///embed?root=$t/vs2"; mkdir -p "$t/lib"; mkdom "$t/lib" lib
	{ echo "-:define $t/lib/lib.xml"; echo "-:start d"; ops; echo "-:destroy d"; } |
		"$ops_bench" "$U2" > "$t/vsnap_lib.times" 2>"$t/vsnap_lib.err"
fi

# libvirt's embedded driver refuses root: run virsh as nobody. Its QEMU dies when virsh
# exits, so all operations go through one virsh process (-t prints each command's time).
if command -v virsh >/dev/null; then
	lv=$t/lv; mkdir -p "$lv/root/etc"
	echo 'stdio_handler = "file"' > "$lv/root/etc/qemu.conf"   # no virtlogd
	mkdom "$lv" virsh_tool
	runas=""
	if [ "$(id -u)" = 0 ]; then
		chown -R nobody "$lv"
		runas="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
	fi
	cmds="define $lv/virsh_tool.xml; start d"
	ops=""
	while IFS= read -r line; do
		cmds="$cmds; ${line#*:}"; ops="$ops ${line%%:*}"
	done < <(ops)
	cmds="$cmds; destroy d"
	$runas env HOME="$lv" virsh -t -c "qemu:///embed?root=$lv/root" "$cmds" > "$t/virsh.out" 2>&1
	# Pair each timed command (after define and start) with its operation; errors = unsupported.
	awk -v ops="$ops" 'BEGIN { split(ops, o, " ") }
		/^error:/ { err = 1 }
		/^\(Time: / { k++; if (k > 2 && k - 2 <= length(o)) {
			gsub(/[^0-9.]/, "", $2); print o[k-2], (err ? "FAIL" : $2 / 1000) }
			err = 0 }' "$t/virsh.out" > "$t/virsh_tool.times"
	if [ ! -s "$t/virsh_tool.times" ]; then
		echo "libvirt embedded QEMU driver unusable here: $(head -c 300 "$t/virsh.out")"
		rm -f "$t/virsh_tool.times"
	fi
fi

echo "median of $n runs, seconds. vsnap: in one process (qemu_ops_bench); vsnap_cli: one vsnap"
echo "process per operation; libvirt: virsh -t in-process time of its embedded driver."
echo "ratio = vsnap (in-process) / libvirt"
printf "%-15s %10s %10s %10s %8s\n" operation vsnap_s vsnap_cli_s libvirt_s ratio
for op in int_create int_revert list int_delete ext_create ext_delete_mid off_create off_delete_mid; do
	c=$(awk -v o=$op '$1==o && $2!="FAIL" {print $2}' "$t/vsnap_tool.times" | median)
	v=$c
	[ -s "$t/vsnap_lib.times" ] && v=$(awk -v o=$op '$1==o && $2!="FAIL" {print $2}' "$t/vsnap_lib.times" | median)
	l=""
	[ -f "$t/virsh_tool.times" ] && {
		grep -q "^$op FAIL" "$t/virsh_tool.times" && l=failed ||
		l=$(awk -v o=$op '$1==o {print $2}' "$t/virsh_tool.times" | median); }
	r=""
	[ -n "$l" ] && [ "$l" != failed ] && [ -n "$v" ] && r=$(echo "scale=2; $v / $l" | bc)
	printf "%-15s %10s %10s %10s %8s\n" $op "${v:-?}" "${c:-?}" "${l:--}" "${r:+${r}x}"
done
v=$(awk '$1=="int_revert" {print $2}' "$t/vsnap_tool.times" | median)
echo "targets: ext_delete_mid <= 1.5x libvirt, int_create <= 1.2x libvirt, int_revert <= 0.3 s ($v s)"
grep -q FAIL "$t/vsnap_tool.times" "$t/vsnap_lib.times" 2>/dev/null &&
	{ echo "vsnap failures:"; cat "$t/vsnap_tool.err" "$t/vsnap_lib.err" 2>/dev/null; }
exit 0
