# generic_lib.sh: helpers of the generic_*.t tests (sourced after lib.sh):
# read pinned maps and programs back with bpftool, and variables' places
# in the test objects.
OBJS=$BUILD/tests/data/src6

# map_u64 PIN KEY OFFSET: the u64 at byte OFFSET of the value under the u32
# KEY (little endian), read with bpftool; -1 when the lookup fails.
map_u64() {
	local j bytes i n=0
	j=$(bpftool -j map lookup pinned "$1" key $(($2 & 255)) $(($2 >> 8 & 255)) 0 0 2>/dev/null) ||
		{ echo -1; return; }
	bytes=($(sed 's/.*"value":\[\([^]]*\)\].*/\1/' <<<"$j" | tr -d '"' | tr ',' ' '))
	for ((i = 7; i >= 0; i--)); do n=$(((n << 8) | ${bytes[$3 + i]:-0})); done
	echo "$n"
}

# A field of bpftool's one-line JSON for a pinned program or map.
prog_field() { bpftool -j prog show pinned "$1" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p" | tr -d '"'; }
map_field() { bpftool -j map show pinned "$1" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p" | tr -d '"'; }
prog_map_ids() {
	bpftool -j prog show pinned "$1" | sed -n 's/.*"map_ids":\[\([0-9,]*\)\].*/\1/p' | tr ',' ' '
}

# sym_off OBJ NAME: the offset of a global variable in its data section.
sym_off() { printf '%d' "0x$(readelf -sW "$1" | awk -v n="$2" '$8 == n { print $2 }')"; }

# field NAME XFER_OUTPUT: a value of xfer's key=value line.
field() { sed -n "s/.*$1=\\([0-9a-f]*\\).*/\\1/p" <<<"$2"; }

not() { ! "$@" >/dev/null 2>&1; }
