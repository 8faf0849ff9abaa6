#!/bin/bash
# The Workstation folder backend through the CLI: the commands virsh users type, on the
# synthetic folders of fixtures/workstation, and the read-only refusals with their exit status.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; src=${VSNAP_SRC:?}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
v() { "$bin" -c "vmwarews://$src/fixtures/workstation/lab" "$@"; }
die() { echo "FAIL: $*"; exit 1; }
[ "$(v list --all --name | tr '\n' ' ')" = "db01 old web01 " ] || die "list --all: $(v list --all --name)"
[ "$(v list --name)" = "$(printf 'db01\nold')" ] || die "list (active): $(v list --name)"
v dominfo web01 | grep -q '^State: *shut off' || die dominfo
v dumpxml web01 | grep -q "<uuid>564d0b6e-2a77-15c1-8e3a-1f5290aa0101</uuid>" || die dumpxml
[ "$(v snapshot-current web01 --name)" = "After update" ] || die snapshot-current
[ "$(v snapshot-parent web01 3)" = "Before update" ] || die snapshot-parent
[ "$(v snapshot-list web01 --name | grep -c .)" -eq 4 ] || die snapshot-list
v snapshot-list web01 --tree | grep -q '+- After update' || die "snapshot-list --tree"
v snapshot-info web01 4 | grep -q '^State: *shutoff' || die snapshot-info
v snapshot-dumpxml web01 --current > "$t/cur.xml" 2>/dev/null || v snapshot-dumpxml web01 3 > "$t/cur.xml" || die snapshot-dumpxml
grep -q '<state>running</state>' "$t/cur.xml" || die "snapshot-dumpxml state"
(cd "$t" && v snapshot-screenshot web01 --current > out.txt) || die "snapshot-screenshot --current"
grep -q "Screenshot saved to web01-After update.png, with type of image/png" "$t/out.txt" || die "message: $(cat "$t/out.txt")"
cmp -s "$t/web01-After update.png" "$src/fixtures/workstation/lab/web01/web01-Snapshot3.png" || die "screenshot bytes"
v snapshot-screenshot web01 2 - > "$t/two.png" || die "snapshot-screenshot to stdout"
head -c 8 "$t/two.png" | od -An -c | grep -q 'P   N   G' || die "stdout is not a PNG"
v --json snapshot-screenshot web01 2 "$t/j.png" | grep -q '"type": "image/png"' || die json
# A display name two snapshots share: the later one is named after its uid (vmsd2xml's rule).
v snapshot-info web01 "Before update (uid 4)" >/dev/null || die "the renamed duplicate is not found"
for cmd in "snapshot-create-as web01 s" "snapshot-revert web01 3" "snapshot-delete web01 3" \
	"start web01" "screenshot web01"; do
	v $cmd >/dev/null 2>"$t/err"; rc=$?
	[ $rc -eq 1 ] || die "$cmd: exit $rc"
	grep -q "read-only backend: vmrun is not available" "$t/err" || die "$cmd: $(cat "$t/err")"
done
echo "workstation CLI: ok"
