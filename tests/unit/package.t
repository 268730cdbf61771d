#!/bin/bash
# package.t (issue 13): what an operator installs.  `make install
# DESTDIR=... PREFIX=/usr` lays out the files a Debian package would; the
# man page renders with `man -l` without warnings and describes every
# command and option the binaries' --help list (and no option they do not
# know); the bash completion offers the commands and each command's options;
# LICENSE is the GPL-2.0 the SPDX lines name.  No kernel needed.
. "$(dirname "$0")/../lib.sh"
command -v man >/dev/null || bail "man is not installed (tests/deps.sh test: man-db groff-base)"

D=$T_TMP/dest
make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr BUILD="$BUILD" >"$T_TMP/make.out" 2>&1
is "$?" 0 "make install DESTDIR=... PREFIX=/usr: exit 0"
is "$(cd "$D" && find . -type f | sort | tr '\n' ' ')" \
   "./usr/lib/systemd/system/sockaccel.service ./usr/sbin/sockaccel ./usr/share/bash-completion/completions/sockaccel ./usr/share/doc/sockaccel/README.md ./usr/share/doc/sockaccel/changelog.gz ./usr/share/man/man8/sockaccel.8.gz " \
   "the files of a Debian package, where Debian puts them"
is "$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$D/usr/lib/systemd/system/sockaccel.service")" /usr/sbin/sockaccel \
   "the unit runs /usr/sbin/sockaccel (PREFIX, not DESTDIR)"
check "the installed binary runs" sh -c '"$1" --version >/dev/null' _ "$D/usr/sbin/sockaccel"
is "$(stat -c %a "$D/usr/sbin/sockaccel")" 755 "the binary is mode 0755"

MAN=$D/usr/share/man/man8/sockaccel.8.gz
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" >"$T_TMP/man.txt" 2>"$T_TMP/man.err"
is "$?" 0 "man -l renders sockaccel(8)"
is "$(cat "$T_TMP/man.err")" "" "... without a warning"
check "... as SOCKACCEL(8)" grep -q '^SOCKACCEL(8)' "$T_TMP/man.txt"
# man renders '-' as U+2010 in places; compare in ASCII.
sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g' "$T_TMP/man.txt" | tr -s ' ' >"$T_TMP/man.ascii"

page() {
	local B=$1 L=$2 c o missing="" cmds opts all=""
	cmds=$("$B" help | awk '/^  [a-z]/ && !seen[$1]++ { print $1 }')
	for c in $cmds; do
		grep -q "^ *$c\b\|, $c\b\|sockaccel $c\b\| $c |" "$T_TMP/man.ascii" || missing="$missing $c"
		opts=$("$B" "$c" --help | grep -o -- '--[a-z-]*' | sort -u)
		all="$all $opts"
		for o in $opts; do
			grep -q -- "$o" "$T_TMP/man.ascii" || missing="$missing $c:$o"
		done
	done
	is "$missing" "" "[$L] the man page describes every command and option of --help"
	missing=""
	# The options the OPTIONS section describes (the lines that start with one).
	for o in $(sed -n '/^OPTIONS/,/^EXIT STATUS/p' "$T_TMP/man.ascii" | grep '^ -' |
		   grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$o" = --version ] && continue
		grep -qw -- "$o" <<<"$all" || missing="$missing $o"
	done
	[ "$L" = sockaccel ] && is "$missing" "" "[$L] every option in the man page exists"

	# Completion, as bash runs it: the function for the command, and what it offers.
	local out
	out=$(PATH=$(dirname "$B"):$PATH bash -c '
		. "$1"
		complete -p sockaccel
		comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _sockaccel; echo "${COMPREPLY[*]}"; }
		comp sockaccel ""
		comp sockaccel inst
		comp sockaccel install --
		comp sockaccel -v status --s' _ "$TOP/completion/sockaccel.bash" 2>&1)
	B=$(basename "$B")
	is "$(sed -n 1p <<<"$out")" "complete -F _sockaccel sockaccel" "[$L] completion: complete -p names the function"
	is "$(sed -n 2p <<<"$out")" "$(echo $cmds) version help" "[$L] completion: every command"
	is "$(sed -n 3p <<<"$out")" install "[$L] completion: 'inst' -> install"
	is "$(sed -n 4p <<<"$out")" "$(sockaccel_opts install)" "[$L] completion: install's options"
	is "$(sed -n 5p <<<"$out")" "--sockets" "[$L] completion: after -v status, '--s' -> --sockets"
}
sockaccel_opts() { "$BUILD/sockaccel" "$1" --help | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
# The completion calls the binary named sockaccel on PATH: each build as that name.
for b in $SA_BINS; do
	mkdir -p "$T_TMP/$(basename "$b")"
	ln -sf "$b" "$T_TMP/$(basename "$b")/sockaccel"
	page "$T_TMP/$(basename "$b")/sockaccel" "$(basename "$b")"
done

is "$(sed -n 's/.*SPDX-License-Identifier: *\([^ */]*\).*/\1/p' "$TOP"/loader/*/*.c "$TOP"/elf/*.c "$TOP"/bpf/*.[ch] | sort -u)" \
   "GPL-2.0" "every SPDX line says GPL-2.0"
check "LICENSE is the GNU GPL version 2" grep -q 'GNU GENERAL PUBLIC LICENSE' "$TOP/LICENSE"
check "... version 2, June 1991" grep -q 'Version 2, June 1991' "$TOP/LICENSE"
done_testing
