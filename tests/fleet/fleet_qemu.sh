#!/bin/bash
# Fleet commands on the QEMU backend (all domains of an embed root, shut off, qemu-img only):
# create over a selection with a mix of outcomes, revert, audit with sizes (an external
# overlay counts its allocated bytes), prune with --keep and --dry-run, delete over --glob.
# Three domains: the same core logic as the 200-VM ESX test, at a size qemu-img runs quickly.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}
command -v qemu-img >/dev/null || { echo "SKIP: qemu-img not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
t=$(mktemp -d); U="qemu:///embed?root=$t/root"
trap 'rm -rf "$t"' EXIT
v() { "$bin" -c "$U" "$@"; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# json_count FILE STATUS: outcomes of a fleet --json array with that status
json_count() { python3 -c 'import json,sys; print(sum(1 for o in json.load(open(sys.argv[1])) if o["status"] == sys.argv[2]))' "$1" "$2"; }

for d in web1 web2 db1; do
	qemu-img create -q -f qcow2 "$t/$d.qcow2" 16M
	cat > "$t/$d.xml" <<XML
<domain type='qemu'><name>$d</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$t/$d.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
	v define "$t/$d.xml" >/dev/null || { echo "FAIL: define $d"; exit 1; }
done

# A name already taken on one domain, and a key that names no domain: 2 done, 2 failed.
v snapshot-create-as db1 s1 >/dev/null || fail "single create"
v --json snapshot-create-as --all --name s1 nosuch > "$t/out" 2>"$t/err"
[ $? = 1 ] || fail "fleet create with failures must exit 1"
[ "$(json_count "$t/out" done)" = 2 ] || fail "fleet create: 2 done expected: $(cat "$t/out")"
[ "$(json_count "$t/out" failed)" = 2 ] || fail "fleet create: 2 failed expected: $(cat "$t/out")"
grep -q '"nosuch".*ENOTFOUND' "$t/out" || fail "unknown domain not reported: $(cat "$t/out")"
grep -q '"db1".*"failed"' "$t/out" || fail "taken name on db1 not reported: $(cat "$t/out")"

# Parallel creates on every domain (each domain under its own lock), then revert all.
v snapshot-create-as --glob 'web*' --name s2 --parallel 3 >/dev/null || fail "create s2 on web*"
v snapshot-create-as --all --name x1 --disk-only >/dev/null || fail "external x1 on all"
# The external x1 counts its overlay's allocated bytes (before a revert moves off it).
v --json snapshot-report --name x1 > "$t/rep" || fail "report x1"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r)==3 and all(x["bytes"]>0 for x in r), r' "$t/rep" ||
	fail "x1 sizes: $(cat "$t/rep")"
v snapshot-revert --all --snapshotname s1 --parallel 2 >"$t/out" 2>&1 || fail "revert all: $(cat "$t/out")"
grep -q "3 of 3 done" "$t/out" || fail "revert all: $(cat "$t/out")"

# Audit: every snapshot listed, with its age.
v --json snapshot-report > "$t/rep" || fail "report"
python3 - "$t/rep" <<'PY' || fail "report content: $(cat "$t/rep")"
import json, sys
rows = json.load(open(sys.argv[1]))
names = sorted((r["domain"], r["name"]) for r in rows)
want = sorted([("db1", "s1"), ("db1", "x1"), ("web1", "s1"), ("web1", "s2"), ("web1", "x1"),
               ("web2", "s1"), ("web2", "s2"), ("web2", "x1")])
assert names == want, names
for r in rows:
    assert r["ageSeconds"] >= 0 and r["ageSeconds"] < 3600, r
PY
v snapshot-report --format openmetrics --glob 'web*' > "$t/om" || fail "openmetrics"
grep -q '^vsnap_snapshots{domain="web1"} 3$' "$t/om" || fail "openmetrics count: $(cat "$t/om")"
grep -q '^# EOF$' "$t/om" || fail "openmetrics lacks # EOF"

# Prune: keep the newest of each domain; --dry-run names exactly what goes and removes nothing.
v snapshot-prune --all --keep 1 --dry-run > "$t/plan" || fail "prune dry-run"
[ "$(grep -c '^would remove' "$t/plan")" = 5 ] || fail "dry-run plan: $(cat "$t/plan")"
[ "$(v --json snapshot-report | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 8 ] ||
	fail "dry-run removed something"
v snapshot-prune --all --keep 1 > "$t/out" || fail "prune: $(cat "$t/out")"
v --json snapshot-report > "$t/rep"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert sorted(x["name"] for x in r)==["x1"]*3, r' "$t/rep" ||
	fail "after prune only x1 should remain: $(cat "$t/rep")"

# Delete over a glob, and a read over a selection.
v snapshot-delete --glob 'web*' --snapshotname x1 >/dev/null || fail "delete x1 on web*"
v snapshot-list --all > "$t/out" || fail "fleet list"
grep -q db1 "$t/out" && ! grep -q web1 "$t/out" || fail "fleet list: $(cat "$t/out")"
[ $fails = 0 ] || exit 1
echo "fleet_qemu: all checks passed"
