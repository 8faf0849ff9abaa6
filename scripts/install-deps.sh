#!/bin/sh
# Installs what vsnap needs to build and test on Debian 12. Idempotent: installs only what is
# missing, and runs apt-get update only then. Run as root (or through sudo).
set -eu

PACKAGES="build-essential cmake pkg-config ca-certificates
libxml2-dev libxml2-utils libcurl4-openssl-dev libssl-dev openssl gsoap libgsoap-dev libcmocka-dev
qemu-utils qemu-system-x86 golang-go golang-github-vmware-govmomi-dev
libvirt-clients libvirt0 python3 curl valgrind clang libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
