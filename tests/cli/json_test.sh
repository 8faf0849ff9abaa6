#!/bin/bash
# --json output: every listing/info command prints valid JSON with the documented fields
# (docs/vsnap.1, JSON OUTPUT), on an offline QEMU domain (qemu-img only, no VM started).
set -u
bin=${VSNAP_BIN:?}
command -v qemu-img >/dev/null || { echo "SKIP: qemu-img not installed"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export VSNAP_DEFAULT_URI="qemu:///embed?root=$t/root"
qemu-img create -q -f qcow2 "$t/d.qcow2" 16M
cat > "$t/d.xml" <<XML
<domain type='qemu'><name>j</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>
<driver name='qemu' type='qcow2'/><source file='$t/d.qcow2'/><target dev='vda' bus='virtio'/>
</disk></devices></domain>
XML
"$bin" -q define "$t/d.xml" || exit 1
fails=0
check() { # check KEYS-PYTHON-EXPR CMD... : output must be JSON satisfying the expression on `d`
	local expr=$1; shift
	if ! "$bin" --json "$@" >"$t/out" 2>"$t/err"; then
		echo "FAIL $*: exit $?: $(cat "$t/err")"; fails=$((fails + 1)); return
	fi
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ('"$expr"') else 1)' "$t/out"; then
		echo "ok   $*"
	else
		echo "FAIL $*: $(head -c 300 "$t/out")"; fails=$((fails + 1))
	fi
}
snap_keys="{'name','path','id','description','parent','creation_time','state','current','memory','quiesced','location','children','descendants'}"
check "d['name'] == 's1'" snapshot-create-as j s1 "first one"
check "d['name'] == 's2'" snapshot-create-as j s2
check "[x['name'] for x in d] == ['j'] and set(d[0]) >= {'name','uuid','id','state'}" list --all
check "set(d) >= {'name','uuid','id','state','memory_kib','vcpus','has_snapshots','persistent'} and d['has_snapshots'] is True" dominfo j
check "d == {'state': 'shut off'}" domstate j
check "[x['name'] for x in d] == ['s1','s2'] and all(set(x) >= $snap_keys for x in d)" snapshot-list j
check "d['name'] == 's2' and d['parent'] == 's1' and d['current'] is True and d['path'] == 's1/s2'" snapshot-current j
check "d['name'] == 's1' and d['description'] == 'first one' and d['children'] == 1 and d['descendants'] == 1" snapshot-info j s1
check "d['name'] == 's1'" snapshot-parent j s2
check "d == []" snapshot-list j --roots --leaves
# a flag the QEMU backend cannot honour is refused, not ignored
if "$bin" -q snapshot-create-as j s3 --live >"$t/out" 2>"$t/err"; then
	echo "FAIL --live was accepted"; fails=$((fails + 1))
elif ! grep -q "live checkpoints are not supported" "$t/err"; then
	echo "FAIL --live: $(cat "$t/err")"; fails=$((fails + 1))
else
	echo "ok   --live refused"
fi
echo "json: $fails failed"
"$bin" -q snapshot-delete j s1 --children >/dev/null 2>&1
[ "$fails" -eq 0 ]
