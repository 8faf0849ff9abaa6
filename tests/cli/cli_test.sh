#!/bin/sh
# The CLI's contract: help, usage errors (exit 2), errors (exit 1) with a message on stderr.
set -u
bin=${VSNAP_BIN:?}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
check() { # check NAME EXPECTED_RC GREP_PATTERN(stdout+stderr) CMD...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$t/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -q -- "$pat" "$t/out"; then
		echo "FAIL $name: rc=$rc (want $want), output:"; sed 's/^/  /' "$t/out"
		fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}
check "help lists commands" 0 "snapshot-revert\|list " "$bin" help
check "help COMMAND" 0 "usage: vsnap list" "$bin" help list
check "--help after command" 0 "usage: vsnap dominfo" "$bin" dominfo --help
check "version" 0 "^vsnap [0-9]" "$bin" --version
check "no command" 2 "usage:" "$bin"
check "unknown command" 2 "unknown command 'frobnicate'" "$bin" frobnicate
check "unknown global option" 2 "unknown option '--bogus'" "$bin" --bogus list
check "unknown command option" 2 "unknown option '--bogus'" "$bin" -c esx://h/ list --bogus
check "missing domain" 2 "a domain is required" "$bin" -c esx://h/ dominfo
check "option value missing" 2 "needs a URI" "$bin" -c
check "record and replay" 2 "exclude each other" "$bin" --record "$t/a" --replay "$t/b" list
check "bad timeout" 2 "seconds" "$bin" --timeout abc list
check "no URI" 1 "no connection URI" env -u VSNAP_DEFAULT_URI "$bin" list
check "bad URI" 1 "URI 'esx:/x'" "$bin" -c esx:/x list
check "unknown scheme" 1 "no driver for scheme 'nosuch'" "$bin" -c nosuch://h/ list
check "default URI from env" 1 "nosuch" env VSNAP_DEFAULT_URI=nosuch://h/ "$bin" list
check "help unknown" 2 "unknown command" "$bin" help nope
# bash completion: commands, then a command's options, from `vsnap help`
comp() { PATH="$(dirname "$bin"):$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vsnap; echo "${COMPREPLY[*]}"' _ "$VSNAP_SRC/completion/vsnap.bash" "$@"; }
check "completion of commands" 0 "snapshot-revert" comp vsnap snapshot-re
check "completion of options" 0 "--children-only" comp vsnap snapshot-delete dom --chi
check "completion of global options" 0 "--connect" comp vsnap --con
echo "cli: $fails failed"
[ "$fails" -eq 0 ]
