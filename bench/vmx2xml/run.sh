#!/bin/bash
# The .vmx -> domain XML benchmark (bench/README.md).
#  1. vmx2xml_bench, one process for the whole corpus: time per pass, files/s, peak RSS, over
#     libvirt's 73 convertible vmx2xmldata cases (../shared/compat/libvirt; skipped, visibly,
#     when absent) and over fixtures/vmx. Goal: 73 files < 20 ms, peak RSS < 8 MiB.
#  2. One process per file, the way virsh works: `vsnap vmx2xml FILE` against
#     `virsh domxml-from-native vmware-vmx FILE`, same files, and their ratio. virsh needs a
#     connection whose driver converts .vmx without a server: the test driver (test:///default)
#     does not implement domxml-from-native, libvirt's VMware Player driver
#     (vmwareplayer:///session) does, once it finds `vmrun` and `vmplayer -v`: two stub
#     scripts in a temporary directory answer that probe (no VM is involved).
# usage: bench/vmx2xml/run.sh            env: BENCH_BUILD (default build-bench, Release)
set -u
cd "$(dirname "$0")/../.."
build=${BENCH_BUILD:-build-bench}
compat=../shared/compat/libvirt/vmx2xmldata

if [ ! -f "$build/CMakeCache.txt" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DVSNAP_TESTS=OFF >/dev/null || exit 1
fi
cmake --build "$build" -j2 --target vmx2xml_bench vsnap_cli >/dev/null || exit 1
bench=$build/bench/vmx2xml_bench
vsnap=$build/bin/vsnap

corpus=()
if [ -d "$compat" ]; then
	# The cases libvirt 10.7 runs and expects to convert (CASES.md): a .vmx with its .xml,
	# less ethernet-vds-no-params, which libvirt ships but does not run.
	for f in "$compat"/*.vmx; do
		c=$(basename "$f" .vmx)
		[ -f "$compat/$c.xml" ] && [ "$c" != ethernet-vds-no-params ] && corpus+=("$f")
	done
	echo "== libvirt vmx2xmldata: ${#corpus[@]} files, one process"
	"$bench" -n 50 --datastore-dir '[datastore] directory' --missing-prefix missing "${corpus[@]}"
else
	echo "== libvirt vmx2xmldata: SKIPPED ($compat not found)"
fi
# fixtures/vmx holds broken-* files on purpose: only the others must convert.
fixtures=()
for f in fixtures/vmx/*.vmx; do
	case $(basename "$f") in broken-*) ;; *) fixtures+=("$f") ;; esac
done
echo "== fixtures/vmx: ${#fixtures[@]} files, one process"
"$bench" -n 50 "${fixtures[@]}"

[ ${#corpus[@]} -gt 0 ] || { echo "== per-process comparison: SKIPPED (no libvirt corpus)"; exit 0; }

# Wall time of running "$@" FILE for each corpus file, in ms.
per_file_ms() {
	local t0 t1 f
	t0=$(date +%s%N)
	for f in "${corpus[@]}"; do
		"$@" "$f" >/dev/null 2>&1 || echo "  failed: $* $f" >&2
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

echo "== one process per file (${#corpus[@]} files)"
vs_ms=$(per_file_ms "$vsnap" vmx2xml --datastore-dir '[datastore] directory' \
	--missing-prefix missing)
printf '  vsnap vmx2xml:                   %6d ms  (%.2f ms/file)\n' "$vs_ms" \
	"$(awk "BEGIN{print $vs_ms / ${#corpus[@]}}")"
if ! command -v virsh >/dev/null; then
	echo "  virsh: SKIPPED (not installed: Debian libvirt-clients)"
	exit 0
fi
stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$stub/vmrun"
printf '#!/bin/sh\necho "VMware Player 6.0.0 build-1295980"\n' >"$stub/vmplayer"
chmod +x "$stub/vmrun" "$stub/vmplayer"
if ! PATH=$stub:$PATH virsh -q -c vmwareplayer:///session domxml-from-native vmware-vmx \
	"${corpus[0]}" >/dev/null 2>&1; then
	echo "  virsh: SKIPPED (vmwareplayer:///session cannot convert here)"
	exit 0
fi
virsh_ms=$(PATH=$stub:$PATH per_file_ms virsh -q -c vmwareplayer:///session \
	domxml-from-native vmware-vmx)
printf '  virsh domxml-from-native:        %6d ms  (%.2f ms/file)\n' "$virsh_ms" \
	"$(awk "BEGIN{print $virsh_ms / ${#corpus[@]}}")"
printf '  ratio virsh / vsnap:             %6.1f x\n' "$(awk "BEGIN{print $virsh_ms / $vs_ms}")"
