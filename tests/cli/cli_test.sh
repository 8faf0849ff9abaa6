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
# virsh's grammar (tools/cli_parse.c): slots by name, any order, twice is an error, holes
check "required slot missing" 2 "snapshot-revert: a domain is required" "$bin" -c esx://h/ snapshot-revert --snapshotname s1
check "option given twice" 2 "option '--snapshotname' given twice" "$bin" -c esx://h/ snapshot-revert --domain a --snapshotname s1 --snapshotname s2
check "slot named and positional" 2 "option '--name' given twice" "$bin" -c esx://h/ snapshot-create-as --name a d --name b
check "too many positionals" 2 "unexpected argument 'x'" "$bin" -c esx://h/ dominfo d x
check "named slot takes a value" 2 "option '--domain' needs a value" "$bin" -c esx://h/ dominfo --domain
check "-v" 0 "^vsnap [0-9]" "$bin" -v
check "print-xml needs no connection" 0 "<name>n&lt;1</name>" "$bin" snapshot-create-as --domain d --name 'n<1' --print-xml
check "print-xml positional diskspecs" 0 "<disk name='vdb' snapshot='no'/>" "$bin" snapshot-create-as d n desc vda vdb,snapshot=no --print-xml
check "bad diskspec" 2 "--diskspec 'vda,bogus=1': expected" "$bin" snapshot-create-as d --diskspec vda,bogus=1 --print-xml
check "wrap needs xpath" 2 "--wrap needs --xpath" "$bin" -c "qemu:///embed?root=$t/r" dumpxml d --wrap
check "help shows named slots" 0 "\[--domain\] DOMAIN (\[--snapshotname\] SNAPSHOT" "$bin" help snapshot-revert
# --json: errors are JSON on stdout; commands without JSON output refuse it
jcheck() { # jcheck NAME RC PYTHON-EXPR CMD...: stdout must be JSON satisfying EXPR on d
	local name=$1 want=$2 expr=$3; shift 3
	"$@" >"$t/out" 2>/dev/null; local rc=$?
	if [ "$rc" -eq "$want" ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ('"$expr"') else 1)' "$t/out"; then
		echo "ok   $name"
	else
		echo "FAIL $name: rc=$rc: $(head -c 300 "$t/out")"; fails=$((fails + 1))
	fi
}
jcheck "json usage error" 2 "d['error']['kind'] == 'usage' and 'unknown option' in d['error']['message']" "$bin" --json -c esx://h/ list --bogus
jcheck "json library error" 1 "d['error']['code'] == 'ENOTFOUND' and \"no domain named 'nosuch'\" in d['error']['message']" "$bin" --json -c "qemu:///embed?root=$t/r" dominfo nosuch
jcheck "json refused without JSON output" 2 "'has no JSON output (it prints XML)' in d['error']['message']" "$bin" --json -c "qemu:///embed?root=$t/r" dumpxml d
# completion after -c URI (bash splits it at ':' and '='), and never a password prompt
check "completion after -c URI" 0 "^--domain" comp vsnap -c qemu : "///embed?root" = "$t/r" snapshot-revert --dom
check "completion of the URI word" 0 "///embed?root=" comp vsnap -c qemu : "///embed?ro"
if command -v script >/dev/null; then
	# a terminal on stdin/stdout, an ESX URI and no password: the old completion prompted
	env -u VSNAP_PASSWORD -u VSNAP_AUTH_FILE VSNAP_SRC="$VSNAP_SRC" PATH="$(dirname "$bin"):$PATH" \
		script -qec 'bash -c ". \"$VSNAP_SRC/completion/vsnap.bash\"; COMP_WORDS=(vsnap -c esx://root@127.0.0.1:1/ dominfo \"\"); COMP_CWORD=4; _vsnap; echo completed"' /dev/null </dev/null >"$t/pty" 2>&1
	if grep -q "completed" "$t/pty" && ! grep -qi "password" "$t/pty"; then
		echo "ok   completion never prompts"
	else
		echo "FAIL completion never prompts: $(head -c 300 "$t/pty")"; fails=$((fails + 1))
	fi
else
	echo "FAIL completion never prompts: 'script' (util-linux) is missing"; fails=$((fails + 1))
fi
echo "cli: $fails failed"
[ "$fails" -eq 0 ]
