# bash completion for sockaccel(8)                      -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0
# The commands and options come from the binary itself (`sockaccel help`,
# `sockaccel COMMAND --help`: the tables in loader/cli/main.c), so they
# cannot drift from it.  No bash-completion helpers needed.

_sockaccel() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local bin=${COMP_WORDS[0]} cmds cmd="" w i
	cmds="$("$bin" help 2>/dev/null | awk '/^  [a-z]/ && !seen[$1]++ { printf "%s ", $1 }')version help"
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ $w == -* ]] && continue
		case " $cmds " in *" $w "*) cmd=$w; break ;; esac
	done
	case $prev in
	--cgroup | --pin-dir | --objects)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--port | --type)
		return ;;
	esac
	if [[ -z $cmd && $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
	elif [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "-v --verbose -h --help --version" -- "$cur"))
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$bin" "$cmd" --help 2>/dev/null |
			grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
	elif [[ $cmd == attach || $cmd == detach ]] && [[ $COMP_CWORD -ge 3 ]]; then
		COMPREPLY=($(compgen -W "cgroup map" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _sockaccel sockaccel
