#!/bin/bash
# semantics.t (issue 18): what an application can tell.  Every probe of
# build/tests/tools/semantics (32 behaviours of TCP that applications rely
# on, each checking the bytes it moved) runs over plain TCP and accelerated,
# IPv4 (127.0.0.1) and IPv6 (::1), accelerated by each binary, in a network
# namespace of its own.  Asserted, against tests/kernel/semantics.known:
#  - over plain TCP, every probe gives the result the table names, through
#    TCP (its sockets sent data segments);
#  - accelerated, every probe ran redirected (0 data segments, and the
#    counters of `status --json` moved: 2 sockets added per probe), except
#    the ones the table marks "stack N": sockaccel_opt left their
#    connection to the stack (data segments, N sockets added, one counted
#    in sockets_moved_sockopt);
#  - the backpressure build (install --objects build/bpf/backpressure, by
#    the default binary), where it sets a bound (Linux 6.3): a probe with a
#    "bound R" line gives R through TCP once its writer was moved to the
#    stack for backpressure (sockets_moved_backpressure counts it), after
#    redirecting up to the bound; every other probe as with the built-in
#    object;
#  - accelerated, a probe without a known difference gives exactly the plain
#    result, and one with a known difference gives exactly the known
#    accelerated result (a field F@X.Y of the table replaces F on kernel
#    X.Y: plain@6.1, accel@6.1).  A known difference that now gives the
#    plain result is reported as such: the kernel (or sockaccel) fixed it,
#    and the table must say so;
#  - the README's table "What applications can notice" is the one
#    semantics-table.sh prints from the same file.
. "$(dirname "$0")/../lib.sh"
need_kernel

SEM=$TOOLS/semantics
HERE=$(cd "$(dirname "$0")" && pwd)
KNOWN=$HERE/semantics.known
[ -x "$SEM" ] || bail "$SEM is not built (run make test)"
KVER=$(uname -r | cut -d. -f1,2)

# The table: K[probe.field]; a field F@X.Y replaces F on kernel X.Y.
declare -A K
PROBES=()
while IFS=$'\t' read -r p f v; do
	case $f in
	*@"$KVER") K[$p.${f%@*}]=$v; K[$p.${f%@*}@]=1 ;;
	*@*) ;;
	*) [ -n "${K[$p.$f@]:-}" ] || K[$p.$f]=$v ;;
	esac
	[ "$f" = what ] && PROBES+=("$p")
done < <(awk '/^#/ || /^[ \t]*$/ { next }
	{ k = $1; v = $0; sub(/^[^ \t]+[ \t]+/, "", v) }
	k == "probe" { p = $2; next }
	p != "" { print p "\t" k "\t" v }' "$KNOWN")

is "$("$SEM" -l | sort | tr '\n' ' ')" "$(printf '%s\n' "${PROBES[@]}" | sort | tr '\n' ' ')" \
	"semantics.known has a block for every probe of the tool, and no other"

# The README table is the one the file gives.
"$HERE/semantics-table.sh" "$KNOWN" >"$T_TMP/table"
awk '/^## What applications can notice/ { on = 1; next } on && /^## / { on = 0 }
	on && /^\|/' "$TOP/README.md" >"$T_TMP/readme-table"
if diff -u "$T_TMP/readme-table" "$T_TMP/table" >"$T_TMP/table.diff"; then
	ok 0 "README 'What applications can notice' is the table semantics-table.sh makes of semantics.known"
else
	ok 1 "README 'What applications can notice' is the table semantics-table.sh makes of semantics.known"
	diag "  run tests/kernel/semantics-table.sh into the README; the difference (- README, + table):"
	grep '^[-+]|' "$T_TMP/table.diff" | head -10 | cut -c1-150 | sed 's/^/#   /'
fi

# run_probes LABEL CG NS FAMILY-ARG: the tool's lines in $T_TMP/LABEL.
run_probes() {
	local label=$1 cg=$2 ns=$3
	shift 3
	in_cg_ns "$cg" "$ns" "$SEM" "$@" >"$T_TMP/$label" 2>"$T_TMP/$label.err" ||
		diag "[$label] semantics exited $?: $(head -3 "$T_TMP/$label.err")"
}

# result FILE PROBE FIELD: a field of a probe's line (result, segs, info).
result() {
	awk -v p="$2" -v f="$3" '$1 == "probe" && $2 == p {
		for (i = 3; i < NF; i += 2) if ($i == f) { print $(i + 1); exit } }' "$1"
}

# through_tcp DESCRIPTION GOT SEGS WANT: the probe gave WANT, its plain-TCP
# result, and its data went through TCP (plain, or left to the stack by
# sockaccel_opt).
through_tcp() {
	local what=$1 got=$2 segs=$3 want=$4
	if [ "$got" = "$want" ] && [ "${segs:-0}" -gt 0 ]; then
		ok 0 "$what ($got; $segs data segments through TCP)"
	else
		ok 1 "$what"
		diag "  got:  '$got' ($segs data segments through TCP; there must be some)"
		diag "  want: '$want' (semantics.known, plain)"
	fi
}

check_plain() {	# check_plain LABEL
	local label=$1 p
	for p in "${PROBES[@]}"; do
		through_tcp "[$label] $p: ${K[$p.what]}" "$(result "$T_TMP/$label" "$p" result)" \
			"$(result "$T_TMP/$label" "$p" segs)" "${K[$p.plain]}"
	done
}

check_accel() {	# check_accel LABEL PLAIN-LABEL
	local label=$1 plabel=$2 p got segs want plain kind
	for p in "${PROBES[@]}"; do
		got=$(result "$T_TMP/$label" "$p" result)
		segs=$(result "$T_TMP/$label" "$p" segs)
		plain=$(result "$T_TMP/$plabel" "$p" result)
		want=${K[$p.accel]:-${K[$p.plain]}}
		kind=same
		[ "$want" != "${K[$p.plain]}" ] && kind="known difference"
		if [ "$BOUND" != 0 ] && [ -n "${K[$p.bound]:-}" ]; then
			through_tcp "[$label] $p: ${K[$p.bound]} within the bound, then through the stack" \
				"$got" "$segs" "${K[$p.bound]}"
		elif [ -n "${K[$p.stack]:-}" ]; then
			through_tcp "[$label] $p: same, left to the stack by sockaccel" "$got" "$segs" "$want"
		elif [ "$got" = "$want" ] && [ "$segs" = 0 ]; then
			ok 0 "[$label] $p: $kind, redirected ($got)"
		elif [ "$kind" != same ] && [ "$got" = "$plain" ] && [ "$segs" = 0 ]; then
			ok 1 "[$label] $p: accelerated now behaves as plain TCP"
			diag "  '$got': kernel $(uname -r) (or sockaccel) fixed '${K[$p.what]}';"
			diag "  add 'accel@$KVER' or move the probe to the same side in semantics.known, then the README"
		else
			ok 1 "[$label] $p: $kind, redirected"
			diag "  got:  '$got' ($segs data segments through TCP; redirected: 0)"
			diag "  want: '$want' (semantics.known, $([ "$kind" = same ] && echo plain || echo accel))"
			[ "$got" = "$plain" ] || diag "  plain TCP here: '$plain'"
		fi
	done
}

new_netns ns
new_cgroup plain_cg
run_probes plain-v4 "$plain_cg" "$ns"
run_probes plain-v6 "$plain_cg" "$ns" -6
check_plain plain-v4
check_plain plain-v6

# What accelerated probes add to the counters: 2 sockets each, N for a
# probe marked "stack N", one of which sockaccel_opt moves.
want_added=0 want_moved=0 n_bound=0
for p in "${PROBES[@]}"; do
	want_added=$((want_added + ${K[$p.stack]:-2}))
	[ -n "${K[$p.stack]:-}" ] && want_moved=$((want_moved + 1))
	[ -n "${K[$p.bound]:-}" ] && n_bound=$((n_bound + 1))
done

accel() {	# accel BIN LABEL [OBJECTS-DIR]
	local B=$1 L=$2 cg pin fam s0 s1 added bytes moved bp
	new_cgroup cg
	new_pin_dir pin
	"$B" install --cgroup "$cg" --pin-dir "$pin" ${3:+--objects "$3"} >/dev/null 2>&1 ||
		bail "[$L] install failed"
	BOUND=$(json_get "$("$B" status --pin-dir "$pin" --json)" unread_max_kib)
	if [ -n "${3:-}" ] && [ "$BOUND" = 0 ]; then
		diag "[$L] no backpressure bound on $(uname -r) (no sock:sock_recv_length before 6.3): the unbounded results"
	fi

	for fam in v4 v6; do
		s0=$("$B" status --pin-dir "$pin" --json)
		run_probes "$L-$fam" "$cg" "$ns" $([ $fam = v6 ] && echo -6)
		s1=$("$B" status --pin-dir "$pin" --json)
		added=$(($(json_get "$s1" sockets_added) - $(json_get "$s0" sockets_added)))
		bytes=$(($(json_get "$s1" bytes_redirected) - $(json_get "$s0" bytes_redirected)))
		moved=$(($(json_get "$s1" sockets_moved_sockopt) - $(json_get "$s0" sockets_moved_sockopt)))
		is "$added" "$want_added" "[$L-$fam] status: both ends of every probe's connection entered the sockhash (N of a probe marked stack N)"
		is "$moved" "$want_moved" "[$L-$fam] status: sockets_moved_sockopt counts one socket for each probe left to the stack"
		bp=$(($(json_get "$s1" sockets_moved_backpressure) - $(json_get "$s0" sockets_moved_backpressure)))
		if [ "$BOUND" = 0 ]; then
			lt $((8 << 20)) "$bytes" "[$L-$fam] status: bytes_redirected grew by more than 8 MiB (eagain's alone, unbounded)"
			is "$bp" 0 "[$L-$fam] status: no bound, no socket moved for backpressure"
		else
			lt $((BOUND << 10)) "$bytes" "[$L-$fam] status: bytes_redirected grew by more than the bound ($BOUND KiB: eagain's before its move)"
			check "[$L-$fam] status: sockets_moved_backpressure counts the writer of each probe with a bound ($bp >= $n_bound)" \
				test "$bp" -ge "$n_bound"
		fi
		check_accel "$L-$fam" "plain-$fam"
	done
	"$B" remove --pin-dir "$pin" >/dev/null
}
for_each_binary accel
# The backpressure build, by the default binary.
accel "${SA_BINS%% *}" "$(basename "${SA_BINS%% *}")-backpressure" "$BUILD/bpf/backpressure"

# The numbers, for people (and the report).
n_diff=0
for p in "${PROBES[@]}"; do [ "${K[$p.accel]:-${K[$p.plain]}}" != "${K[$p.plain]}" ] && n_diff=$((n_diff + 1)); done
diag "kernel $(uname -r): ${#PROBES[@]} probes, $(( ${#PROBES[@]} - n_diff )) the same, $n_diff known differences"
done_testing
