#!/bin/bash
# Saved ESX sessions and batch mode through the CLI against vcsim: the second command makes
# no Login and a tree listing is 2 requests; a session the server ended re-logs in once and
# the file is rewritten; a corrupted, group/world-readable, foreign-owned or symlinked file is
# ignored with a warning; opt-outs; logout; 'cmd1; cmd2' and `batch` over one connection.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
bin=${VSNAP_BIN:?}; sim=${VSNAP_VCSIM:-${VSNAP_BUILD:-}/bin/vcsim}
[ -x "$sim" ] || { echo "SKIP: no simulator at '$sim' (VSNAP_VCSIM)"; exit 77; }
t=$(mktemp -d); pid=; fails=0
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
export VSNAP_PASSWORD=pass XDG_RUNTIME_DIR=$t/run
unset VSNAP_SESSION_CACHE          # ctest turns sessions off for the other tests
mkdir -m 700 "$t/run"

. "$(dirname "$0")/../vcsim/start.sh"
vcsim_start "$t/sim.out" -esx -username root -password pass -trace-file "$t/trace"
U="esx://root@127.0.0.1:$port/?no_verify=1"

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { local d=$1; shift 2; "$@" >"$t/out" 2>"$t/err" || fail "$d: exit $?: $(head -c 400 "$t/err")"; }
has() { grep -qE -- "$2" "$t/$3" || fail "$1: $3 lacks /$2/: $(head -c 400 "$t/$3")"; }
hasnt() { grep -qE -- "$2" "$t/$3" && fail "$1: $3 shows /$2/"; }
count() { grep -o "$1" "$t/trace" | wc -l; }
logins() { count '<[A-Za-z0-9]*:\{0,1\}LoginResponse'; }
logouts() { count '<[A-Za-z0-9]*:\{0,1\}LogoutResponse'; }
reqs() { grep -c '^Request:' "$t/trace"; }
V() { "$bin" -c "$U" "$@"; }
file() { ls "$t/run/vsnap/sessions/"* 2>/dev/null | head -1; }
mode() { stat -c %a "$1"; }

# 1. The first command logs in and keeps the session (no Logout); the file is 0600.
ok "first command" -- V list --all --name
vm=$(head -1 "$t/out")
[ "$(logins)" = 1 ] || fail "first command: $(logins) logins"
[ "$(logouts)" = 0 ] || fail "first command logged out although it keeps the session"
f=$(file)
[ -n "$f" ] || { echo "FAIL: no session file under $t/run/vsnap/sessions"; exit 1; }
[ "$(mode "$f")" = 600 ] || fail "session file mode $(mode "$f"), wanted 600"
[ "$(mode "$(dirname "$f")")" = 700 ] || fail "sessions folder mode $(mode "$(dirname "$f")")"
grep -q pass "$f" && fail "the session file holds the password"
cookie=$(awk '/^cookie / { print $NF }' "$f" | head -1)
[ -n "$cookie" ] || fail "the session file holds no cookie"

# 2. The second command reuses it: no Login, and a tree listing is at most 2 requests.
b=$(reqs); l=$(logins)
"$bin" --debug -c "$U" snapshot-list "$vm" --tree >"$t/out" 2>"$t/err" || fail "reuse: $(head -c 300 "$t/err")"
[ "$(logins)" = "$l" ] || fail "the second command logged in again"
n=$(( $(reqs) - b )); [ "$n" -le 2 ] || fail "tree listing with a saved session: $n requests (at most 2)"
[ -n "$cookie" ] && { hasnt "debug log" "$cookie" err; }
grep -q "resuming a saved session" "$t/err" || fail "debug log does not say the session was resumed"

# 3. A session the server ended: one Login, the command works, the file is rewritten.
cp "$f" "$t/old"
ok "logout" -- V logout
[ -e "$f" ] && fail "logout left the session file"
[ "$(logouts)" = 1 ] || fail "logout sent $(logouts) Logout requests"
cp "$t/old" "$f"; chmod 600 "$f"
l=$(logins)
ok "expired session" -- V domstate "$vm"; has "expired session" running out
[ "$(logins)" = $((l + 1)) ] || fail "expired session: $(( $(logins) - l )) logins, wanted 1"
cmp -s "$t/old" "$f" && fail "the file was not rewritten after the re-login"
[ -s "$t/err" ] && fail "expired session: unexpected stderr: $(head -c 300 "$t/err")"

# 4. Unsafe or broken files: ignored with a warning, a fresh login, a sound file again.
unsafe() { # description pattern
	local l; l=$(logins)
	ok "$1" -- V domstate "$vm"
	has "$1" "^warning: .*$2" err
	[ "$(logins)" = $((l + 1)) ] || fail "$1: $(( $(logins) - l )) logins, wanted 1"
	f=$(file); [ -f "$f" ] && [ ! -L "$f" ] && [ "$(mode "$f")" = 600 ] && head -1 "$f" | grep -q '^vsnap-session 1$' ||
		fail "$1: no sound session file afterwards"
}
printf 'garbage\n' >"$f"; chmod 600 "$f"; unsafe "corrupted file" "not a vsnap session file"
chmod 644 "$f"; unsafe "mode 0644" "mode 0644"
chmod 640 "$f"; unsafe "mode 0640" "mode 0640"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$f"; unsafe "foreign-owned file" "owned by uid 65534"
else
	echo "NOTE: foreign-owned case needs root to chown (running as uid $(id -u)); not run"
fi
mv "$f" "$t/real"; ln -s "$t/real" "$f"; unsafe "symlink" "ignoring saved session"

# 5. Opt-outs: the flag and the environment: Login + Logout, the file untouched.
cp "$f" "$t/before"; l=$(logins); o=$(logouts)
ok "--no-session-cache" -- V --no-session-cache domstate "$vm"
VSNAP_SESSION_CACHE=0 "$bin" -c "$U" domstate "$vm" >/dev/null 2>&1 || fail "VSNAP_SESSION_CACHE=0 domstate"
[ "$(logins)" = $((l + 2)) ] && [ "$(logouts)" = $((o + 2)) ] ||
	fail "opt-outs: $(( $(logins) - l )) logins, $(( $(logouts) - o )) logouts (wanted 2, 2)"
cmp -s "$t/before" "$f" || fail "an opt-out run changed the session file"

# 6. Batch: one argument with ';' and stdin, one connection (one service content, one login).
V logout >/dev/null 2>&1
sc() { count '<[A-Za-z0-9]*:\{0,1\}RetrieveServiceContentResponse'; }
s=$(sc); l=$(logins)
ok "'cmd; cmd'" -- V --no-session-cache "snapshot-create-as $vm 'two words'; snapshot-list $vm --name"
has "'cmd; cmd'" "^two words$" out
[ "$(sc)" = $((s + 1)) ] && [ "$(logins)" = $((l + 1)) ] ||
	fail "'cmd; cmd': $(( $(sc) - s )) service contents, $(( $(logins) - l )) logins (wanted 1, 1)"
s=$(sc); l=$(logins)
printf 'snapshot-create-as %s b1   # a comment\n\n# a comment line\nsnapshot-list %s --name; domstate %s\n' \
	"$vm" "$vm" "$vm" | V --no-session-cache batch >"$t/out" 2>"$t/err" || fail "batch: $(head -c 300 "$t/err")"
has "batch" "^b1$" out; has "batch" "^running$" out
[ "$(sc)" = $((s + 1)) ] && [ "$(logins)" = $((l + 1)) ] ||
	fail "batch: $(( $(sc) - s )) service contents, $(( $(logins) - l )) logins (wanted 1, 1)"
V --no-session-cache "domstate no-such-vm; list --all" >"$t/out" 2>"$t/err"
[ $? = 1 ] || fail "a failing command in a batch: exit status not 1"
[ -s "$t/out" ] && fail "the batch went on after a failing command"
V --no-session-cache "list --all --name; snapshot-list $vm 'unterminated" >"$t/out" 2>"$t/err"
[ $? = 2 ] || fail "unterminated quote: exit status not 2"
echo "batch" | V batch >"$t/out" 2>"$t/err"; has "nested batch" "cannot run inside" err

# 7. Completion knows the new option, commands and selector prefixes.
comp() { PATH="$(dirname "$bin"):$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vsnap; echo "${COMPREPLY[*]}"' _ "${VSNAP_SRC:?}/completion/vsnap.bash" "$@"; }
[ "$(comp vsnap --no-s)" = "--no-session-cache" ] || fail "completion of --no-session-cache: '$(comp vsnap --no-s)'"
[ "$(comp vsnap logo)" = "logout" ] || fail "completion of logout: '$(comp vsnap logo)'"
[ "$(comp vsnap bat)" = "batch" ] || fail "completion of batch: '$(comp vsnap bat)'"
case " $(comp vsnap -c "$U" domstate mor) " in *" moref: "*) ;; *) fail "completion of moref:";; esac

[ "$fails" = 0 ] && echo "PASS: saved sessions and batch mode" || { echo "$fails failure(s)"; exit 1; }
