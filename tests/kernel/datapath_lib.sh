# datapath_lib.sh: what the datapath_*.t tests share on top of ../lib.sh:
# flow servers in the background, reading flow's key=value lines, status
# counters, and the assertions every transfer gets.
#
#   start_server NAME CG NS ARGS...   flow server in CG and NS, output in
#                                     $T_TMP/NAME.out; returns once it listens
#   wait_server NAME                  its exit status; $T_TMP/NAME.out is its line
#   kv LINE KEY                       value of KEY in a flow line
#   counter JSON NAME                 a counter from `status --json`
#   counter_by_id MAP_ID INDEX        a counter of a removed install
#   check_flow LABEL LINE CONNS BYTES asserts of a flow line: every connection
#                                     ok, every byte received, no mismatch,
#                                     no early EOF, no error, no timeout
#   check_accounted LABEL JSON TOTAL  our counters against the bytes written

. "$(dirname "$0")/../lib.sh"
FLOW=$TOOLS/flow

need_flow() {
	[ -x "$FLOW" ] || bail "$FLOW is not built (run make test)"
}

# Wait up to 10 s for a file (a server's "listening" mark).
wait_file() {
	local i
	for i in $(seq 200); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

declare -A T_SERVER_PID
start_server() {	# start_server NAME CG NS FLOW-SERVER-ARGS...
	local name=$1 cg=$2 ns=$3
	shift 3
	rm -f "$T_TMP/$name.ready"
	bg in_cg_ns "$cg" "$ns" "$FLOW" server -R "$T_TMP/$name.ready" "$@" \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	T_SERVER_PID[$name]=${T_PIDS[-1]}
	wait_file "$T_TMP/$name.ready" || bail "flow server $name did not start: $(cat "$T_TMP/$name.err")"
}

wait_server() {	# wait_server NAME: the server's exit status (it has its own -T)
	local rc
	wait "${T_SERVER_PID[$1]}"
	rc=$?
	[ -s "$T_TMP/$1.err" ] && sed 's/^/# server: /' "$T_TMP/$1.err" | head -5
	return $rc
}

kv() {	# kv LINE KEY
	sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<" $1"
}

counter() {	# counter STATUS-JSON NAME
	json_get "$1" "$2"
}

# The assertions of one flow line (client or server side).
check_flow() {	# check_flow LABEL LINE CONNS BYTES-EACH-WAY
	local l=$1 line=$2 conns=$3 bytes=$4
	is "$(kv "$line" ok)" "$conns" "$l: $conns of $conns connections finished intact within their time limit"
	is "$(kv "$line" bytes_received)" "$((conns * bytes))" "$l: every byte received ($((conns * bytes)))"
	is "$(kv "$line" mismatches)" 0 "$l: 0 bytes wrong, out of order, duplicated or misdelivered"
	is "$(kv "$line" early_eof)/$(kv "$line" errors)/$(kv "$line" timeouts)" 0/0/0 \
		"$l: no EOF before the end, no error, no timeout"
}

# A counter of an install whose pins are gone, read by map id (the map
# lives on while sockets in its sockhash hold its sk_msg program): the sum
# over CPUs of the little-endian u64 in each CPU's slot.
counter_by_id() {	# counter_by_id MAP_ID INDEX
	local sum=0 line v i b
	while read -r line; do
		b=(${line#*: })
		v=0
		for ((i = 7; i >= 0; i--)); do v=$((v * 256 + 16#${b[i]})); done
		sum=$((sum + v))
	done < <(bpftool map lookup id "$1" key "$2" 0 0 0 2>/dev/null | grep '^value')
	echo "$sum"
}

# The id of a map of an install, from `status --json`.
map_id() {	# map_id STATUS-JSON MAP
	status_id "$1" "$2"
}

# What our sk_msg program counted against what was written (TOTAL bytes).
# Redirected bytes are counted exactly.  Passed bytes can be undercounted:
# after a passed message meets a full send buffer, the kernel reuses that
# verdict (psock->eval) for the next sendmsg without running the program.
check_accounted() {	# check_accounted LABEL STATUS-JSON TOTAL
	local r p
	r=$(counter "$2" bytes_redirected)
	p=$(counter "$2" bytes_passed)
	if [ "$p" = 0 ]; then
		is "$r" "$3" "$1: bytes_redirected = every byte written ($3), none passed"
	else
		check "$1: bytes_redirected $r + bytes_passed $p <= bytes written $3" test $((r + p)) -le "$3"
	fi
}

# Redirected by us: every byte, unless a one-way run of small writes moved
# a socket to the stack (sockets_moved_to_stack says so); then what was
# redirected and what was passed together account for the bytes.
check_redirected() {	# check_redirected LABEL REDIRECTED PASSED MOVED TOTAL
	if [ "$4" = 0 ]; then
		is "$2" "$5" "$1: every byte redirected ($5)"
	else
		check "$1: $2 bytes redirected, then $4 small-write streams moved to the stack ($3 passed; $5 written)" \
			test "$2" -gt 0 -a $(($2 + $3)) -le "$5"
	fi
}

# Every write kind was used (1 B ... 1 MiB sends, sendfile, splice).
check_mix() {	# check_mix LABEL LINE
	local k missing=""
	for k in w1 w100 w1k w64k w1m sendfile splice; do
		[ "$(kv "$2" $k)" -gt 0 ] 2>/dev/null || missing="$missing $k"
	done
	is "$missing" "" "$1: writes of every kind: w1=$(kv "$2" w1) w100=$(kv "$2" w100) w1k=$(kv "$2" w1k) w64k=$(kv "$2" w64k) w1m=$(kv "$2" w1m) sendfile=$(kv "$2" sendfile) splice=$(kv "$2" splice)"
}

# Seconds since the test started, for the timing diagnostics.
T_START=$EPOCHREALTIME
elapsed() { awk -v a="${1:-$T_START}" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
