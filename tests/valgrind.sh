#!/bin/sh
# Runs the unit tests (ctest label "unit") under valgrind memcheck: any memory error or
# definite leak fails. usage: tests/valgrind.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
[ -d "$build" ] || { echo "no build directory '$build': run scripts/test.sh first"; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 1; }
list=$(cd "$build" && ctest -L unit --show-only=json-v1)
echo "$list" | python3 -c '
import json, sys
for t in json.load(sys.stdin).get("tests", []):
    env = [p["value"] for p in t.get("properties", []) if p["name"] == "ENVIRONMENT"]
    env = env[0] if env else []
    print("\t".join([t["name"], " ".join(env)] + t["command"]))
' > "$build/valgrind-tests.txt"
n=0
failed=0
while IFS="$(printf '\t')" read -r name env cmd; do
	n=$((n + 1))
	log="$build/valgrind-$name.log"
	# shellcheck disable=SC2086
	if env $env valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--log-file="$log" $cmd >/dev/null 2>&1 && ! [ -s "$log" ]; then
		echo "ok   $name"
	else
		echo "FAIL $name (see $log)"
		sed 's/^/  /' "$log" | head -40
		failed=$((failed + 1))
	fi
done < "$build/valgrind-tests.txt"
echo "valgrind: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
