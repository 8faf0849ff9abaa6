#!/bin/bash
# ESX driver benchmark against vcsim: SOAP requests and wall time of `snapshot-list --tree`
# and of a create -> revert -> delete cycle, for chains and trees of 10, 50 and 200 snapshots.
# Request counts come from the simulator's trace file (one "Request:" line per SOAP call).
# A govc column appears when a govc binary is on PATH; libvirt 9.0's measured figure for the
# listing (6n+20 requests, ../shared/REFERENCE.md) is printed for comparison.
#
# usage: VSNAP=build/bin/vsnap VCSIM=build/tests/vcsim/vcsim bench/esx/bench.sh [SIZES...]
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP:?set VSNAP to the vsnap CLI}; sim=${VCSIM:?set VCSIM to the simulator}
. "$(dirname "$0")/../../tests/vcsim/start.sh"
sizes=${*:-10 50 200}
runs=${RUNS:-5}
t=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass

start_sim() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	: >"$t/trace"
	vcsim_start "$t/sim.out" -esx -trace-file "$t/trace"
	U="esx://root@127.0.0.1:$port/?no_verify=1"
	GOVC_URL="https://root:pass@127.0.0.1:$port/sdk"
	vm=$("$bin" -c "$U" list --all --name | head -1)
	[ -n "$vm" ] || { echo "bench: cannot list VMs on the simulator" >&2; exit 1; }
}
reqs() { grep -c '^Request:' "$t/trace"; }
v() { "$bin" -c "$U" "$@" >/dev/null 2>"$t/err" || { echo "bench: vsnap $*: $(head -c 300 "$t/err")" >&2; exit 1; }; }

# median wall time in ms of "$@" over $runs runs
median_ms() {
	local i s e times=()
	for i in $(seq "$runs"); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		times+=($(( (e - s) / 1000000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

build() { # shape n
	local i
	for i in $(seq 1 "$2"); do
		# tree: node i hangs under node i/2 (a binary tree); chain: under node i-1
		[ "$1" = tree ] && [ "$i" -gt 1 ] && v snapshot-revert "$vm" "s$((i / 2))"
		v snapshot-create-as "$vm" "s$i"
	done
}

printf '%-6s %5s | %-22s | %-24s | %s\n' shape n "list --tree: req / ms" \
	"create+revert+delete" "libvirt req | govc ms (ratio)"
for shape in chain tree; do
	for n in $sizes; do
		start_sim
		build "$shape" "$n"
		b=$(reqs); v snapshot-list "$vm" --tree; lr=$(( $(reqs) - b ))
		lt=$(median_ms "$bin" -c "$U" snapshot-list "$vm" --tree)
		b=$(reqs)
		v snapshot-create-as "$vm" bench-x; v snapshot-revert "$vm" s1; v snapshot-delete "$vm" bench-x
		cr=$(( $(reqs) - b ))
		cycle() { "$bin" -c "$U" snapshot-create-as "$vm" bench-y && "$bin" -c "$U" snapshot-revert "$vm" s1 &&
			"$bin" -c "$U" snapshot-delete "$vm" bench-y; }
		ct=$(median_ms cycle)
		g="n/a (no govc on PATH)"
		if command -v govc >/dev/null 2>&1; then
			gt=$(GOVC_URL=$GOVC_URL GOVC_INSECURE=1 median_ms govc snapshot.tree -vm "$vm")
			g="$gt ms ($(awk -v a="$lt" -v b="$gt" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'))"
		fi
		printf '%-6s %5d | %6d req %8d ms | %6d req %9d ms | %6d | %s\n' "$shape" "$n" "$lr" "$lt" \
			"$cr" "$ct" $((6 * n + 20)) "$g"
	done
done
