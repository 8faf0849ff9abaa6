#!/bin/bash
# Every ESX-driver CLI command against vcsim (ESX model, then vCenter model), plus a
# cross-check that the tree vsnap builds reads back identically through a raw
# RetrievePropertiesEx sent with curl (a second, independent SOAP client).
# Real-ESX semantics vcsim lacks are covered by test_esx_replay (fixtures/esx/).
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; sim=${VSNAP_VCSIM:-${VSNAP_BUILD:-}/bin/vcsim}  # tests/vcsim builds it there
[ -x "$sim" ] || { echo "SKIP: no simulator at '$sim' (VSNAP_VCSIM)"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
t=$(mktemp -d); pid=; fails=0
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass

. "$(dirname "$0")/../vcsim/start.sh"
start_sim() { # model flag
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	: >"$t/trace"
	vcsim_start "$t/sim.out" $1 -username root -password pass -trace-file "$t/trace"
}
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# ok DESCRIPTION -- command...: must succeed; output in $t/out
ok() { local d=$1; shift 2; "$@" >"$t/out" 2>"$t/err" || fail "$d: exit $?: $(head -c 400 "$t/err")"; }
# ko DESCRIPTION PATTERN -- command...: must fail with PATTERN in stderr
ko() { local d=$1 p=$2; shift 3; if "$@" >"$t/out" 2>"$t/err"; then fail "$d: succeeded";
	elif ! grep -qiE -- "$p" "$t/err"; then fail "$d: error lacks /$p/: $(head -c 400 "$t/err")"; fi; }
has() { grep -qE -- "$2" "$t/out" || fail "$1: output lacks /$2/: $(head -c 400 "$t/out")"; }
reqs() { grep -c '^Request:' "$t/trace"; }
V() { "$bin" -c "$U" "$@"; }

# ---------------------------------------------------------------- ESX model
start_sim -esx
U="esx://root@127.0.0.1:$port/?no_verify=1"
ok "list" -- V list --all --name
vm=$(head -1 "$t/out"); vm2=$(sed -n 2p "$t/out")
[ -n "$vm" ] || { echo "FAIL: no VM listed"; exit 1; }
ok "list table" -- V list --all; has "list table" "$vm"
ok "dominfo" -- V dominfo "$vm"; has "dominfo" "running"
uuid=$(awk '/^UUID/ { print $2 }' "$t/out")
ok "domstate" -- V domstate "$vm"; has "domstate" "running"
[ -n "$uuid" ] && { ok "lookup by UUID" -- V domstate "$uuid"; has "lookup by UUID" running; }
ko "unknown VM" "no VM with name" -- V domstate no-such-vm
ko "esx URI with a path" "no path" -- "$bin" -c "esx://root@127.0.0.1:$port/dc?no_verify=1" list
ko "unknown URI parameter" "not known" -- "$bin" -c "esx://root@127.0.0.1:$port/?no_verfy=1" list
ko "TLS verification on by default" "certif|verif|TLS|SSL" -- "$bin" -c "esx://root@127.0.0.1:$port/" list
ko "vpx:// to an ESX host" "not a vCenter" -- "$bin" -c "vpx://root@127.0.0.1:$port/DC0/H0?no_verify=1" list
ok "gsx:// (a host agent too)" -- "$bin" -c "gsx://root@127.0.0.1:$port/?no_verify=1" list --all --name
has "gsx list" "$vm"
# --debug logs every exchange (log_file) with the password redacted
"$bin" --debug -c "$U" domstate "$vm" >/dev/null 2>"$t/debug" || fail "--debug domstate failed"
grep -q "RetrievePropertiesEx" "$t/debug" || fail "--debug logged no exchange: $(head -c 300 "$t/debug")"
grep -q ">pass<" "$t/debug" && fail "--debug log shows the password"
VSNAP_PASSWORD=wrong ko "wrong password" "log in|login|auth" -- V list

# power operations
ok "suspend" -- V suspend "$vm"; ok "domstate" -- V domstate "$vm"; has "suspended state" "paused"
ok "resume" -- V resume "$vm"; ok "domstate" -- V domstate "$vm"; has "resumed state" "running"
ko "resume a running VM" "not suspended" -- V resume "$vm"
ok "reset" -- V reset "$vm"
ok "destroy" -- V destroy "$vm"; ok "domstate" -- V domstate "$vm"; has "destroyed state" "shut off"
ok "start" -- V start "$vm"; ok "domstate" -- V domstate "$vm"; has "started state" "running"

# snapshots
ok "create s1" -- V snapshot-create-as "$vm" s1 "first one"
ok "create s2" -- V snapshot-create-as "$vm" s2
wire() { grep 'CreateSnapshot_Task><' "$t/trace" | grep -v Response | tail -1; }  # the body follows its Request: line
wire | grep -q 'memory>true<' || fail "a running VM's default snapshot was not sent with memory=true"
ok "create disk-only" -- V snapshot-create-as "$vm" disk --disk-only --quiesce
wire | grep -q 'memory>false<.*quiesce>true<' || fail "--disk-only --quiesce not sent as memory=false quiesce=true: $(wire | head -c 300)"
ko "duplicate name" "already" -- V snapshot-create-as "$vm" s2
printf '<domainsnapshot><name>x</name><state>running</state><creationTime>1700000000</creationTime></domainsnapshot>' >"$t/redef.xml"
ko "redefine" "cannot redefine" -- V snapshot-create "$vm" "$t/redef.xml" --redefine
# vcsim's stub .vmx lacks config.version and more: filled from the VM's properties, each a warning
ok "dumpxml of vcsim's stub .vmx" -- V dumpxml "$vm"; has "dumpxml of a stub .vmx" "<domain type='vmware'"
grep -q "key 'config.version' is missing" "$t/err" || fail "dumpxml: no warning for the filled key: $(head -c 300 "$t/err")"
b=$(reqs); ok "list --tree" -- V snapshot-list "$vm" --tree; n=$(( $(reqs) - b ))
has "tree" "s1"; has "tree" "disk"
# Without a saved session (ctest sets VSNAP_SESSION_CACHE=0): service content, login, the VM
# names, the VM, logout. With one it is 2 (tests/esx/session_vcsim.sh).
[ "$n" -le 5 ] || fail "snapshot-list --tree took $n requests (at most 5)"
ok "current" -- V snapshot-current "$vm" --name; has "current" "^disk$"
ok "parent" -- V snapshot-parent "$vm" disk; has "parent" "^s2$"
ok "info" -- V snapshot-info "$vm" s1; has "info" "first one"; has "info" "running"
ok "dumpxml" -- V snapshot-dumpxml "$vm" s1; has "dumpxml" "<name>s1</name>"; has "dumpxml" "<state>running</state>"
ok "list --json" -- V --json snapshot-list "$vm"; has "json" '"s2"'
ok "revert s1" -- V snapshot-revert "$vm" s1
ok "current after revert" -- V snapshot-current "$vm" --name; has "current after revert" "^s1$"
ok "revert --paused" -- V snapshot-revert "$vm" s1 --paused
ok "domstate" -- V domstate "$vm"; has "state after revert --paused" "paused"
ok "revert --running" -- V snapshot-revert "$vm" s2 --running
ok "domstate" -- V domstate "$vm"; has "state after revert --running" "running"
ok "branch b1 under s2" -- V snapshot-create-as "$vm" b1
ok "revert s1" -- V snapshot-revert "$vm" s1
ok "branch c1 under s1" -- V snapshot-create-as "$vm" c1
ok "c1's child" -- V snapshot-create-as "$vm" c2
ko "delete --metadata" "metadata from data" -- V snapshot-delete "$vm" c2 --metadata
ok "delete one node" -- V snapshot-delete "$vm" c1
ok "parent of c2" -- V snapshot-parent "$vm" c2; has "re-parented" "^s1$"
ok "delete --children-only" -- V snapshot-delete "$vm" s2 --children-only
ok "names" -- V snapshot-list "$vm" --name
grep -qE '^(disk|b1)$' "$t/out" && fail "children of s2 survived --children-only"
grep -q '^s2$' "$t/out" || fail "--children-only removed s2 itself"
ok "delete --no-consolidate" -- V snapshot-delete "$vm" c2 --no-consolidate
# vcsim 0.24 does not report runtime.consolidationNeeded: an answer or that precise error.
if V consolidate "$vm" --check >"$t/out" 2>"$t/err"; then has "consolidate --check" "consolidation"
else grep -q "consolidationNeeded" "$t/err" || fail "consolidate --check: $(head -c 300 "$t/err")"; fi
# vcsim has neither RenameSnapshot nor ConsolidateVMDisks_Task: the fault must reach the user.
ko "rename on vcsim" "MethodNotFound|not implemented|RenameSnapshot" -- V snapshot-edit "$vm" s1 --rename r1
ko "consolidate on vcsim" "MethodNotFound|not implemented|Consolidate" -- V consolidate "$vm"
ok "create --halt" -- V snapshot-create-as "$vm" h --halt
ok "domstate" -- V domstate "$vm"; has "state after --halt" "shut off"
ok "delete --children" -- V snapshot-delete "$vm" s1 --children
ok "names" -- V snapshot-list "$vm" --name
[ "$(grep -c . "$t/out")" -eq 0 ] || fail "after deleting the root s1 with children: $(tr '\n' ' ' <"$t/out")"

# cross-check: what vsnap creates, a second client sees identically
ok "start" -- V start "$vm"
for s in x1 x2 x3; do ok "create $s" -- V snapshot-create-as "$vm" "$s" "desc $s"; done
ok "revert x1" -- V snapshot-revert "$vm" x1; ok "create y1" -- V snapshot-create-as "$vm" y1
ok "vsnap json" -- V --json snapshot-list "$vm"
mine=$(grep -oE '"name": *"[^"]*"' "$t/out" | sed 's/.*"\([^"]*\)"$/\1/' | sort | tr '\n' ' ')
vmref=$(V --json dominfo "$vm" 2>/dev/null | grep -oE '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/')
env_start='<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
env_end='</soapenv:Body></soapenv:Envelope>'
soap() { curl -sk -b "$t/jar" -c "$t/jar" -H 'Content-Type: text/xml' -H 'SOAPAction: urn:vim25/6.5' \
	--data "$env_start$1$env_end" "https://127.0.0.1:$port/sdk"; }
soap '<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this><userName>root</userName><password>pass</password></Login>' >/dev/null
raw=$(soap "<RetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">ha-property-collector</_this><specSet><propSet><type>VirtualMachine</type><pathSet>snapshot</pathSet></propSet><objectSet><obj type=\"VirtualMachine\">$vmref</obj></objectSet></specSet><options/></RetrievePropertiesEx>")
theirs=$(printf '%s' "$raw" | grep -oE '<name>[^<]*</name>' | sed 's/<[^>]*>//g' | grep -v '^snapshot$' | sort | tr '\n' ' ')
[ -n "$vmref" ] && [ "$mine" = "$theirs" ] || fail "cross-check: vsnap sees '$mine', raw SOAP sees '$theirs' (VM '$vmref')"
cur=$(printf '%s' "$raw" | grep -oE '<currentSnapshot[^>]*>[^<]*' | sed 's/.*>//')
ok "current id" -- V snapshot-info "$vm" --current; has "current id is the raw currentSnapshot" "Id: +$cur\$"
ok "delete-all" -- V snapshot-delete-all "$vm"
ok "names" -- V snapshot-list "$vm" --name
[ "$(grep -c . "$t/out")" -eq 0 ] || fail "snapshots left after delete-all"
[ -n "$vm2" ] && { ok "second VM untouched" -- V snapshot-list "$vm2" --name; }

# Safety valve for a suspended VM: its state is lost by reverting to a memory-less snapshot.
if [ -n "$vm2" ]; then
	ok "power off vm2" -- V destroy "$vm2"
	ok "offline snapshot" -- V snapshot-create-as "$vm2" cold
	ok "start vm2" -- V start "$vm2"
	ok "suspend vm2" -- V suspend "$vm2"
	ko "suspended -> shutoff needs --force" "suspended.*--force" -- V snapshot-revert "$vm2" cold
	ok "state kept after refusal" -- V domstate "$vm2"; has "state kept after refusal" "paused"
	ok "suspended -> shutoff with --force" -- V snapshot-revert "$vm2" cold --force
	ok "cleanup vm2" -- V snapshot-delete "$vm2" cold
fi

# ---------------------------------------------------------------- vCenter model
start_sim ""
ko "esx:// to a vCenter" "is a vCenter" -- "$bin" -c "esx://root@127.0.0.1:$port/?no_verify=1" list
U="vpx://root@127.0.0.1:$port/DC0/DC0_C0/DC0_C0_H0?no_verify=1"
ok "vpx list" -- V list --all --name
vm=$(head -1 "$t/out")
[ -n "$vm" ] || fail "vpx: no VM on DC0_C0_H0"
ko "vpx bad host" "no host" -- "$bin" -c "vpx://root@127.0.0.1:$port/DC0/DC0_C0/nohost?no_verify=1" list
if [ -n "$vm" ]; then
	ok "vpx create" -- V snapshot-create-as "$vm" v1
	ok "vpx create" -- V snapshot-create-as "$vm" v2 --disk-only
	b=$(reqs); ok "vpx tree" -- V snapshot-list "$vm" --tree; n=$(( $(reqs) - b ))
	has "vpx tree" v2
	[ "$n" -le 6 ] || fail "vpx snapshot-list --tree took $n requests (at most 6 with the host lookup)"
	ok "vpx revert" -- V snapshot-revert "$vm" v1
	ok "vpx info" -- V snapshot-info "$vm" v1; has "vpx id" "Id: +snapshot-"
	ok "vpx delete" -- V snapshot-delete "$vm" v1 --children
	ok "vpx names" -- V snapshot-list "$vm" --name
	[ "$(grep -c . "$t/out")" -eq 0 ] || fail "vpx: snapshots left"
fi
U="vpx://root@127.0.0.1:$port/DC0/DC0_H0?no_verify=1"
ok "vpx standalone host" -- V list --all --name

[ "$fails" -eq 0 ] && echo "all ESX CLI checks passed" || echo "$fails ESX CLI check(s) failed"
[ "$fails" -eq 0 ]
