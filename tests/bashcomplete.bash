#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# tests/bashcomplete.bash FILE LINE: load bash-completion and the completion
# FILE, complete LINE with the cursor at its end as bash does on <Tab>, and
# print COMPREPLY one per line, then "nospace" if the completion asked
# for no space after it.  LINE is split into COMP_WORDS the way bash splits
# it (checked against an interactive bash by tests/completions.bats, with
# FILE "--words", which prints only the words, as tests/bashwords.py does):
# blanks end a word, and a run of ":" or "=" is a word of its own.

if [[ $1 != --words ]]; then
	source /usr/share/bash-completion/bash_completion
	source "$1"
fi
line=$2
COMP_LINE=$line
COMP_POINT=${#line}
COMP_WORDS=()
word=
for ((i = 0; i < ${#line}; i++)); do
	c=${line:i:1}
	case $c in
	[[:blank:]])
		[[ -n $word ]] && COMP_WORDS+=("$word")
		word=
		;;
	[:=])
		[[ -n $word && $word != [:=]* ]] && { COMP_WORDS+=("$word"); word=; }
		word+=$c
		;;
	*)
		[[ $word == [:=]* ]] && { COMP_WORDS+=("$word"); word=; }
		word+=$c
		;;
	esac
done
COMP_WORDS+=("$word")
# A line ending in a blank is completing a new, empty word; otherwise the
# last word is the one being completed.  [[ -n $word ]] above drops empty
# words, so an empty final word only comes from a trailing blank.
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_TYPE=9
if [[ $1 == --words ]]; then
	# Only the splitting, in tests/bashwords.py's format.
	IFS='|'
	printf '%s %s\n' "$COMP_CWORD" "${COMP_WORDS[*]}"
	exit 0
fi
# compopt only works inside a completion that bash itself started; here it
# records the option so that the test can see it.
compopt() {
	local o
	for o in "$@"; do
		[[ $o == nospace ]] && nospace=1
	done
	return 0
}
nospace=
complete -p privrun >/dev/null || exit 1
func=$(complete -p privrun | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
"$func" privrun "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}" | sort
[[ -z $nospace ]] || echo nospace
