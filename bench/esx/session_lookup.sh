#!/bin/bash
# ESX benchmark of issue 12 items 1-2 against vcsim, in one run:
#  A. per-command SOAP requests and median wall time without a saved session
#     (--no-session-cache: login + logout every time) and with one (the CLI default), the two
#     run alternately so that a loaded machine slows both alike;
#  B. requests and bytes received to find ONE VM (`domstate KEY`, no saved session, so the
#     login is included) by name, MoRef, UUID and inventory path, for 2, 200 and 1000 VMs.
# Request counts come from the simulator's trace, bytes from `vsnap --debug` (one line per
# reply). A govc column appears when a govc binary is on PATH.
#
# usage: VSNAP=build/bin/vsnap VCSIM=build/bin/vcsim bench/esx/session_lookup.sh [VM-COUNTS...]
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP:?set VSNAP to the vsnap CLI}; sim=${VCSIM:?set VCSIM to the simulator}
. "$(dirname "$0")/../../tests/vcsim/start.sh"
counts=${*:-2 200 1000}
runs=${RUNS:-5}
t=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass XDG_RUNTIME_DIR=$t/run
unset VSNAP_SESSION_CACHE
mkdir -m 700 "$t/run"

start_sim() { # vcsim flags...
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	: >"$t/trace"
	vcsim_start "$t/sim.out" -esx -trace-file "$t/trace" "$@"
	U="esx://root@127.0.0.1:$port/?no_verify=1"
	GOVC_URL="https://root:pass@127.0.0.1:$port/sdk"
	vm=ha-host_VM0
}
reqs() { grep -c '^Request:' "$t/trace"; }
v() { "$bin" -c "$U" "$@" >/dev/null 2>"$t/err" || { echo "bench: vsnap $*: $(head -c 300 "$t/err")" >&2; exit 1; }; }
median_ms() {
	local i s e times=()
	for i in $(seq "$runs"); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		times+=($(( (e - s) / 1000000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
# median_pair_ms "A args" "B args": runs A and B alternately $runs times (so the load of a
# shared machine falls on both alike) and prints "median-A median-B" in ms
median_pair_ms() {
	local i s m e ta=() tb=() mid=$(( (runs + 1) / 2 ))
	for i in $(seq "$runs"); do
		s=$(date +%s%N); eval "$1" >/dev/null 2>&1; m=$(date +%s%N); eval "$2" >/dev/null 2>&1
		e=$(date +%s%N); ta+=($(( (m - s) / 1000000 ))); tb+=($(( (e - m) / 1000000 )))
	done
	echo "$(printf '%s\n' "${ta[@]}" | sort -n | sed -n "${mid}p") $(printf '%s\n' "${tb[@]}" | sort -n | sed -n "${mid}p")"
}
# requests of one run of "$@"
count_reqs() { local b; b=$(reqs); "$@" >/dev/null 2>&1; echo $(( $(reqs) - b )); }
govc_ok() { command -v govc >/dev/null 2>&1; }

# ---------------------------------------------------------------- A. saved session
start_sim
for i in $(seq 10); do v snapshot-create-as "$vm" "s$i"; done
cycle() { "$bin" "$@" -c "$U" snapshot-create-as "$vm" bench-y && "$bin" "$@" -c "$U" snapshot-revert "$vm" s1 &&
	"$bin" "$@" -c "$U" snapshot-delete "$vm" bench-y; }
echo "A. per command, 10-snapshot chain: requests / median ms (runs=$runs)"
printf '%-26s | %-17s | %-17s | %s\n' command "no saved session" "saved session" "wall ratio$(govc_ok && echo ' | govc ms')"
row() { # label, then the vsnap arguments after -c URI
	local label=$1; shift
	local nr nt sr st g=""
	nr=$(count_reqs "$bin" --no-session-cache -c "$U" "$@")
	v "$@"   # leaves a saved session
	sr=$(count_reqs "$bin" -c "$U" "$@")
	read -r nt st <<<"$(median_pair_ms "\"\$bin\" --no-session-cache -c \"\$U\" $*" "\"\$bin\" -c \"\$U\" $*")"
	printf '%-26s | %5d req %6d ms | %5d req %6d ms | %.2f' "$label" "$nr" "$nt" "$sr" "$st" \
		"$(awk -v a="$st" -v b="$nt" 'BEGIN { print (b > 0 ? a / b : 0) }')"
	govc_ok && [ -n "${GOVC:-}" ] && printf ' | %s' "$(GOVC_URL=$GOVC_URL GOVC_INSECURE=1 median_ms govc $GOVC)"
	printf '\n'
}
GOVC="snapshot.tree -vm $vm" row "snapshot-list --tree" snapshot-list "$vm" --tree
GOVC="vm.info $vm" row "domstate" domstate "$vm"
nr=$(count_reqs cycle --no-session-cache)
cycle >/dev/null 2>&1; sr=$(count_reqs cycle)
read -r nt st <<<"$(median_pair_ms "cycle --no-session-cache" cycle)"
printf '%-26s | %5d req %6d ms | %5d req %6d ms | %.2f\n' "create+revert+delete (3)" "$nr" "$nt" "$sr" "$st" \
	"$(awk -v a="$st" -v b="$nt" 'BEGIN { print (b > 0 ? a / b : 0) }')"
# 20 commands: 20 processes without and with a saved session, and one `batch` process
cp /dev/null "$t/cmds"; for i in $(seq 20); do echo "domstate $vm" >>"$t/cmds"; done
twenty() { local i; for i in $(seq 20); do "$bin" "$@" -c "$U" domstate "$vm" >/dev/null 2>&1; done; }
timed() { local b s e; b=$(reqs); s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
	printf '%5d req %6d ms' $(( $(reqs) - b )) $(( (e - s) / 1000000 )); }
printf '%-26s | %s | %s\n' "20 x domstate, 20 runs" "$(timed twenty --no-session-cache)" "$(timed twenty)"
printf '%-26s | %s | %s\n' "20 x domstate, batch" "$(timed "$bin" --no-session-cache -c "$U" batch <"$t/cmds")" \
	"$(timed "$bin" -c "$U" batch <"$t/cmds")"

# ---------------------------------------------------------------- B. bytes to find one VM
# bytes KEY: "requests bytes" of one `domstate KEY` without a saved session
bytes() {
	"$bin" --debug --no-session-cache -c "$U" domstate "$1" >/dev/null 2>"$t/dbg" || { echo "? ?"; return; }
	awk '/^#[0-9]+ .* bytes$/ { n++; b += $(NF-1) } END { printf "%d %d", n, b }' "$t/dbg"
}
echo
echo "B. finding one VM (domstate, login included): requests / KB received"
printf '%6s | %-14s | %-14s | %-14s | %-14s\n' VMs "by name" "by MoRef" "by UUID" "by path"
for n in $counts; do
	start_sim -vms "$n" -snapshots "$((n > 1 ? 2 * n : 0))"
	moref=$("$bin" --no-session-cache -c "$U" list --all | awk -v n="$vm" '$2 == n { print $1 }')
	uuid=$("$bin" --no-session-cache -c "$U" dominfo "$vm" | awk '/^UUID/ { print $2 }')
	line=$(printf '%6d' "$n")
	for k in "$vm" "moref:$moref" "$uuid" "/ha-datacenter/vm/$vm"; do
		read -r r by <<<"$(bytes "$k")"
		line+=$(printf ' | %3s req %6.1f KB' "$r" "$(awk -v b="$by" 'BEGIN { print b / 1024 }')")
	done
	echo "$line"
done
