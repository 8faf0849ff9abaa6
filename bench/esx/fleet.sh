#!/bin/bash
# Fleet benchmark against vcsim (ESX model): one vsnap command over N VMs against a shell loop
# of N single-VM vsnap commands (a govc loop too when govc is on PATH), and the audit of a
# large inventory (requests, wall time). Request counts come from the simulator's trace.
#
# usage: VSNAP=build/bin/vsnap VCSIM=build/bin/vcsim bench/esx/fleet.sh [FLEET_VMS [AUDIT_VMS]]
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP:?set VSNAP to the vsnap CLI}; sim=${VCSIM:?set VCSIM to the simulator}
. "$(dirname "$0")/../../tests/vcsim/start.sh"
nfleet=${1:-200}; naudit=${2:-1000}; runs=${RUNS:-5}
t=$(mktemp -d); pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass

start_sim() { # VMs
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	: >"$t/trace"
	vcsim_start "$t/sim.out" -esx -vms "$1" -trace-file "$t/trace"
	U="esx://root@127.0.0.1:$port/?no_verify=1"
	GOVC_URL="https://root:pass@127.0.0.1:$port/sdk"; export GOVC_URL GOVC_INSECURE=1
	"$bin" -c "$U" list --all --name >"$t/vms" || { echo "bench: cannot list VMs" >&2; exit 1; }
}
reqs() { grep -c '^Request:' "$t/trace"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ---- fleet create vs a loop of single commands ----
start_sim "$nfleet"
: >"$t/trace"; s=$(now_ms)
"$bin" -c "$U" -q snapshot-create-as --all --name fleet1 >/dev/null || { echo "bench: fleet create failed" >&2; exit 1; }
fleet_ms=$(( $(now_ms) - s )); fleet_reqs=$(reqs)
: >"$t/trace"; s=$(now_ms)
while read -r vm; do "$bin" -c "$U" snapshot-create-as "$vm" loop1 >/dev/null || exit 1; done <"$t/vms"
loop_ms=$(( $(now_ms) - s )); loop_reqs=$(reqs)
printf 'one snapshot on each of %d VMs\n' "$nfleet"
printf '  %-34s %8s %10s\n' "" "wall ms" "requests"
printf '  %-34s %8d %10d\n' "vsnap, one fleet command" "$fleet_ms" "$fleet_reqs"
printf '  %-34s %8d %10d\n' "vsnap, shell loop of single commands" "$loop_ms" "$loop_reqs"
if command -v govc >/dev/null; then
	: >"$t/trace"; s=$(now_ms)
	while read -r vm; do govc snapshot.create -vm "$vm" govc1 >/dev/null || exit 1; done <"$t/vms"
	printf '  %-34s %8d %10d\n' "govc, shell loop" "$(( $(now_ms) - s ))" "$(reqs)"
fi
awk -v a="$loop_ms" -v b="$fleet_ms" 'BEGIN { printf "  loop / fleet: %.1fx (target >= 5x)\n", a / (b ? b : 1) }'

# ---- audit of a large inventory ----
start_sim "$naudit"
"$bin" -c "$U" -q snapshot-create-as --all --name a1 --parallel 32 >/dev/null || exit 1
"$bin" -c "$U" -q snapshot-create-as --all --name a2 --parallel 32 >/dev/null || exit 1
times=()
for _ in $(seq "$runs"); do
	: >"$t/trace"; s=$(now_ms)
	"$bin" -c "$U" snapshot-report --all >"$t/rep" || exit 1
	times+=($(( $(now_ms) - s )))
done
audit_reqs=$(reqs)
session=$(grep -cE '<vim25:(RetrieveServiceContent|Login|Logout)>' "$t/trace")
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
printf '\nsnapshot-report over %d VMs (%d snapshot rows), median of %d runs\n' "$naudit" \
	"$(( $(wc -l <"$t/rep") - 1 ))" "$runs"
printf '  wall %d ms; %d requests, of which %d session (content, login, logout) and %d reads\n' \
	"$median" "$audit_reqs" "$session" "$(( audit_reqs - session ))"
printf '  target: at most 3 reads plus paging, under 1000 ms\n'
