#!/bin/bash
# Builds the libFuzzer targets (clang, -DVSNAP_FUZZ=ON, in build-fuzz) and runs each for
# SECONDS, two at a time, then prints one line per target: executions, corpus size, crashes.
# Exits non-zero when a target crashed or broke a property (the input is kept and named).
#
# usage: tests/fuzz/run.sh SECONDS [TARGET...]     (TARGET: vmx, domain_xml, ...; default all)
# env:   FUZZ_BUILD  build directory (default build-fuzz)
#        FUZZ_WORK   where corpora, logs and crash inputs go (default $FUZZ_BUILD/fuzz-work);
#                    corpora grow across runs
#        FUZZ_JOBS   targets run at once (default 2)
#        FUZZ_ARGS   extra libFuzzer flags (e.g. "-dict=...")
#        FUZZ_RUNS   run each target for this many inputs with a fixed seed instead of for
#                    SECONDS: a reproducible run (CI uses it, so a pass here is a pass there)
# Seeds come from fixtures/ (and ../shared/compat/libvirt when present); they are read in
# place, never copied into the repository.
set -u
cd "$(dirname "$0")/../.."
src=$PWD
secs=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
build=${FUZZ_BUILD:-build-fuzz}
work=${FUZZ_WORK:-$build/fuzz-work}
jobs=${FUZZ_JOBS:-2}
compat=$src/../shared/compat/libvirt

all_targets="vmx domain_xml vmsd uri auth json"
[ -f xml/snapshot_xml.c ] && all_targets="$all_targets snapshot_xml"
[ -f vsphere/replay.c ] && [ -f tests/fuzz/fuzz_soap.c ] && all_targets="$all_targets soap"
targets=${*:-$all_targets}

command -v clang >/dev/null || { echo "run.sh: clang is not installed"; exit 1; }
if [ ! -f "$build/CMakeCache.txt" ]; then
	mkdir -p "$build"   # the log goes inside it: nothing lands in the source tree
	CC=clang cmake -S . -B "$build" -DVSNAP_FUZZ=ON >"$build/configure.log" 2>&1 ||
		{ cat "$build/configure.log"; exit 1; }
fi
# shellcheck disable=SC2046
cmake --build "$build" -j"$jobs" --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done) \
	>"$build/fuzz-build.log" 2>&1 || { tail -40 "$build/fuzz-build.log"; exit 1; }

# Seed directories of a target (read-only corpora after the first, writable one).
seeds() {
	case $1 in
	vmx) echo fixtures/vmx fixtures/fuzz/vmx; [ -d "$compat" ] && echo "$compat/vmx2xmldata" ;;
	vmsd) echo fixtures/vmx fixtures/fuzz/vmsd ;;
	domain_xml) echo fixtures/domain fixtures/fuzz/domain_xml
		[ -d "$compat" ] && echo "$compat/vmx2xmldata" "$compat/xml2vmxdata" ;;
	snapshot_xml) echo fixtures/snapshot fixtures/fuzz/snapshot_xml ;;
	soap) echo fixtures/fuzz/soap "$work/soap/seeds" ;;
	*) echo "fixtures/fuzz/$1" ;;
	esac
}

run_one() {
	local t=$1 dir=$work/$1 d
	local -a dirs=()
	mkdir -p "$dir/corpus"
	rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
	for d in $(seeds "$t"); do [ -d "$d" ] && dirs+=("$d"); done
	# shellcheck disable=SC2086
	local limit="-max_total_time=$secs"
	[ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS -seed=1"
	# shellcheck disable=SC2086
	"$build/fuzz/fuzz_$t" $limit -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$dir/" ${FUZZ_ARGS:-} \
		"$dir/corpus" "${dirs[@]}" >"$dir/log" 2>&1
	echo $? >"$dir/rc"
}

mkdir -p "$work"
# ASan's defaults (a 256 MB quarantine; free memory handed back to the kernel every 5 s) make
# each execution touch fresh pages: page faults were a fifth of fuzz_domain_xml's time. A
# 64 MB quarantine still holds freed memory for many executions of inputs this small.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_release_to_os_interval_ms=-1:quarantine_size_mb=64}
# fuzz_soap reads its fixed exchanges from fixtures/soap under $VSNAP_SRC.
export VSNAP_SRC=$src
# Its inputs are a scenario byte + a response body: make seeds of every recorded body.
soap_seeds() {
	local f op s
	rm -rf "$work/soap/seeds"
	mkdir -p "$work/soap/seeds"
	for f in fixtures/soap/*/*.resp.xml; do
		[ -f "$f" ] || continue
		op=${f##*/[0-9][0-9][0-9][0-9]-}
		case ${op%.resp.xml} in
		RetrieveServiceContent) s=0 ;; Login) s=1 ;; RetrievePropertiesEx) s=2 ;;
		WaitForUpdatesEx) s=4 ;; *) continue ;;
		esac
		{ printf "\\$(printf %03o "$s")"; cat "$f"; } >"$work/soap/seeds/$(echo "$f" | tr / _)"
	done
}
case " $targets " in *" soap "*) soap_seeds ;; esac
running=0
for t in $targets; do
	[ -x "$build/fuzz/fuzz_$t" ] || { echo "run.sh: no target fuzz_$t"; exit 1; }
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0
printf '%-14s %8s %12s %9s %8s  %s\n' target seconds executions exec/s corpus result
for t in $targets; do
	dir=$work/$t
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
	corpus=$(find "$dir/corpus" -type f | wc -l)
	found=$(find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' \
		-o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | head -1)
	if [ "$(cat "$dir/rc")" = 0 ] && [ -z "$found" ]; then
		result=ok
	else
		result="CRASH ${found:-(exit $(cat "$dir/rc"))}"
		failed=$((failed + 1))
	fi
	printf '%-14s %8s %12s %9s %8s  %s\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" "$corpus" \
		"$result"
	if [ "$result" != ok ]; then
		grep -a -m1 -A25 -E 'property broken|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error' \
			"$dir/log" | sed 's/^/    /'
	fi
done
echo "fuzz: $(( $(echo "$targets" | wc -w) - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
