#!/bin/bash
# virsh compatibility: virsh's snapshot and domain command lines, in the forms virsh's manual
# page and `virsh help CMD` document (positional, --option NAME, --option=NAME, any order),
# run against QEMU (qemu:///embed?root=DIR) and the simulator (ESX model). Each line either
# works or fails with a reason documented in docs/virsh-compat.md (the tag after "ko:").
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; sim=${VSNAP_VCSIM:-${VSNAP_BUILD:-}/bin/vcsim}
[ -x "$sim" ] || { echo "SKIP: no simulator at '$sim'"; exit 77; }
command -v qemu-img >/dev/null || { echo "SKIP: qemu-img not installed"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
t=$(mktemp -d); pid=; fails=0; lines=0
cleanup() {
	[ -n "${QURI:-}" ] && "$bin" -c "$QURI" destroy j >/dev/null 2>&1
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
export VSNAP_PASSWORD=pass EDITOR=true

# Why a documented form fails: the tag names a section of docs/virsh-compat.md, the pattern
# is what the error must say.
declare -A why=(
	[esx-current]="changes its current snapshot only by reverting"
	[esx-metadata]="metadata|ESX"
	[esx-define]="define|not supported|ESX"
	[esx-paused]="cannot start VM .* paused"
	[vcsim-rename]="RenameSnapshot|MethodNotFound|not support"
	[qemu-internal-name]="internal: its name is the tag"
	[not-virsh-here]="unknown option"
	[no-json]="has no JSON output"
)

# run BACKEND EXPECT COMMAND-LINE (a shell string; $D is the domain)
run() {
	local be=$1 want=$2 line=$3 uri
	[ "$be" = both ] || [ "$be" = "$B" ] || return 0
	lines=$((lines + 1))
	uri=$([ "$B" = qemu ] && echo "$QURI" || echo "$EURI")
	eval "\"\$bin\" -c \"\$uri\" $line" >"$t/out" 2>"$t/err" </dev/null
	local rc=$?
	case "$want" in
	ok) [ $rc -eq 0 ] && { echo "ok   [$B] $line"; return; }
	    echo "FAIL [$B] $line: exit $rc: $(head -c 300 "$t/err")" ;;
	ok:*) [ $rc -eq 0 ] && grep -qE -- "${want#ok:}" "$t/out" && { echo "ok   [$B] $line"; return; }
	    echo "FAIL [$B] $line: exit $rc, output lacks /${want#ok:}/: $(head -c 300 "$t/out") $(head -c 200 "$t/err")" ;;
	ko:*) local p=${why[${want#ko:}]}
	    [ $rc -ne 0 ] && grep -qiE -- "$p" "$t/err" "$t/out" && { echo "ok   [$B] $line (${want#ko:})"; return; }
	    echo "FAIL [$B] $line: exit $rc, want failure /$p/: $(head -c 300 "$t/err")" ;;
	esac
	fails=$((fails + 1))
}

table() {
# --- snapshot-create-as domain {[--print-xml] ...} [name] [description] [--diskspec] ...
run both ok 'snapshot-create-as $D s1 "first one"'
run both ok 'snapshot-create-as --domain $D --name s2 --description second'
run both ok 'snapshot-create-as --name=s3 --description=third --domain=$D'
run both "ok:<disk name='vda' snapshot='no'/>" 'snapshot-create-as $D s9 "nine" vda,snapshot=no --print-xml'
run both "ok:<memory snapshot='external' file='/m'/>" 'snapshot-create-as --print-xml --domain $D --memspec file=/m,snapshot=external'
run both "ok:source file='/p/a,b'" 'snapshot-create-as $D --print-xml --disk-only --diskspec vda,snapshot=external,driver=qcow2,file=/p/a,,b'
# --- snapshot-create domain [xmlfile] {[--redefine [--current]] | [...]}
run both ok 'snapshot-create $D "$t/s4.xml"'
run both ok 'snapshot-create --domain $D --xmlfile "$t/s5.xml" --validate'
# --- snapshot-list domain [filters] [{--from snapshot | --current} [--descendants]] [--name]
run both "ok:s1" 'snapshot-list $D'
run both "ok:s5" 'snapshot-list --domain $D --name'
run both "ok:s1" 'snapshot-list --domain=$D --tree'
run both "ok:Parent" 'snapshot-list $D --parent'
run both "ok:^s1$" 'snapshot-list $D --roots --name'
run both "ok:s5" 'snapshot-list $D --leaves --name'
run both "ok:s2" 'snapshot-list $D --from s1 --name'
run both "ok:s5" 'snapshot-list $D s1 --descendants --name'
run both ok 'snapshot-list $D --current --descendants --name'
run both "ok:s1" 'snapshot-list $D --topological --name'
run both ok 'snapshot-list $D --metadata --name'
run both ok 'snapshot-list $D --no-metadata --name'
run both ok 'snapshot-list $D --internal --name'
run both ok 'snapshot-list $D --external --name'
run both ok 'snapshot-list $D --inactive --name'
run both ok 'snapshot-list $D --active --name'
run both ok 'snapshot-list $D --disk-only --name'
run both ok 'snapshot-list $D --no-leaves --name'
# --- snapshot-current domain {[--name] | [--security-info] | [snapshotname]}
run both "ok:<domainsnapshot>" 'snapshot-current $D'
run both "ok:^s5$" 'snapshot-current --name $D'
run both "ok:<domainsnapshot>" 'snapshot-current --domain $D --security-info'
# --- snapshot-info domain {snapshot | --current}; snapshot-parent likewise
run both "ok:Name: +s2" 'snapshot-info $D s2'
run both "ok:Name: +s2" 'snapshot-info --domain $D --snapshotname s2'
run both "ok:Current: +yes" 'snapshot-info $D --current'
run both "ok:^s1$" 'snapshot-parent $D s2'
run both "ok:^s1$" 'snapshot-parent --snapshotname=s2 --domain=$D'
run both ok 'snapshot-parent --domain $D --current'
# --- snapshot-dumpxml domain snapshot [--security-info] [--xpath EXPR] [--wrap]
run both "ok:<name>s1</name>" 'snapshot-dumpxml $D s1'
run both "ok:<name>s1</name>" 'snapshot-dumpxml --domain $D --snapshotname s1 --security-info'
run both "ok:^<nodes>" 'snapshot-dumpxml $D s1 --xpath //description --wrap'
run both "ok:^first one$" 'snapshot-dumpxml $D s1 --xpath "string(/domainsnapshot/description)"'
# --- snapshot-edit domain [snapshotname] [--current] {[--rename] | [--clone]}
run both "ok:not changed" 'snapshot-edit $D s2'
run both "ok:not changed" 'snapshot-edit --domain $D --current'
run qemu ok 'snapshot-edit $D s2 --description "second, edited"'
run esx ko:vcsim-rename 'snapshot-edit $D s2 --description "second, edited"'
run qemu ko:qemu-internal-name 'snapshot-edit --domain $D --snapshotname s2 --rename s2b'
run qemu "ok:set as current" 'snapshot-current $D s2'
run esx ko:esx-current 'snapshot-current $D s2'
run esx ko:esx-current 'snapshot-current --domain $D --snapshotname s2'
# --- snapshot-revert domain {snapshot | --current} [{--running | --paused}] [--force]
run both ok 'snapshot-revert $D s1'
run both ok 'snapshot-revert --domain $D --snapshotname s2'
run both ok 'snapshot-revert $D --current'
run both ok 'snapshot-revert --snapshotname=s1 --domain=$D --paused --force'
run both ok 'snapshot-revert $D s1 --running --force'
run qemu ok 'destroy $D'
# --- snapshot-delete domain {snapshot | --current} [--metadata] [{--children | --children-only}]
run both ok 'snapshot-delete $D s5'
run both ok 'snapshot-delete --domain $D --snapshotname s4'
run qemu ok 'snapshot-delete $D s3 --metadata'
run esx ko:esx-metadata 'snapshot-delete $D s3 --metadata'
run both ok 'snapshot-delete $D s1 --children-only'
run both ok 'snapshot-delete --domain=$D --current --children'
# --- domain commands
run both ok 'list'
run both "ok:$D" 'list --all'
run both "ok:^$D$" 'list --all --name'
run both "ok:^[0-9a-f-]{36}$" 'list --all --uuid'
run both "ok:Name" 'list --all --table'
run both ok 'list --with-snapshot --name'
run both "ok:$D" 'list --without-snapshot --all --name'
run both ok 'list --state-running --state-paused --name'
run qemu "ok:^$D$" 'list --state-shutoff --name'
run both "ok:Name: +$D" 'dominfo $D'
run both "ok:Name: +$D" 'dominfo --domain $D'
run both "ok:\(unknown\)$" 'domstate $D --reason'
run both ok 'domstate --domain=$D'
run qemu "ok:<domain" 'dumpxml $D'
run qemu "ok:<domain" 'dumpxml --domain $D --inactive --security-info'
run qemu "ok:^<nodes>" 'dumpxml $D --xpath //disk/target --wrap'
run esx ok 'dumpxml --domain $D --inactive'
run qemu ok 'start $D --paused'
run qemu "ok:^paused$" 'domstate $D'
run esx ko:esx-paused 'start $D --paused'
run qemu ok 'resume --domain $D'
run esx ok 'suspend --domain $D'
run esx ok 'resume --domain=$D'
run both ok 'suspend $D'
run both ok 'resume $D'
run both ok 'reset $D'
run both ok 'destroy --domain $D'
run both ok 'start --domain=$D'
run qemu ok 'destroy $D'
run qemu ok 'define --file "$t/dom2.xml" --validate'
run qemu ok 'undefine --domain k --snapshots-metadata'
run esx ko:esx-define 'define "$t/dom2.xml"'
# --- virsh options that have no meaning here, and --json where there is no JSON output
run both ko:not-virsh-here 'dumpxml $D --migratable'
run both ko:not-virsh-here 'snapshot-revert $D s1 --reset-nvram'
run both ko:no-json '--json dumpxml $D'
}

qemu-img create -q -f qcow2 "$t/d.qcow2" 16M
qemu-img create -q -f qcow2 "$t/k.qcow2" 16M
for n in j k; do cat > "$t/dom$([ $n = k ] && echo 2).xml" <<XML
<domain type='qemu'><name>$n</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>
<driver name='qemu' type='qcow2'/><source file='$t/$([ $n = k ] && echo k || echo d).qcow2'/>
<target dev='vda' bus='virtio'/></disk></devices></domain>
XML
done
echo "<domainsnapshot><name>s4</name></domainsnapshot>" >"$t/s4.xml"
echo "<domainsnapshot><name>s5</name><description>five</description></domainsnapshot>" >"$t/s5.xml"

QURI="qemu:///embed?root=$t/root"
"$bin" -q -c "$QURI" define "$t/dom.xml" || exit 1
B=qemu D=j table

. "$(dirname "$0")/../vcsim/start.sh"
vcsim_start "$t/sim.out" -esx -username root -password pass
EURI="esx://root@127.0.0.1:$port/?no_verify=1"
D=$("$bin" -c "$EURI" list --all --name | head -1)
[ -n "$D" ] || { echo "FAIL: simulator lists no VM: $(head -c 300 "$t/sim.out")"; exit 1; }
B=esx table
echo "virsh-compat: $lines lines, $fails failed"
[ "$fails" -eq 0 ]
