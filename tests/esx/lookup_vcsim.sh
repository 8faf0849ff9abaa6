#!/bin/bash
# Finding one VM through the CLI (vsnap --debug counts each reply's bytes): every selector
# kind works and a duplicated name is an ambiguity error naming both MoRefs; the bytes and
# requests of a single-VM command do not change when the other VMs gain 500 snapshots (200
# VMs); by MoRef, UUID or inventory path they do not grow with the VM count either (2 -> 200).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; sim=${VSNAP_VCSIM:-${VSNAP_BUILD:-}/bin/vcsim}
[ -x "$sim" ] || { echo "SKIP: no simulator at '$sim' (VSNAP_VCSIM)"; exit 77; }
t=$(mktemp -d); pid=; fails=0
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass VSNAP_SESSION_CACHE=0

. "$(dirname "$0")/../vcsim/start.sh"
start_sim() { # vcsim flags...
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	vcsim_start "$t/sim.out" -esx -username root -password pass "$@"
	U="esx://root@127.0.0.1:$port/?no_verify=1"
}
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
V() { "$bin" -c "$U" "$@"; }
# cost KEY: c="<requests> <bytes received>" of `domstate KEY`, which must say running
cost() {
	c="0 0"
	"$bin" --debug -c "$U" domstate "$1" >"$t/out" 2>"$t/err" || { fail "domstate '$1': $(grep -v '^#' "$t/err" | head -c 300)"; return; }
	grep -q running "$t/out" || fail "domstate '$1' printed $(head -c 100 "$t/out")"
	c=$(awk '/^#[0-9]+ .* bytes$/ { n++; b += $(NF-1) } END { print n, b }' "$t/err")
}
# same_cost WHAT A B PERCENT: same requests, bytes within PERCENT
same_cost() {
	local ra ba rb bb; read -r ra ba <<<"$2"; read -r rb bb <<<"$3"
	[ "$ra" = "$rb" ] || fail "$1: $ra requests vs $rb"
	awk -v a="$ba" -v b="$bb" -v p="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d * 100 <= a * p) }' ||
		fail "$1: $ba bytes vs $bb (more than $4% apart)"
	echo "  $1: $ra requests, $ba -> $bb bytes"
}
keys() { # the first VM by name (vcsim gives the others the snapshots): name, MoRef, UUID
	V list --all >"$t/list" 2>&1 || fail "list: $(head -c 200 "$t/list")"
	vm=ha-host_VM0
	moref=$(awk -v n="$vm" '$2 == n { print $1 }' "$t/list")
	V dominfo "$vm" >"$t/info" 2>&1; uuid=$(awk '/^UUID/ { print $2 }' "$t/info")
	[ -n "$moref" ] && [ -n "$uuid" ] || fail "no MoRef/UUID for $vm: $(head -c 300 "$t/list")"
}

# ---- selectors and ambiguity (4 VMs, the last renamed to the first's name)
start_sim -vms 4 -duplicate-name
V list --all >"$t/list" 2>&1
dup=$(awk 'NR > 2 && $2 != "" { print $2 }' "$t/list" | sort | uniq -d | head -1)
[ -n "$dup" ] || fail "vcsim -duplicate-name made no duplicate: $(cat "$t/list")"
other=$(awk -v d="$dup" 'NR > 2 && $2 != "" && $2 != d { print $1, $2; exit }' "$t/list")
om=${other% *}; on=${other#* }
V dominfo "$on" >"$t/info" 2>&1; ou=$(awk '/^UUID/ { print $2 }' "$t/info")
for k in "$on" "name:$on" "$om" "moref:$om" "$ou" "uuid:$ou" "/ha-datacenter/vm/$on" "path:ha-datacenter/vm/$on"; do
	V domid "$k" >"$t/out" 2>"$t/err" || V dominfo "$k" >"$t/out" 2>"$t/err" || fail "selector '$k': $(head -c 200 "$t/err")"
	grep -q "$om" "$t/out" || fail "selector '$k' found another VM: $(head -c 200 "$t/out")"
done
V domstate "$dup" >"$t/out" 2>"$t/err" && fail "a duplicated name was not refused"
grep -qE "2 VMs are named '$dup' \(MoRefs vm-[0-9]+, vm-[0-9]+\)" "$t/err" || fail "ambiguity error: $(head -c 300 "$t/err")"
V domstate "moref:$om-x" >/dev/null 2>"$t/err" && fail "moref: of a missing VM succeeded"
V domstate "/ha-datacenter/vm" >/dev/null 2>"$t/err"; grep -q "names a Folder" "$t/err" || fail "path to a folder: $(head -c 200 "$t/err")"

# ---- 2 VMs, then 200 VMs without snapshots, then with 500 snapshots on the other VMs
start_sim -vms 2
keys
cost "moref:$moref"; small_moref=$c; cost "$uuid"; small_uuid=$c
cost "/ha-datacenter/vm/$vm"; small_path=$c

start_sim -vms 200
keys
cost "$vm"; plain_name=$c; cost "moref:$moref"; plain_moref=$c; cost "$uuid"; plain_uuid=$c
cost "/ha-datacenter/vm/$vm"; plain_path=$c
start_sim -vms 200 -snapshots 500
keys
# 500 round-robin over the 199 others: 2 or 3 each
V snapshot-list ha-host_VM1 --name >"$t/out" 2>&1; [ "$(wc -l <"$t/out")" -ge 2 ] ||
	fail "vcsim -snapshots 500 gave ha-host_VM1 $(wc -l <"$t/out") snapshots"
echo "other VMs gain 500 snapshots (200 VMs):"
cost "$vm"; same_cost "by name" "$plain_name" "$c" 1
cost "moref:$moref"; same_cost "by MoRef" "$plain_moref" "$c" 1
cost "$uuid"; same_cost "by UUID" "$plain_uuid" "$c" 1
cost "/ha-datacenter/vm/$vm"; same_cost "by path" "$plain_path" "$c" 1
echo "2 -> 200 VMs:"
same_cost "by MoRef" "$small_moref" "$plain_moref" 10
same_cost "by UUID" "$small_uuid" "$plain_uuid" 10
same_cost "by path" "$small_path" "$plain_path" 10

[ "$fails" = 0 ] && echo "PASS: VM lookup" || { echo "$fails failure(s)"; exit 1; }
