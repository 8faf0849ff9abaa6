# bash completion for vsnap. Commands and options come from `vsnap help`; domain and snapshot
# names from the connection given with -c or $VSNAP_DEFAULT_URI.
#
# Bash splits words at ':' and '=' (COMP_WORDBREAKS), which cuts URIs such as
# qemu:///embed?root=DIR into pieces: the words are joined back first (bash-completion's
# the same join as bash-completion's _get_comp_words_by_ref -n =:, without needing it).
# Listing names never asks for a password: vsnap runs with stdin from /dev/null (no prompt
# without a terminal), a short --timeout, and its errors thrown away.

# Sets _vsnap_words (array) and _vsnap_cword from COMP_WORDS with ':' and '=' glued back.
_vsnap_join_words()
{
	_vsnap_words=()
	_vsnap_cword=0
	local i w glue=0 n=-1
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((n >= 0)) && { [[ "$w" == ":" || "$w" == "=" ]] || ((glue)); } &&
			[[ "$w" != "" || $glue -eq 1 ]]; then
			_vsnap_words[n]+=$w
		else
			n=$((n + 1))
			_vsnap_words[n]=$w
		fi
		glue=0
		[[ "$w" == ":" || "$w" == "=" ]] && glue=1
		((i == COMP_CWORD)) && _vsnap_cword=$n
	done
}

# Prints the connection arguments given on the command line ("-c URI"), shell-quoted.
_vsnap_uri_args()
{
	local i
	for ((i = 1; i < _vsnap_cword; i++)); do
		case "${_vsnap_words[i]}" in
		-c|--connect) printf -- '-c %q ' "${_vsnap_words[i+1]}" ;;
		--connect=*) printf -- '-c %q ' "${_vsnap_words[i]#--connect=}" ;;
		esac
	done
}

# Runs vsnap for completion: never interactive, bounded in time, quiet on errors.
_vsnap_quiet()
{
	eval "vsnap $(_vsnap_uri_args) --timeout 10 $*" </dev/null 2>/dev/null
}

_vsnap()
{
	local cur prev cmd i words
	_vsnap_join_words
	_vsnap_complete
	# bash replaces only the piece after the last ':' or '=' of the word: drop what it keeps
	local keep=${cur%"${COMP_WORDS[COMP_CWORD]}"}
	if [[ -n "$keep" && "$keep" != "$cur" ]]; then
		for ((i = 0; i < ${#COMPREPLY[@]}; i++)); do
			COMPREPLY[i]=${COMPREPLY[i]#"$keep"}
		done
	fi
}

_vsnap_complete()
{
	cur=${_vsnap_words[_vsnap_cword]}
	prev=${_vsnap_words[_vsnap_cword-1]}
	cmd=""
	for ((i = 1; i < _vsnap_cword; i++)); do
		case "${_vsnap_words[i]}" in
		-c|--connect|--auth-file|--timeout|--record|--replay) ((i++)) ;;
		-*) ;;
		*) cmd=${_vsnap_words[i]}; break ;;
		esac
	done
	case "$prev" in
	--auth-file|--record|--replay|--datastore-dir|--file|--xmlfile|--from-file)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-c|--connect)
		COMPREPLY=($(compgen -W "esx:// vpx:// gsx:// qemu:///embed?root=" -- "$cur")); return ;;
	--to) COMPREPLY=($(compgen -W "qemu:///embed?root= qemu:///session" -- "$cur")); return ;;
	esac
	if [[ -z "$cmd" ]]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "-c --connect --json -q --quiet --debug --auth-file --timeout --record --replay --no-session-cache --help --version -v" -- "$cur"))
		else
			words=$(vsnap help 2>/dev/null | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1}')
			COMPREPLY=($(compgen -W "help $words" -- "$cur"))
		fi
		return
	fi
	if [[ "$cur" == -* ]]; then
		words=$(vsnap help "$cmd" 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)
		# the fleet form of the snapshot commands (docs/esx.md "Many VMs at once")
		case "$cmd" in
		snapshot-create*|snapshot-revert|snapshot-delete*|snapshot-list|snapshot-info|remove-all|consolidate)
			words="$words --all --glob --folder --from-file --domain --parallel --snapshotname" ;;
		esac
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	# Positional slots after the command (values of options skipped): 0 = domain, 1 = snapshot
	# for snapshot-* commands; --domain/--snapshotname name them in any order.
	local pos=0 j dom="" w
	for ((j = i + 1; j < _vsnap_cword; j++)); do
		w=${_vsnap_words[j]}
		case "$w" in
		--domain) dom=${_vsnap_words[j+1]}; ((j++)) ;;
		--domain=*) dom=${w#--domain=} ;;
		--snapshotname|--name|--description|--from|--xpath|--memspec|--diskspec|--rename|--xmlfile|--file)
			[[ "$cmd" == snapshot-current || "$cmd" == snapshot-list || "$cmd" == list ]] &&
				[[ "$w" == --name ]] || ((j++)) ;;
		-*) ;;
		*) [[ -z "$dom" ]] && ((pos == 0)) && dom=$w; ((pos++)) ;;
		esac
	done
	[[ -n "$dom" && $pos -eq 0 ]] && pos=1
	case "$prev" in
	--domain) pos=0 ;;
	--snapshotname|--from) pos=1 ;;
	esac
	case "$cmd" in
	help) words=$(vsnap help 2>/dev/null | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1}')
	      COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
	vmx2xml|xml2vmx|vmsd2xml|define|domxml-from-native|domxml-to-native)
	      if [[ "$cur" == -* ]]; then
		      case "$cmd" in
		      vmx2xml) words="--datastore-dir --datacenter-path --missing-prefix --no-secrets --strict --keep --libvirt-compat" ;;
		      xml2vmx) words="--hw-version --strict" ;;
		      vmsd2xml) words="--tree --strict" ;;
		      *) words="" ;;
		      esac
		      COMPREPLY=($(compgen -W "$words" -- "$cur"))
	      else
		      COMPREPLY=($(compgen -f -- "$cur"))
	      fi ;;
	batch|logout) ;;   # no arguments
	screenshot|snapshot-screenshot)
		# the file after the domain (and the snapshot); --file takes one too
		if [[ "$prev" == --file ]] || { [[ "$cmd" == screenshot ]] && ((pos == 1)); } ||
		   { [[ "$cmd" == snapshot-screenshot ]] && ((pos == 2)); }; then
			COMPREPLY=($(compgen -f -- "$cur"))
		elif ((pos == 0)); then
			words=$(_vsnap_quiet list --all --name)
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
		elif ((pos == 1)); then
			words=$(_vsnap_quiet snapshot-list "$(printf %q "$dom")" --name)
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
		fi ;;
	*)
		if ((pos == 0)) && [[ "$cur" == *:* ]]; then
			# VM selectors: name:, moref:, uuid:, path: (bash splits words at ':')
			COMPREPLY=()
		elif ((pos == 0)); then
			words=$(_vsnap_quiet list --all --name)
			COMPREPLY=($(compgen -W "$words name: moref: uuid: path:" -- "$cur"))
		elif ((pos == 1)) && [[ "$cmd" == snapshot-* && "$cmd" != snapshot-list && "$cmd" != snapshot-create* &&
			"$cmd" != snapshot-move && "$cmd" != snapshot-check ]]; then
			words=$(_vsnap_quiet snapshot-list "$(printf %q "$dom")" --name)
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
		fi ;;
	esac
}
complete -F _vsnap vsnap
