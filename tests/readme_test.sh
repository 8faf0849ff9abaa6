#!/bin/bash
# Runs every ```sh block of README.md between the readme-test markers, in order, in one shell,
# with build/bin on PATH, from a scratch copy of the places they use. Fails on the first error.
set -euo pipefail
src=${VSNAP_SRC:?}
build=${VSNAP_BUILD:?}
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 not installed"; exit 77; }
[ -x "$build/bin/vcsim" ] || { echo "SKIP: simulator not built"; exit 77; }
work=$(mktemp -d)
tour=
# The tour runs in a process group of its own: if a command fails before the tour stops its
# simulator, the whole group (which we started) is ended here.
trap 'if [ -n "$tour" ]; then kill -- -"$tour" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
# A port the kernel has just handed out and taken back: free, where one picked at random can
# be another test's connection.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$src/README.md" "$port" > "$work/tour.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
body = text.split("<!-- readme-test:start -->", 1)[1].split("<!-- readme-test:end -->", 1)[0]
blocks = re.findall(r"```sh\n(.*?)```", body, re.S)
print("set -euo pipefail")
for b in blocks:
    print(b.replace("18443", sys.argv[2]))
PY
mkdir -p "$work/run"
ln -s "$src/fixtures" "$work/run/fixtures"
cd "$work/run"
PATH="$build/bin:$PATH" setsid bash -x "$work/tour.sh" &
tour=$!
wait "$tour" || exit 1
echo "README tour: all commands ran"
