#!/bin/bash
# Fleet commands against the simulator with 200 VMs (ESX model, vcsim -vms 200 -seed):
#  - audit of snapshots with known ages and sizes (seed.txt), delta disks included, in a
#    constant number of requests;
#  - prune by age + keep-newest + name glob, --dry-run exactness, a VM needing consolidation
#    reported as blocked (exit 1), not skipped;
#  - create / revert / delete over all 200 VMs with a mix of outcomes (a name already taken,
#    an unknown VM, a running VM whose snapshot has no memory and no --force), request counts
#    bounded by one task each plus a constant;
#  - Ctrl-C in the middle of a fleet create: every outcome matches the server's real state.
# Work is bounded by counts (VMs, snapshots, requests seen), never by time.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; sim=${VSNAP_VCSIM:-${VSNAP_BUILD:-}/bin/vcsim}
[ -x "$sim" ] || { echo "SKIP: no simulator at '$sim' (VSNAP_VCSIM)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d); pid=; fails=0
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass VSNAP_AUTH_FILE=/nonexistent

. "$(dirname "$0")/../vcsim/start.sh"
start_sim() { # extra vcsim flags...
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	: >"$t/trace"
	vcsim_start "$t/sim.out" -esx -vms 200 -username root -password pass \
		-trace-file "$t/trace" "$@"
	U="esx://root@127.0.0.1:$port/?no_verify=1"
}
start_sim -seed "$here/seed.txt"
V() { "$bin" -c "$U" "$@"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
calls() { grep -o "<vim25:$1>" "$t/trace" | wc -l; }
requests() { grep -c '^Request:' "$t/trace"; }
# py FILE EXPR: evaluate a Python assertion over the JSON in FILE (bound as d)
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
count() { py "$1" "print(sum(1 for o in d if o['status'] == '$2'))"; }
day=86400

# ---- audit: known ages and sizes, constant requests ----
: >"$t/trace"
V --json snapshot-report --name 'aged-*' >"$t/rep" || fail "report"
[ "$(requests)" -le 6 ] || fail "report over 200 VMs took $(requests) requests (3 session + 2 reads + 1 page allowed)"
py "$t/rep" "
rows = {(r['domain'], r['name']): r for r in d}
assert len(d) == 7, sorted(rows)
def near(age, want): assert want <= age < want + 3600, (age, want)
near(rows[('ha-host_VM0', 'aged-40d')]['ageSeconds'], 40 * $day)
near(rows[('ha-host_VM2', 'aged-50d')]['ageSeconds'], 50 * $day)
assert rows[('ha-host_VM0', 'aged-40d')]['bytes'] == 1000
assert rows[('ha-host_VM0', 'aged-5d')]['quiesced'] is True
assert rows[('ha-host_VM0', 'aged-20d')]['quiesced'] is False
assert rows[('ha-host_VM0', 'aged-5d')]['current'] is True
assert rows[('ha-host_VM0', 'aged-5d')]['path'] == 'aged-40d/aged-20d/aged-5d'
" || fail "report rows: $(cat "$t/rep")"
V --json snapshot-report --name 'aged-*' --older-than 10d >"$t/rep" || fail "report --older-than"
py "$t/rep" "assert sorted(r['name'] for r in d) == ['aged-20d', 'aged-30d', 'aged-40d', 'aged-45d', 'aged-50d'], d" ||
	fail "--older-than 10d: $(cat "$t/rep")"
V --json snapshot-report --all --min-size 2K >"$t/rep" || fail "report --min-size"
py "$t/rep" "assert sorted(r['name'] for r in d) == ['aged-45d', 'aged-50d', 'aged-5d', 'disk-b', 'disk-c'], d" ||
	fail "--min-size 2K: $(cat "$t/rep")"
# delta disks: a root holds its .vmsn only (its chain is the base disk), a child the delta
# written since its parent, the current one the running delta as well
V --json snapshot-report ha-host_VM6 >"$t/rep" || fail "report VM6"
py "$t/rep" "
b = {r['name']: r['bytes'] for r in d}
assert b == {'disk-a': 100, 'disk-b': 200 + 10000, 'disk-c': 300 + 20000 + 40000}, b
" || fail "delta disk bytes: $(cat "$t/rep")"
V snapshot-report --format openmetrics --name 'aged-*' ha-host_VM0 ha-host_VM7 >"$t/om" || fail "openmetrics"
grep -q '^vsnap_snapshots{domain="ha-host_VM0"} 3$' "$t/om" || fail "count gauge: $(cat "$t/om")"
grep -q '^vsnap_snapshots{domain="ha-host_VM7"} 0$' "$t/om" || fail "a VM without snapshots has no 0 gauge"
grep -q '^vsnap_snapshot_bytes{domain="ha-host_VM0"} 6000$' "$t/om" || fail "bytes gauge: $(cat "$t/om")"
age=$(sed -n 's/^vsnap_snapshot_oldest_age_seconds{domain="ha-host_VM0"} //p' "$t/om")
[ -n "$age" ] && [ "$age" -ge $((40 * day)) ] && [ "$age" -lt $((40 * day + 3600)) ] ||
	fail "oldest age gauge: '$age'"

# ---- prune: exactly what --dry-run says; a VM needing consolidation is blocked ----
P=(--glob 'ha-host_VM[0-2]' --name 'aged-*' --older-than 10d --keep 1)
: >"$t/trace"
V snapshot-prune "${P[@]}" --dry-run >"$t/plan" || fail "prune --dry-run"
[ "$(calls RemoveSnapshot_Task)" = 0 ] || fail "--dry-run removed something"
grep '^would remove' "$t/plan" | sed 's/ (id.*//' | sort >"$t/plan.lines"
printf '%s\n' "would remove ha-host_VM0: aged-40d" "would remove ha-host_VM0: aged-40d/aged-20d" \
	"would remove ha-host_VM1: aged-30d" >"$t/plan.want"
diff "$t/plan.want" "$t/plan.lines" >/dev/null || fail "dry-run plan: $(cat "$t/plan")"
grep -q '^blocked ha-host_VM2: .*consolidat' "$t/plan" || fail "VM2 not blocked: $(cat "$t/plan")"
V snapshot-prune "${P[@]}" >"$t/out" 2>&1 && fail "prune with a blocked VM must exit 1"
[ "$(calls RemoveSnapshot_Task)" = 3 ] || fail "prune sent $(calls RemoveSnapshot_Task) removals, not 3"
V --json snapshot-report --name 'aged-*' >"$t/rep"
py "$t/rep" "assert sorted((r['domain'], r['name']) for r in d) == [('ha-host_VM0', 'aged-5d'), ('ha-host_VM1', 'aged-1d'), ('ha-host_VM2', 'aged-45d'), ('ha-host_VM2', 'aged-50d')], d" ||
	fail "after prune: $(cat "$t/rep")"

# ---- create over 200 VMs: 197 done, VM3 + VM4 have 'nightly' already, one unknown key ----
: >"$t/trace"
V --json snapshot-create-as --all --name nightly no-such-vm >"$t/out" 2>"$t/err"
[ $? = 1 ] || fail "fleet create with failures must exit 1"
[ "$(count "$t/out" done)" = 198 ] || fail "create: $(count "$t/out" done) done, 198 expected"
py "$t/out" "
f = sorted((o['domain'], o['error']) for o in d if o['status'] == 'failed')
assert f == [('ha-host_VM3', 'EEXISTS'), ('ha-host_VM4', 'EEXISTS'), ('no-such-vm', 'ENOTFOUND')], f
" || fail "create failures: $(grep -v '"done"' "$t/out")"
[ "$(calls CreateSnapshot_Task)" = 198 ] || fail "$(calls CreateSnapshot_Task) CreateSnapshot_Task for 198 VMs"
# One request per task, 3 per wave of --parallel (8) tasks (CreateFilter, WaitForUpdatesEx,
# DestroyPropertyFilter), 5 for the session and the two reads.
[ "$(requests)" -le $((198 + 3 * 25 + 5)) ] || fail "fleet create took $(requests) requests"
[ "$(calls WaitForUpdatesEx)" -le 30 ] || fail "$(calls WaitForUpdatesEx) waits: not one wait for all running tasks"
# VM5 was powered off: its snapshot has no memory state.
V --json snapshot-report --name nightly ha-host_VM5 >"$t/rep"
py "$t/rep" "assert d[0]['state'] == 'shutoff', d" || fail "VM5 snapshot state: $(cat "$t/rep")"

# ---- revert: VM5 now runs, its snapshot has no memory: refused without --force ----
V start ha-host_VM5 >/dev/null || fail "start VM5"
V --json snapshot-revert --all --snapshotname nightly --parallel 16 >"$t/out" 2>"$t/err"
[ $? = 1 ] || fail "fleet revert with a refusal must exit 1"
[ "$(count "$t/out" done)" = 199 ] || fail "revert: $(count "$t/out" done) done, 199 expected"
py "$t/out" "assert [(o['domain'], o['error']) for o in d if o['status'] != 'done'] == [('ha-host_VM5', 'EOPERATION')]" ||
	fail "revert refusal: $(grep -v '"done"' "$t/out")"
V snapshot-revert --domain ha-host_VM5 --snapshotname nightly --force >/dev/null || fail "revert --force"

# ---- delete over all; a second time every VM fails (no such snapshot) ----
V -q snapshot-delete --all --snapshotname nightly >"$t/out" || fail "fleet delete: $(head -3 "$t/out")"
V --json snapshot-delete --all --snapshotname nightly >"$t/out" && fail "delete of a missing snapshot must exit 1"
[ "$(count "$t/out" failed)" = 200 ] || fail "second delete: $(count "$t/out" failed) failed, 200 expected"

# ---- Ctrl-C mid-fleet: outcomes are the server's real state ----
# A simulator that answers each create 20 ms late: 200 creates one at a time cannot be over
# when the interrupt comes after the 5th has reached it.
start_sim -delay CreateSnapshot_Task=20
"$bin" -c "$U" --json snapshot-create-as --all --name c1 --parallel 1 >"$t/cc" 2>"$t/cc.err" & vs=$!
for _ in $(seq 3000); do [ "$(calls CreateSnapshot_Task)" -ge 5 ] && break; sleep 0.01; done
kill -INT $vs; wait $vs; rc=$?
[ $rc = 1 ] || fail "interrupted fleet exit status $rc, 1 expected"
done_n=$(count "$t/cc" done); cancelled=$(count "$t/cc" cancelled)
[ $((done_n + cancelled)) = 200 ] || fail "interrupted: $done_n done + $cancelled cancelled != 200"
[ "$cancelled" -ge 1 ] || fail "the interrupt cancelled nothing"
V --json snapshot-report --name c1 >"$t/rep"
python3 - "$t/cc" "$t/rep" <<'PY' || fail "interrupted outcomes differ from the server's state"
import json, sys
outcomes = {o["domain"]: o["status"] for o in json.load(open(sys.argv[1]))}
have = {r["domain"] for r in json.load(open(sys.argv[2]))}
for dom, status in outcomes.items():
    assert (status == "done") == (dom in have), (dom, status)
PY

[ $fails = 0 ] || exit 1
echo "fleet_vcsim: all checks passed"
