#!/bin/bash
# Real-ESX semantics that vcsim lacks, replayed from fixtures/esx/ (no network): power state
# recorded for memory-less snapshots and the resulting state mapping, the revert safety valve,
# ESX powering a VM on by itself after a revert (no second PowerOn), a queued task, rename,
# consolidation (success and a NoDiskSpace task fault), duplicate VM and snapshot names, ESXi
# MoRef forms, dumpxml from a downloaded .vmx, screenshots (live and of a snapshot), and an
# inaccessible VM (config unset). A replay fails on any request the fixture
# does not expect, so each case also proves which requests the driver sends.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; src=${VSNAP_SRC:?}
F=$src/fixtures/esx; t=$(mktemp -d); fails=0
trap 'rm -rf "$t"' EXIT
export VSNAP_PASSWORD=pass VSNAP_AUTH_FILE=/nonexistent
# The URI only names the host for credentials and messages: replay opens no connection.
U="esx://root@esx.invalid/?no_verify=1"
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# ok FIXTURE -- args: must succeed; ko FIXTURE PATTERN -- args: must fail with PATTERN
ok() { local d=$1; shift 2; "$bin" -c "$U" --replay "$F/$d" "$@" >"$t/out" 2>"$t/err" ||
	fail "$d: $*: exit $?: $(head -c 400 "$t/err")"; }
ko() { local d=$1 p=$2; shift 3; if "$bin" -c "$U" --replay "$F/$d" "$@" >"$t/out" 2>"$t/err"; then
	fail "$d: $*: succeeded"; elif ! grep -qE -- "$p" "$t/err"; then
	fail "$d: $*: error lacks /$p/: $(head -c 400 "$t/err")"; fi; }
has() { grep -qE -- "$2" "$t/out" || fail "$1: output lacks /$2/: $(head -c 400 "$t/out")"; }

# state mapping: memory (running), memory-less (shutoff), quiesced memory-less (disk-snapshot)
ok tree-real-esx -- snapshot-list web
has "states" "s1 .* running"; has "states" "s2 .* shutoff"; has "states" "s3 .* disk-snapshot"
ok tree-real-esx -- --json snapshot-list web
has "ESXi MoRef ids" '"id": "2-snapshot-2"'; has "memory flag" '"name": "s2".*"memory": false'
ok tree-real-esx -- snapshot-dumpxml web s3
has "dumpxml state" "<state>disk-snapshot</state>"; has "dumpxml memory" "<memory snapshot='no'/>"
ok tree-real-esx -- snapshot-info web s1
has "info" "Memory: +yes"
# revert safety valve: running VM -> memory-less snapshot, refused before any revert request
ko tree-real-esx "no memory state.*--force" -- snapshot-revert web s2
ko tree-real-esx "no memory state.*--force" -- snapshot-revert web s3 --running
# rename onto an existing name: refused locally, no RenameSnapshot sent
ko tree-real-esx "named 's3' already" -- snapshot-edit web s1 --rename s3
ko tree-real-esx "metadata from data" -- snapshot-delete web s2 --metadata
ok tree-real-esx -- consolidate web --check; has "consolidation" "^consolidation needed"
ok tree-real-esx -- snapshot-current web --name; has "current" "^s3$"

# --force: the queued -> running -> success task, and no power operation afterwards
ok revert-force-queued -- snapshot-revert web s2 --force
has "revert" "reverted to snapshot s2"
# --running after a revert that ESX powered on by itself: no PowerOnVM_Task follows
ok revert-running-esx-powers-on -- snapshot-revert web s1 --running

ok rename -- snapshot-edit web s1 --rename renamed
ok consolidate-ok -- consolidate web; has "consolidate" "consolidated"
ko consolidate-nospace "web.*NoDiskSpace.*LocalDS_0" -- consolidate web

ko duplicate-vms "2 VMs are named 'web' \(MoRefs 2, 3\)" -- snapshot-list web
ko duplicate-snapshots "'dup' is ambiguous.*2-snapshot-2.*2-snapshot-3|'dup' is ambiguous.*2-snapshot-3.*2-snapshot-2" -- snapshot-info 2 dup
ok duplicate-snapshots -- snapshot-info 2 2-snapshot-3; has "by MoRef" "Name: +dup"
ok duplicate-snapshots -- snapshot-parent 2 2-snapshot-3; has "parent by MoRef" "^dup$"
ko duplicate-snapshots "named 'dup' already" -- snapshot-create-as 2 dup

ok dumpxml -- dumpxml web
has "dumpxml" "<name>web</name>"; has "dumpxml" "\[LocalDS_0\] web/web-000002.vmdk"
has "independent disk" "snapshot='no'"

# screenshots: CreateScreenshot_Task (vcsim lacks it) and the download of the file it names;
# a snapshot's screenshot found in layoutEx beside its .vmsn, and none for s2
ok screenshot -- screenshot ha-host_VM0 "$t/now.png"
has "screenshot" "Screenshot saved to .*now.png, with type of image/png"
cmp -s "$t/now.png" "$F/screenshot/0009-GET.resp.data" || fail "screenshot: bytes differ"
ko screenshot "first screen only" -- screenshot ha-host_VM0 "$t/x.png" --screen 1
ok snapshot-screenshot -- snapshot-screenshot ha-host_VM0 s1 "$t/s1.png"
cmp -s "$t/s1.png" "$F/snapshot-screenshot/0006-GET.resp.data" || fail "snapshot-screenshot: bytes differ"
ko snapshot-screenshot "no screenshot.*Snapshot2.png" -- snapshot-screenshot ha-host_VM0 s2 "$t/s2.png"
[ ! -e "$t/s2.png" ] || fail "snapshot-screenshot s2 left a file"

# an inaccessible VM (config unset): dominfo says unknown (null in JSON), never 0; dumpxml
# names the unset property instead of reading a .vmx from nowhere
ok inaccessible-vm -- dominfo web
has "unknown uuid" "^UUID: +\(unknown\)$"; has "unknown cpus" "^CPU\(s\): +\(unknown\)$"
has "unknown memory" "^Max memory: +\(unknown\)$"; has "shut off" "^State: +shut off$"
ok inaccessible-vm -- --json dominfo web
has "json nulls" '"uuid": null.*"memory_kib": null, "vcpus": null'
ko inaccessible-vm "VM 'web'.*no configuration.*vmPathName.*inaccessible" -- dumpxml web

# a command that sends a request the fixture lacks fails loudly
ko tree-real-esx "replay|expected" -- snapshot-revert web s1

[ "$fails" -eq 0 ] && echo "all ESX replay checks passed" || echo "$fails ESX replay check(s) failed"
[ "$fails" -eq 0 ]
