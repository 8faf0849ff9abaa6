#!/bin/bash
# Benchmark of the QEMU backend: create / revert / delete of internal checkpoints and external
# disk snapshots on a running domain (TCG, no guest OS, 128 MiB), median of N runs. When
# libvirt's embedded QEMU driver works here (virsh -c 'qemu:///embed?root=DIR', run as a
# non-root user), the same operations through virsh in the same run, and the ratios.
# usage: bench/qemu/bench.sh [path/to/vsnap] [N]      (default build/bin/vsnap, N=5)
# Goal: revert to an internal checkpoint of a running domain <= 0.3 s.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=$(realpath "${1:-build/bin/vsnap}"); n=${2:-5}
for p in qemu-img qemu-system-x86_64; do command -v $p >/dev/null || { echo "SKIP: no $p"; exit 77; }; done
t=$(mktemp -d /tmp/vsnap-bench.XXXXXX); chmod 755 "$t"
U="qemu:///embed?root=$t/vs"
cleanup() {
	"$bin" -c "$U" destroy d >/dev/null 2>&1
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

# op-timing over a tool: $1 = command prefix (a function name)
measure() {
	local tool=$1 pre=$2 f=$t/$1.times
	: > "$f"
	$tool define "$pre/$tool.xml" >/dev/null && $tool start d >/dev/null || return 1
	for i in $(seq "$n"); do
		a=$(now); $tool snapshot-create-as d "c$i" >/dev/null || return 1; b=$(now)
		echo "int_create $(echo "$b - $a" | bc)" >> "$f"
	done
	for i in $(seq "$n"); do
		a=$(now); $tool snapshot-revert d "c$i" --running >/dev/null || return 1; b=$(now)
		echo "int_revert $(echo "$b - $a" | bc)" >> "$f"
	done
	for i in $(seq "$n"); do
		a=$(now); $tool snapshot-delete d "c$i" >/dev/null || return 1; b=$(now)
		echo "int_delete $(echo "$b - $a" | bc)" >> "$f"
	done
	for i in $(seq "$n"); do
		a=$(now); $tool snapshot-create-as d "e$i" --disk-only >/dev/null || return 1; b=$(now)
		echo "ext_create $(echo "$b - $a" | bc)" >> "$f"
	done
	for i in $(seq "$n"); do
		a=$(now); $tool snapshot-revert d "e$i" --running --force >/dev/null 2>"$t/$tool.err" \
			|| { echo "ext_revert FAIL" >> "$f"; break; }
		b=$(now); echo "ext_revert $(echo "$b - $a" | bc)" >> "$f"
	done
	for i in $(seq "$n" -1 1); do
		a=$(now); $tool snapshot-delete d "e$i" >/dev/null 2>>"$t/$tool.err" \
			|| { echo "ext_delete FAIL" >> "$f"; break; }
		b=$(now); echo "ext_delete $(echo "$b - $a" | bc)" >> "$f"
	done
	$tool destroy d >/dev/null 2>&1
	return 0
}

vsnap_tool() { "$bin" -c "$U" "$@"; }
mkdir -p "$t/vsnap"; mkdom "$t/vsnap" vsnap_tool
measure vsnap_tool "$t/vsnap" || { echo "vsnap run failed"; exit 1; }

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
	for op in "int_create:snapshot-create-as d c%d" "int_revert:snapshot-revert d c%d --running" \
		"int_delete:snapshot-delete d c%d" "ext_create:snapshot-create-as d e%d --disk-only" \
		"ext_revert:snapshot-revert d e%d --running --force" "ext_delete:snapshot-delete d e%d"; do
		for i in $(seq "$n"); do
			cmds="$cmds; $(printf "${op#*:}" "$i")"; ops="$ops ${op%%:*}"
		done
	done
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

echo "median of $n runs, seconds; ratio = libvirt / vsnap (vsnap: one CLI process per operation)"
printf "%-12s %10s %10s %8s\n" operation vsnap_s libvirt_s ratio
for op in int_create int_revert int_delete ext_create ext_revert ext_delete; do
	v=$(awk -v o=$op '$1==o && $2!="FAIL" {print $2}' "$t/vsnap_tool.times" | median)
	l=""
	[ -f "$t/virsh_tool.times" ] && {
		grep -q "^$op FAIL" "$t/virsh_tool.times" && l=failed ||
		l=$(awk -v o=$op '$1==o {print $2}' "$t/virsh_tool.times" | median); }
	r=""
	[ -n "$l" ] && [ "$l" != failed ] && [ -n "$v" ] && r=$(echo "scale=1; $l / $v" | bc)
	printf "%-12s %10s %10s %8s\n" $op "${v:-?}" "${l:--}" "${r:+${r}x}"
done
v=$(awk '$1=="int_revert" {print $2}' "$t/vsnap_tool.times" | median)
echo "goal: internal checkpoint revert of a running domain <= 0.3 s: $v s"
