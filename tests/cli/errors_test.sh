#!/bin/bash
# Error messages name the object, the cause and what to do next (issue 16, "Errors"): each
# case asserts the content of the message, against QEMU embed and the simulator.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; sim=${VSNAP_VCSIM:-${VSNAP_BUILD:-}/bin/vcsim}
[ -x "$sim" ] || { echo "SKIP: no simulator at '$sim'"; exit 77; }
command -v qemu-img >/dev/null || { echo "SKIP: qemu-img not installed"; exit 77; }
t=$(mktemp -d); pid=; fails=0
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
# says NAME PATTERN [!PATTERN] -- CMD...: must fail; stderr matches PATTERN (and not !PATTERN)
says() {
	local name=$1 want=$2 bad=
	shift 2
	[ "$1" != -- ] && { bad=$1; shift; }
	shift
	if "$@" >"$t/out" 2>"$t/err" </dev/null; then fail "$name: succeeded"; return; fi
	if ! grep -qE -- "$want" "$t/err"; then fail "$name: lacks /$want/: $(head -c 400 "$t/err")"; return; fi
	if [ -n "$bad" ] && grep -qE -- "$bad" "$t/err"; then fail "$name: has /$bad/: $(head -c 400 "$t/err")"; return; fi
	echo "ok   $name"
}

# --- QEMU
Q="qemu:///embed?root=$t/root"
qemu-img create -q -f qcow2 "$t/d.qcow2" 16M
cat > "$t/d.xml" <<XML
<domain type='qemu'><name>j</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>
<driver name='qemu' type='qcow2'/><source file='$t/d.qcow2'/><target dev='vda' bus='virtio'/>
</disk></devices></domain>
XML
"$bin" -q -c "$Q" define "$t/d.xml" || exit 1
says "unknown QEMU domain is named (was 'no error')" "no domain named 'nosuch'" "no error" -- "$bin" -c "$Q" dominfo nosuch
says "unknown QEMU domain, snapshot command" "no domain named 'nosuch'" "no error" -- "$bin" -c "$Q" snapshot-list nosuch
says "one 'cannot destroy', not two" "^error: cannot destroy domain 'j': it is not running$" -- "$bin" -c "$Q" destroy j
says "invalid domain XML with --validate names the schema" "cannot define a domain" -- \
	bash -c 'echo "<domain type=\"qemu\"><name>x</name><bogus/></domain>" | "$1" -c "$2" define - --validate' _ "$bin" "$Q"

# --- simulator (ESX model, then vCenter model)
. "$(dirname "$0")/../vcsim/start.sh"
start_sim() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	vcsim_start "$t/sim.out" ${1:+"$1"} -username root -password pass
}
start_sim -esx
E="esx://root@127.0.0.1:$port/?no_verify=1"
vm=$("$bin" -c "$E" list --all --name | head -1)
says "vpx:// to a host: the hint keeps user, port and parameters" \
	"an ESX host is reached as esx://root@127.0.0.1:$port/\\?no_verify=1" -- \
	"$bin" -c "vpx://root@127.0.0.1:$port/DC0/H0?no_verify=1" list
says "start --paused on ESX names the backend and the flag" "ESX cannot start VM '$vm' paused" -- \
	"$bin" -c "$E" start "$vm" --paused
says "snapshot-current NAME on ESX says how to do it" "snapshot-revert" -- \
	bash -c '"$1" -c "$2" -q snapshot-create-as "$3" e1 && "$1" -c "$2" snapshot-current "$3" e1' _ "$bin" "$E" "$vm"
# untrusted certificate: the fingerprint and the URI parameter to pin it, before any password
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/key.pem" -out "$t/cert.pem" \
		-days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1 || fail "openssl req"
	fp=$(openssl x509 -in "$t/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	vcsim_start "$t/sim.out" -esx -cert "$t/cert.pem" -key "$t/key.pem" -username root \
		-password pass
	says "untrusted certificate: fingerprint and thumbprint= before the password" \
		"fingerprint $fp: .*add thumbprint=$fp to the URI.*no_verify=1" "password" -- \
		env -u VSNAP_PASSWORD "$bin" -c "esx://root@127.0.0.1:$port/" list --all
	if "$bin" -c "esx://root@127.0.0.1:$port/?thumbprint=$fp" list --all --name >"$t/out" 2>"$t/err" &&
		grep -q . "$t/out"; then echo "ok   the thumbprint shown works"
	else fail "the thumbprint shown does not work: $(head -c 300 "$t/err")"; fi
else
	fail "openssl is missing: the certificate case cannot run"
fi
start_sim ""
says "esx:// to a vCenter: the hint keeps user, port and parameters" \
	"reached as vpx://root@127.0.0.1:$port/DATACENTER/\\[CLUSTER/\\]HOST\\?no_verify=1" -- \
	"$bin" -c "esx://root@127.0.0.1:$port/?no_verify=1" list
says "vpx:// to a missing host: the inventory path is the cause" "no host at inventory path 'DC0/host/NOPE/NOPE'" "Logout" -- \
	"$bin" -c "vpx://root@127.0.0.1:$port/DC0/NOPE?no_verify=1" list
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
# nothing listens there now: the URL appears once, the host is named
says "connection refused: the URL once" "cannot connect to 127.0.0.1: .*Couldn't connect" -- \
	"$bin" -c "esx://root@127.0.0.1:$port/?no_verify=1" list
n=$(grep -o "https://127.0.0.1:$port/sdk" "$t/err" | wc -l)
[ "$n" -eq 1 ] && echo "ok   URL once" || fail "URL appears $n times: $(cat "$t/err")"
echo "errors: $fails failed"
[ "$fails" -eq 0 ]
