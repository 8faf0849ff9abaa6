# Sourced by the shell tests (and benchmarks) that use the simulator; needs $sim.
# vcsim_start OUT [vcsim flags...]: starts $sim on 127.0.0.1:0, output to OUT, and returns once
# it serves, with its PID in $pid and its port in $port. The kernel picks the port: one picked
# at random can be taken (another test's connection had it once). A simulator that exits or
# does not serve within 120 s fails the test (a hang detector, not a speed check).
vcsim_start() {
	local out=$1 i
	shift
	: >"$out"
	"$sim" -l 127.0.0.1:0 "$@" >"$out" 2>&1 &
	pid=$!
	port=
	for i in $(seq 1200); do
		port=$(sed -n 's|^https\{0,1\}://127\.0\.0\.1:\([0-9][0-9]*\)/sdk$|\1|p' "$out" | head -1)
		[ -n "$port" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: simulator did not start: $(head -c 300 "$out")"
	exit 1
}
