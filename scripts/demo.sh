#!/bin/bash
# The main job, on a fresh Debian 12 machine with no ESX host: installs what vsnap needs,
# builds it, then shows its three uses end to end, printing every command it runs:
#   1. a .vmx converted to libvirt domain XML, and a .vmsd snapshot list shown as a tree;
#   2. a snapshot lifecycle on a local QEMU domain it creates (real qemu-img and QEMU);
#   3. the same lifecycle on ESX, against a vSphere SIMULATOR (govmomi's vcsim) on 127.0.0.1.
# Repeat the commands on a real host by changing the -c URI.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then
	scripts/install-deps.sh
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
export PATH="$top/build/bin:$PATH"

work=$(mktemp -d)
sim_pid=""
cleanup() {
	vsnap -c "qemu:///embed?root=$work/qemu" destroy demo >/dev/null 2>&1 || true
	if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

title() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }
run() { printf '$ %s\n' "$*"; "$@"; }

title "1. .vmx -> libvirt domain XML (disk modes kept: snapshot='no', <transient/>)"
run vsnap vmx2xml fixtures/demo/web01.vmx --datastore-dir '[datastore1] web01'
title "   .vmsd snapshot list as a tree"
run vsnap vmsd2xml fixtures/demo/web01.vmsd --tree

title "2. Snapshots of a local QEMU domain (qemu:///embed, no daemon)"
Q="qemu:///embed?root=$work/qemu"
run qemu-img create -q -f qcow2 "$work/demo.qcow2" 64M
cat > "$work/demo.xml" <<XML
<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$work/demo.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
run vsnap -c "$Q" define "$work/demo.xml"
run vsnap -c "$Q" snapshot-create-as demo offline "taken while shut off"
run vsnap -c "$Q" start demo
run vsnap -c "$Q" snapshot-create-as demo live "RAM + disks of the running domain"
run vsnap -c "$Q" snapshot-create-as demo overlay --disk-only
run vsnap -c "$Q" snapshot-list demo --tree
run vsnap -c "$Q" snapshot-info demo live
run vsnap -c "$Q" snapshot-revert demo live --running
run vsnap -c "$Q" domstate demo
run vsnap -c "$Q" destroy demo
run vsnap -c "$Q" snapshot-delete demo overlay
run vsnap -c "$Q" snapshot-delete demo live
run vsnap -c "$Q" snapshot-delete demo offline
run vsnap -c "$Q" snapshot-list demo

title "3. Snapshots on ESX -- against a vSphere SIMULATOR on 127.0.0.1, not a real host"
port=$((20000 + RANDOM % 20000))
vcsim -l "127.0.0.1:$port" -esx >"$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do grep -q https "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
export VSNAP_PASSWORD=simulator   # on a real host: an auth.conf file, or let vsnap prompt
E="esx://root@127.0.0.1:$port/?no_verify=1"   # on a real host: thumbprint=... or cafile=...
run vsnap -c "$E" list --all
vm=$(vsnap -c "$E" list --all --name | head -1)
run vsnap -c "$E" snapshot-create-as "$vm" base "before the upgrade"
run vsnap -c "$E" snapshot-create-as "$vm" upgraded "after the upgrade" --quiesce
run vsnap -c "$E" snapshot-create-as "$vm" tuned
run vsnap -c "$E" snapshot-list "$vm" --tree
run vsnap -c "$E" snapshot-revert "$vm" base
run vsnap -c "$E" snapshot-create-as "$vm" branch "a second line of history"
run vsnap -c "$E" snapshot-list "$vm" --tree
run vsnap -c "$E" snapshot-current "$vm" --name
run vsnap -c "$E" snapshot-delete "$vm" upgraded --children
run vsnap -c "$E" --json snapshot-list "$vm"
run vsnap -c "$E" snapshot-delete-all "$vm"
printf '\nDone: .vmx translation, a QEMU snapshot lifecycle and an ESX one (simulated).\n'
