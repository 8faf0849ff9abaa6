# bash completion for vsnap. Commands and options come from `vsnap help`; domain and snapshot
# names from the connection given with -c or $VSNAP_DEFAULT_URI.
_vsnap_uri_args()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case "${COMP_WORDS[i]}" in
		-c|--connect) printf -- '-c %q ' "${COMP_WORDS[i+1]}" ;;
		esac
	done
}

_vsnap()
{
	local cur prev cmd i words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-c|--connect|--auth-file|--timeout|--record|--replay) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case "$prev" in
	--auth-file|--record|--replay|--datastore-dir) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--to) COMPREPLY=($(compgen -W "qemu:///embed?root= qemu:///session" -- "$cur")); return ;;
	esac
	if [[ -z "$cmd" ]]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "-c --connect --json -q --quiet --debug --auth-file --timeout --record --replay --no-session-cache --help --version" -- "$cur"))
		else
			words=$(vsnap help 2>/dev/null | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1}')
			COMPREPLY=($(compgen -W "help $words" -- "$cur"))
		fi
		return
	fi
	if [[ "$cur" == -* ]]; then
		words=$(vsnap help "$cmd" 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	# position after the command: 1 = domain, 2 = snapshot for snapshot-* commands
	local pos=0 j dom=""
	for ((j = i + 1; j < COMP_CWORD; j++)); do
		if [[ "${COMP_WORDS[j]}" != -* ]]; then
			((pos == 0)) && dom=${COMP_WORDS[j]}
			((pos++))
		fi
	done
	local uri
	uri=$(_vsnap_uri_args)
	case "$cmd" in
	help) words=$(vsnap help 2>/dev/null | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1}')
	      COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
	vmx2xml|xml2vmx|vmsd2xml|define|domxml-from-native|domxml-to-native)
	      COMPREPLY=($(compgen -f -- "$cur")) ;;
	batch|logout) ;;   # no arguments
	*)
		if ((pos == 0)) && [[ "$cur" == *:* ]]; then
			# VM selectors: name:, moref:, uuid:, path: (bash splits words at ':')
			COMPREPLY=()
		elif ((pos == 0)); then
			words=$(eval vsnap $uri list --all --name 2>/dev/null)
			COMPREPLY=($(compgen -W "$words name: moref: uuid: path:" -- "$cur"))
		elif ((pos == 1)) && [[ "$cmd" == snapshot-* && "$cmd" != snapshot-list && "$cmd" != snapshot-create* &&
			"$cmd" != snapshot-move && "$cmd" != snapshot-check ]]; then
			words=$(eval vsnap $uri snapshot-list "$dom" --name 2>/dev/null)
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
		fi ;;
	esac
}
complete -F _vsnap vsnap
