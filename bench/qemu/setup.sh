#!/bin/bash
# Setup of the QEMU benchmark's peer: libvirt 9.0's embedded QEMU driver, which virsh runs
# in-process (qemu:///embed). libvirt-daemon is needed besides the QEMU driver for external
# (--disk-only) snapshots: without its storage backends libvirt fails with "missing storage
# backend for 'file'". Debian packages only; the tests never need these.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
pkgs="libvirt-daemon-driver-qemu libvirt-daemon libvirt-clients"
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
[ -z "$missing" ] && { echo "bench/qemu: peers installed"; exit 0; }
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get install -y --no-install-recommends $missing
