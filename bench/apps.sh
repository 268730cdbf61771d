#!/bin/bash
# bench/apps.sh: real applications, plain TCP against TCP with sockaccel,
# against the reference peer (bench/ref/ref.bpf.c: the minimal program pair
# of the public write-ups) and against Unix sockets where the application
# speaks them.  Sourced by bench/run.sh (apps_bench); alone:
#
#   BUILD=$PWD/build bench/apps.sh      # as root, after make bench built it
#
#   nginx + wrk            1 KiB, 16 KiB, 1 MiB bodies, keep-alive, 1 and 16 connections
#   redis + redis-benchmark SET and GET, 1 and 50 clients, pipelining 1 and 16
#   postgresql + pgbench   select-only and the default TPC-B-like mix
#   iperf3                 1 KiB, 16 KiB and 128 KiB writes
#
# Every server runs inside the bench's network namespace and in a cgroup of
# its mode (plain, accel, ref), each mode on its own port; clients run in a
# sibling cgroup, so cpu.stat gives the CPU of each side.  A server enters
# its cgroup before it opens a socket (in_cg_ns writes the cgroup, then
# execs).  The modes of one scenario run back to back, in an order that
# rotates with each repetition.  Every run records the figure, Tcp OutSegs
# of the namespace, CPU per side, CPU taken by other load on the machine,
# and for sockaccel the counters' change.  Correctness: a 64 MiB download
# through nginx, an 8 MiB redis value, pgbench's balances against its
# history, all on the accelerated path.
#
# Environment: APP_REPS (4), APP_SECS (1: seconds per wrk/pgbench/iperf3 run;
# redis-benchmark runs a request count sized to about as long), APP_OTHER_MAX
# and APP_BUDGET (repeating runs that other load disturbed, see below),
# APP_ONLY (a regular expression: only the plan lines "APP SCENARIO MODE
# REP" it matches, to study one scenario).
#
# Writes OUT/apps.tsv (one line per run), OUT/apps-checks.txt,
# OUT/apps-status-*.json.

# Mode -> its cgroup (servers in CG/srv, clients in CG/cli), and the
# offset of its servers' ports.  Unix sockets: the plain servers' other door.
declare -A APP_CG=()
declare -A APP_OFF=([plain]=0 [accel]=1 [ref]=2 [unix]=0)
APPS_DIR=""
APP_REF_PIN=""

apps_bench() {
	local reps=${APP_REPS:-4} secs=${APP_SECS:-1}
	local A=$OUT/apps ATSV=$OUT/apps.tsv ACHK=$OUT/apps-checks.txt
	local pg_bin=/usr/lib/postgresql/15/bin m n total rep t_apps fig unit bfig
	[ -x "$pg_bin/postgres" ] || pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	for b in nginx wrk redis-server redis-benchmark redis-cli iperf3 curl setpriv \
		 "$pg_bin/postgres" "$pg_bin/initdb" "$pg_bin/pgbench" "$pg_bin/psql" "$pg_bin/pg_isready"; do
		command -v "$b" >/dev/null || { say "apps: $b is missing (tests/deps.sh bench installs it)"; return 1; }
	done
	id postgres >/dev/null 2>&1 || { say "apps: no user postgres (the postgresql package creates it)"; return 1; }
	t_apps=$(date +%s)
	: >"$ATSV"
	: >"$ACHK"
	rm -rf "$A"
	mkdir -p "$A/www"
	APPS_DIR=$A
	trap 'apps_stop; t_cleanup' EXIT

	# ---- namespace, cgroups, programs ----
	new_netns ans
	for m in plain accel ref; do
		new_cgroup "cg_app_$m"
		eval "APP_CG[$m]=\$cg_app_$m"
		mkdir "${APP_CG[$m]}/srv" "${APP_CG[$m]}/cli"
	done
	APP_CG[unix]=${APP_CG[plain]}
	new_pin_dir pin_app_accel
	new_pin_dir pin_app_ref
	"$SA" install --cgroup "${APP_CG[accel]}" --pin-dir "$pin_app_accel" \
		${BENCH_OBJECTS:+--objects "$BENCH_OBJECTS"} >>"$LOG" ||
		{ say "apps: sockaccel install failed"; return 1; }
	"$SA" load "${APP_REF_OBJ:-$OUT/ref/ref.bpf.o}" --pin-dir "$pin_app_ref" >>"$LOG" &&
		"$SA" prog attach pinned "$pin_app_ref/ref_msg" msg_verdict pinned "$pin_app_ref/ref_hash" >>"$LOG" &&
		"$SA" cgroup attach "${APP_CG[ref]}" sock_ops pinned "$pin_app_ref/ref_ops" multi >>"$LOG" ||
		{ say "apps: loading the reference peer failed"; return 1; }
	APP_REF_PIN=$pin_app_ref

	# ---- servers: one per mode, ports base+0 (plain), +1 (accel), +2 (ref) ----
	head -c 1024 /dev/urandom >"$A/www/1k"
	head -c 16384 /dev/urandom >"$A/www/16k"
	head -c $((1 << 20)) /dev/urandom >"$A/www/1m"
	head -c $((64 << 20)) /dev/urandom >"$A/www/64m"
	head -c $((8 << 20)) /dev/urandom >"$A/big.redis"
	chmod -R a+rX "$A/www"
	for m in plain accel ref; do
		local o=${APP_OFF[$m]} d="$A/nginx-$m"
		mkdir -p "$d"
		cat >"$d/nginx.conf" <<-EOF
			# As Debian ships it where it matters (sendfile, tcp_nopush), without logging.
			user www-data;
			worker_processes 1;
			pid $d/nginx.pid;
			events { worker_connections 1024; }
			http {
				access_log off;
				sendfile on;
				tcp_nopush on;
				keepalive_requests 1000000;
				client_body_temp_path $d/body;
				proxy_temp_path $d/proxy;
				fastcgi_temp_path $d/fastcgi;
				uwsgi_temp_path $d/uwsgi;
				scgi_temp_path $d/scgi;
				server {
					listen 127.0.0.1:$((8080 + o));
					root $A/www;
				}
			}
		EOF
		app_server "$m" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" -g 'daemon off;'
		app_server "$m" redis-server --port $((6379 + o)) --bind 127.0.0.1 --protected-mode no \
			--unixsocket "$A/redis-$m.sock" --save '' --appendonly no --daemonize no \
			--logfile "$A/redis-$m.log" --dir "$A"
		# -B: iperf3 listens on [::] otherwise, and the reference peer
		# keys IPv4 only (a v4-mapped server socket never enters its map).
		app_server "$m" iperf3 -s -B 127.0.0.1 -p $((5201 + o))
	done
	# PostgreSQL refuses to run as root: initdb once as the package's
	# postgres user, one copy of the cluster per mode.  fsync off: the bench
	# measures the sockets, not this machine's disk.
	mkdir -p "$A/pg"
	chown postgres: "$A/pg"
	setpriv --reuid=postgres --regid=postgres --init-groups "$pg_bin/initdb" -D "$A/pg/template" \
		-A trust -U postgres --no-sync >>"$LOG" 2>&1 || { say "apps: initdb failed (see $LOG)"; return 1; }
	for m in plain accel ref; do
		cp -a "$A/pg/template" "$A/pg/$m"
		app_server "$m" setpriv --reuid=postgres --regid=postgres --init-groups "$pg_bin/postgres" \
			-D "$A/pg/$m" -p $((5432 + ${APP_OFF[$m]})) -k "$A/pg/$m" -c listen_addresses=127.0.0.1 \
			-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 \
			-c logging_collector=off
	done
	for m in plain accel ref; do
		local o=${APP_OFF[$m]}
		app_wait_port $((8080 + o)) && app_wait_port $((6379 + o)) && app_wait_port $((5201 + o)) &&
			app_wait_port $((5432 + o)) || { say "apps: a $m server did not start (see $LOG)"; return 1; }
		in_cg_ns "${APP_CG[$m]}/cli" "$ans" "$pg_bin/pgbench" -h 127.0.0.1 -p $((5432 + o)) -U postgres \
			-i -s 1 -q postgres >>"$LOG" 2>&1 || { say "apps: pgbench -i failed ($m)"; return 1; }
	done
	say "apps: servers up in $(($(date +%s) - t_apps)) s"

	# ---- the plan: "APP SCENARIO MODE REP" ----
	local plan=$T_TMP/apps-plan order s
	: >"$plan"
	for rep in $(seq "$reps"); do
		set -- plain accel ref unix
		for _ in $(seq $(((rep - 1) % 4))); do set -- "$@" "$1"; shift; done
		order="$*"
		for s in 1k-c1 1k-c16 16k-c1 16k-c16 1m-c1 1m-c16; do
			for m in $order; do [ "$m" = unix ] || echo "nginx $s $m $rep"; done
		done
		for s in c1-P1 c50-P1 c1-P16 c50-P16; do
			for m in $order; do echo "redis set-$s $m $rep"; done
			for m in $order; do echo "redis get-$s $m $rep"; done
		done
		for s in select tpcb; do
			for m in $order; do echo "pgbench $s $m $rep"; done
		done
		for s in 1k 16k 128k; do
			for m in $order; do [ "$m" = unix ] || echo "iperf3 $s $m $rep"; done
		done
	done >"$plan"
	# APP_ONLY=REGEX: only the runs whose plan line matches (to study one).
	if [ -n "${APP_ONLY:-}" ]; then
		grep -E -- "$APP_ONLY" "$plan" >"$plan.only"
		mv "$plan.only" "$plan"
	fi
	total=$(wc -l <"$plan")
	say "apps: $total runs, $reps repetitions, ${secs}s each"
	n=0
	# A run during which other load took more than APP_OTHER_MAX % of a CPU
	# is done again (twice at most, while the time allowed for the whole
	# plan, APP_BUDGET seconds, lasts); the attempt with the least other load
	# counts, and the table marks figures that stayed disturbed.
	local budget=${APP_BUDGET:-$((total * (secs * 10 + 4) / 10))} tries best line
	local omax=${APP_OTHER_MAX:-80} t_plan
	t_plan=$(date +%s)
	while read -r app scen m rep; do
		n=$((n + 1))
		best=""
		for tries in 1 2 3; do
			app_one "$app" "$scen" "$m" || { best=""; break; }
			line="app=$app scen=$scen mode=$m rep=$rep value=$fig unit=$unit secs=$R_SECS outsegs=$R_SEGS"
			line="$line cpu_srv=$R_CPU_S cpu_cli=$R_CPU_C other=$R_OTHER errors=$R_ERR attempts=$tries$R_CNT"
			if [ -z "$best" ] || [ "$R_OTHER" -lt "${best##*other=}" ]; then
				best="$line other=$R_OTHER"
				bfig="$fig $unit OutSegs $R_SEGS CPU server/client $R_CPU_S/$R_CPU_C %, other load $R_OTHER %"
				[ "$R_ERR" = 0 ] || bfig="$bfig  ERRORS"
			fi
			[ "$R_OTHER" -le "$omax" ] && break
			[ $(($(date +%s) - t_plan)) -lt $((budget * n / total)) ] || break
		done
		[ -n "$best" ] || continue
		echo "${best% other=*}" >>"$ATSV"
		printf '[%3d/%d] %-7s %-12s %-5s %s%s\n' "$n" "$total" "$app" "$scen" "$m" "$bfig" \
			"$([ "$tries" = 1 ] || echo "  ($tries attempts)")" | tee -a "$LOG"
	done <"$plan"

	# ---- correctness, on the accelerated path ----
	local o=${APP_OFF[accel]} c0 c1 want got ok
	c0=$(app_counter bytes_redirected)
	want=$(sha256sum <"$A/www/64m" | cut -d' ' -f1)
	got=$(in_cg_ns "${APP_CG[accel]}/cli" "$ans" curl -sS --max-time 60 "http://127.0.0.1:$((8080 + o))/64m" |
		sha256sum | cut -d' ' -f1)
	c1=$(app_counter bytes_redirected)
	ok=0; [ "$got" = "$want" ] && [ $((c1 - c0)) -ge $((64 << 20)) ] && ok=1
	echo "check=nginx ok=$ok what=64 MiB download through nginx, SHA-256 $([ "$got" = "$want" ] && echo equal || echo DIFFERENT), $(((c1 - c0) >> 20)) MiB redirected by sockaccel meanwhile" >>"$ACHK"
	c0=$(app_counter bytes_redirected)
	in_cg_ns "${APP_CG[accel]}/cli" "$ans" redis-cli -p $((6379 + o)) -x SET big <"$A/big.redis" >>"$LOG" 2>&1
	want=$(sha256sum <"$A/big.redis" | cut -d' ' -f1)
	# redis-cli prints the value and a newline: keep the 8 MiB.
	got=$(in_cg_ns "${APP_CG[accel]}/cli" "$ans" redis-cli -p $((6379 + o)) GET big | head -c $((8 << 20)) |
		sha256sum | cut -d' ' -f1)
	c1=$(app_counter bytes_redirected)
	ok=0; [ "$got" = "$want" ] && [ $((c1 - c0)) -ge $((16 << 20)) ] && ok=1
	echo "check=redis ok=$ok what=8 MiB value SET then GET through redis, SHA-256 $([ "$got" = "$want" ] && echo equal || echo DIFFERENT), $(((c1 - c0) >> 20)) MiB redirected by sockaccel meanwhile" >>"$ACHK"
	if grep -q '^pgbench tpcb accel' "$plan"; then
		got=$(in_cg_ns "${APP_CG[accel]}/cli" "$ans" "$pg_bin/psql" -h 127.0.0.1 -p $((5432 + o)) -U postgres -XAtq -c \
			"select count(*), sum(delta),
				(select sum(abalance) from pgbench_accounts) = sum(delta) and
				(select sum(bbalance) from pgbench_branches) = sum(delta) and
				(select sum(tbalance) from pgbench_tellers) = sum(delta)
			 from pgbench_history" postgres 2>>"$LOG")
		ok=0; case $got in *'|t') [ "${got%%|*}" -gt 0 ] && ok=1 ;; esac
		echo "check=pgbench ok=$ok what=after the TPC-B-like runs over the accelerated path: ${got%%|*} transactions in pgbench_history; the sums of account, teller and branch balances $([ "$ok" = 1 ] && echo equal || echo 'DO NOT equal') the sum of the history's deltas ($(echo "$got" | cut -d'|' -f2))" >>"$ACHK"
	fi
	cat "$ACHK" | tee -a "$LOG"
	"$SA" status --pin-dir "$pin_app_accel" --json >"$OUT/apps-status-accel.json" 2>>"$LOG"
	# A caller's look at the programs before they go (bench/perf-apps.sh).
	declare -F apps_hook >/dev/null && apps_hook
	say "apps: done in $(($(date +%s) - t_apps)) s"
	apps_stop
	trap t_cleanup EXIT
}

# One client run of APP SCENARIO in MODE: sets fig and unit, and the R_*
# of app_run.  Uses apps_bench's A, secs, pg_bin.
app_one() {	# app_one APP SCENARIO MODE
	local app=$1 scen=$2 m=$3 o=${APP_OFF[$3]} args
	fig=""
	case $app in
	nginx)
		local size=${scen%-c*} c=${scen#*-c}
		app_run "$m" wrk -t1 -c"$c" -d"${secs}s" "http://127.0.0.1:$((8080 + o))/$size"
		fig=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$T_TMP/app.out")
		# wrk counts non-2xx answers and socket errors apart
		grep -q -e '^  Non-2xx' -e '^  Socket errors' "$T_TMP/app.out" && R_ERR=1
		unit=req/s
		;;
	redis)
		local t=${scen%%-*} c p reqs
		c=${scen#*-c}; c=${c%%-*}; p=${scen##*-P}
		# Requests for about $secs seconds at this machine's rates.
		case $c-$p in
		1-1) reqs=45000 ;; 50-1) reqs=75000 ;; 1-16) reqs=600000 ;; *) reqs=800000 ;;
		esac
		reqs=$((reqs * secs))
		if [ "$m" = unix ]; then args="-s $A/redis-plain.sock"; else args="-p $((6379 + o))"; fi
		app_run "$m" redis-benchmark $args -t "$t" -n "$reqs" -c "$c" -P "$p" --csv
		fig=$(awk -F'"' 'NR > 1 && $2 ~ /^(SET|GET)$/ { print $4 }' "$T_TMP/app.out" | tail -1)
		unit=req/s
		;;
	pgbench)
		if [ "$m" = unix ]; then args="-h $A/pg/plain -p 5432"; else args="-h 127.0.0.1 -p $((5432 + o))"; fi
		[ "$scen" = select ] && args="$args -S"
		app_run "$m" "$pg_bin/pgbench" $args -U postgres -n -c 8 -j 2 -T "$secs" postgres
		fig=$(sed -n 's/^tps = \([0-9.]*\) (without initial.*/\1/p' "$T_TMP/app.out")
		grep -q '^number of failed transactions: [1-9]' "$T_TMP/app.out" && R_ERR=1
		unit=tps
		;;
	iperf3)
		app_run "$m" iperf3 -c 127.0.0.1 -p $((5201 + o)) -t "$secs" -l "${scen%k}K" -J
		fig=$(perl -0ne 'printf "%.3f", $1 / 8e6 if /"sum_received":\s*\{[^}]*?"bits_per_second":\s*([0-9.eE+]+)/s' \
			"$T_TMP/app.out")
		unit=MB/s
		;;
	esac
	if [ -z "$fig" ] || [ "$R_RC" != 0 ]; then
		say "apps: $app $scen $m failed (exit $R_RC): $(tail -3 "$T_TMP/app.out" | tr '\n' ' ')"
		cat "$T_TMP/app.out" >>"$LOG"
		return 1
	fi
}

# Start a server of MODE in its cgroup and namespace; it dies with the bench.
app_server() {	# app_server MODE CMD...
	local m=$1
	shift
	in_cg_ns "${APP_CG[$m]}/srv" "$ans" "$@" </dev/null >>"$LOG" 2>&1 &
	T_PIDS+=($!)
}

app_wait_port() {	# app_wait_port PORT: listening within 15 s
	local i
	for i in $(seq 150); do
		[ -n "$(nsenter --net="/run/netns/$ans" ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.1
	done
	return 1
}

app_counter() {	# app_counter NAME: one counter of our accelerated cgroup
	"$SA" status --pin-dir "$pin_app_accel" --json 2>/dev/null | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

cpu_usec() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }
# CPU time used on the whole machine (user nice system irq softirq steal), in µs.
busy_usec() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.0f", ($2+$3+$4+$7+$8+$9) * 1e6 / hz; exit }' /proc/stat; }

# One client run of MODE.  Sets R_RC, R_SECS, R_SEGS (Tcp OutSegs of the
# namespace), R_CPU_S and R_CPU_C (% of one CPU, server and client
# cgroups), R_OTHER (% of one CPU used by anything else on the machine,
# softirq work not charged to our cgroups included: a disturbance
# indicator), R_ERR, R_CNT (sockaccel's counters' change, accel only).
app_run() {	# app_run MODE CMD...
	local m=$1 cg g0 g1 s0 s1 c0 c1 b0 b1 t0 t1 j0 j1 k
	shift
	cg=${APP_CG[$m]}
	R_ERR=0
	R_CNT=""
	[ "$m" = accel ] && j0=$("$SA" status --pin-dir "$pin_app_accel" --json 2>/dev/null)
	g0=$(outsegs "$ans"); s0=$(cpu_usec "$cg/srv"); c0=$(cpu_usec "$cg/cli"); b0=$(busy_usec)
	# APP_PERF=DIR (bench/perf-apps.sh): a system-wide profile of the run,
	# DIR/MODE.data (the last run of each mode stays).
	local perf_pid=""
	if [ -n "${APP_PERF:-}" ]; then
		perf record -q -a -g -F 999 -o "$APP_PERF/$m.data" >/dev/null 2>&1 &
		perf_pid=$!
		sleep 0.3
	fi
	t0=$(date +%s%N)
	in_cg_ns "$cg/cli" "$ans" "$@" </dev/null >"$T_TMP/app.out" 2>&1
	R_RC=$?
	t1=$(date +%s%N)
	[ -n "$perf_pid" ] && { kill -INT "$perf_pid"; wait "$perf_pid"; }
	g1=$(outsegs "$ans"); s1=$(cpu_usec "$cg/srv"); c1=$(cpu_usec "$cg/cli"); b1=$(busy_usec)
	if [ "$m" = accel ]; then
		j1=$("$SA" status --pin-dir "$pin_app_accel" --json 2>/dev/null)
		for k in sockets_added msgs_redirected bytes_redirected msgs_passed bytes_passed sockets_moved_to_stack \
			 sockets_moved_backpressure; do
			R_CNT="$R_CNT $k=$(($(json_get "$j1" "$k") - $(json_get "$j0" "$k")))"
		done
	fi
	R_SEGS=$((g1 - g0))
	read -r R_SECS R_CPU_S R_CPU_C R_OTHER < <(awk -v t="$((t1 - t0))" -v s="$((s1 - s0))" -v c="$((c1 - c0))" \
		-v b="$((b1 - b0))" 'BEGIN { us = t / 1000; o = (b - s - c) * 100 / us;
			printf "%.3f %.0f %.0f %.0f\n", us / 1e6, s * 100 / us, c * 100 / us, o < 0 ? 0 : o }')
}

# Stop what apps_bench started (also its EXIT trap, before t_cleanup).
apps_stop() {
	local m i
	# The reference peer's programs: detached here; the pins go with t_cleanup.
	if [ -n "${APP_REF_PIN:-}" ] && [ -e "$APP_REF_PIN/ref_ops" ]; then
		"$SA" cgroup detach "${APP_CG[ref]}" sock_ops pinned "$APP_REF_PIN/ref_ops" >/dev/null 2>&1
		"$SA" prog detach pinned "$APP_REF_PIN/ref_msg" msg_verdict pinned "$APP_REF_PIN/ref_hash" >/dev/null 2>&1
	fi
	APP_REF_PIN=""
	for m in plain accel ref; do
		[ -e "${APP_CG[$m]:-/nonexistent}/cgroup.kill" ] && echo 1 >"${APP_CG[$m]}/cgroup.kill"
	done
	# The servers must be gone before their files go (at most 5 s).
	for i in $(seq 50); do
		cat "${APP_CG[plain]:-/nonexistent}"/*/cgroup.procs "${APP_CG[accel]:-/nonexistent}"/*/cgroup.procs \
			"${APP_CG[ref]:-/nonexistent}"/*/cgroup.procs 2>/dev/null | grep -q . || break
		sleep 0.1
	done
	[ -n "${APPS_DIR:-}" ] && rm -rf "$APPS_DIR"
	APPS_DIR=""
}

# Run alone: the same environment bench/run.sh gives it.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	. "$(dirname "$0")/../tests/lib.sh"
	set -o pipefail
	OUT=$BUILD/bench
	SA=$BUILD/sockaccel
	LOG=$OUT/apps.log
	say() { echo "$*" | tee -a "$LOG"; }
	[ "$(id -u)" = 0 ] || { echo "apps: run as root (it attaches BPF programs)" >&2; exit 1; }
	[ -e "$OUT/ref/ref.bpf.o" ] || { echo "apps: $OUT/ref/ref.bpf.o is not built (run make bench)" >&2; exit 1; }
	mkdir -p "$OUT"
	: >"$LOG"
	apps_bench
fi
