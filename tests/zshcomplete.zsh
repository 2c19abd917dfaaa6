#!/usr/bin/env zsh
# SPDX-License-Identifier: ISC
# tests/zshcomplete.zsh DIR LINE: type LINE and <Tab> into a real
# interactive zsh, on a pseudo-terminal made by zsh/zpty, with compinit
# loading completions from DIR first, and print every match the completion
# offered, one per line, sorted.  The matches are caught by a compadd
# function that records what the builtin compadd would add (-O) and then
# calls it; internal calls that already collect matches (-O, -A, -D) pass
# straight through.  Exits 1 if the completion never finished.
emulate -L zsh
zmodload zsh/zpty || exit 1
dir=${1:A} line=$2
tmp=$(mktemp -d) || exit 1

zpty comp zsh -f -i
zpty -w comp "PS1='' PROMPT_EOL_MARK=''; fpath=(${(q)dir} \$fpath)"
zpty -w comp "autoload -U compinit; compinit -u -d ${(q)tmp}/zcompdump"
zpty -w comp "compadd() {
  if (( \${@[(I)-[OAD]*]} )); then builtin compadd \"\$@\"; return; fi
  local -a m; builtin compadd -O m \"\$@\"
  (( \$#m )) && print -rl -- \$m >>${(q)tmp}/matches
  builtin compadd \"\$@\"
}"
zpty -w comp "comppostfuncs=(_t_done); _t_done() { : >${(q)tmp}/done }"
zpty -w -n comp "$line"$'\t'
integer i
for (( i = 0; i < 200; i++ )); do
	[[ -e $tmp/done ]] && break
	sleep 0.05
done
zpty -d comp
# No EXIT trap for this: the process zpty forks would inherit it and could
# remove $tmp under the running shell.
integer rc=0
if [[ ! -e $tmp/done ]]; then
	print -u2 "zshcomplete: no completion for '$line'"
	rc=1
elif [[ -e $tmp/matches ]]; then
	sort -u $tmp/matches
fi
rm -rf $tmp
exit $rc
