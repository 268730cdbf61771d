# bench/loader.sh: sourced by bench/run.sh (it needs tests/lib.sh, OUT, SA,
# SA_STATIC, NB, say).  Times `sockaccel install` + `remove` against the
# bpftool sequence that does the same, and records peak RSS and sizes.
#
# bpftool (libbpf 1.x) refuses the legacy "maps" section our shipped object
# uses, so its side loads the same programs built with BTF-defined maps
# (-g -DSA_MAP_STYLE=2, build/bench/btf/sockaccel.bpf.o).  `bpftool prog
# load` pins only the first program of an object (it loads them all), so
# that object is split into one object per program (ops.bpf.o, msg.bpf.o,
# llvm-objcopy, see the Makefile): each program is verified once, as in
# `sockaccel install`.  The sequence:
#   bpftool prog load ops.bpf.o PIN/ops pinmaps PIN/maps
#   bpftool prog load msg.bpf.o PIN/msg map name sock_hash pinned ... (x5)
#   bpftool cgroup attach CGROUP sock_ops pinned PIN/ops multi
#   bpftool prog attach pinned PIN/msg msg_verdict pinned PIN/maps/sock_hash
# and to undo it:
#   bpftool prog detach pinned PIN/msg msg_verdict pinned PIN/maps/sock_hash
#   bpftool cgroup detach CGROUP sock_ops pinned PIN/ops
#   rm -rf PIN
# (mkdir PIN is done untimed, in hyperfine's --prepare.)

LOADER_RUNS=${BENCH_HF_RUNS:-30}

# peak_rss FILE CMD...: CMD's peak resident set (KiB) into FILE
peak_rss() {
	local f=$1
	shift
	/usr/bin/time -f %M -o "$f" "$@" >/dev/null 2>>"$LOG" || echo "failed" >"$f"
	tail -1 "$f"
}

# Busy CPU ticks (USER_HZ) of the whole machine so far.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

stripped_size() {	# stripped_size BINARY: bytes once stripped
	local t=$T_TMP/stripped
	strip -o "$t" "$1" 2>/dev/null || cp "$1" "$t"
	stat -c %s "$t"
}

loader_bench() {
	local lcg hcg spin bpin ops msg btf maps i out busy0 busy1 own0 own1 t0 t1 foreign attempt best=""
	local -a names cmds
	new_cgroup lcg
	new_cgroup hcg	# hyperfine and what it runs: its CPU time is ours
	new_pin_dir spin
	new_pin_dir bpin
	btf=$OUT/btf/sockaccel.bpf.o
	ops=$OUT/btf/ops.bpf.o
	msg=$OUT/btf/msg.bpf.o
	maps=$bpin/maps
	local bt_load="bpftool prog load $ops $bpin/ops pinmaps $maps &&
bpftool prog load $msg $bpin/msg map name sock_hash pinned $maps/sock_hash map name counters pinned $maps/counters map name config pinned $maps/config map name ports pinned $maps/ports map name sk_state pinned $maps/sk_state &&
bpftool cgroup attach $lcg sock_ops pinned $bpin/ops multi &&
bpftool prog attach pinned $bpin/msg msg_verdict pinned $maps/sock_hash"
	local bt_unload="bpftool prog detach pinned $bpin/msg msg_verdict pinned $maps/sock_hash &&
bpftool cgroup detach $lcg sock_ops pinned $bpin/ops && rm -rf $bpin"
	names=("sockaccel" "sockaccel-static" "sockaccel --objects (BTF maps)" "bpftool")
	cmds=("$SA install --cgroup $lcg --pin-dir $spin >/dev/null && $SA remove --cgroup $lcg --pin-dir $spin >/dev/null"
	      "$SA_STATIC install --cgroup $lcg --pin-dir $spin >/dev/null && $SA_STATIC remove --cgroup $lcg --pin-dir $spin >/dev/null"
	      "$SA install --cgroup $lcg --pin-dir $spin --objects $OUT/btf >/dev/null && $SA remove --cgroup $lcg --pin-dir $spin >/dev/null"
	      "$(echo "$bt_load && $bt_unload" | tr '\n' ' ')")

	say "bench: loader: install+remove, ${LOADER_RUNS} runs each (hyperfine)"
	# Check once that every sequence works and leaves nothing behind.
	mkdir -p "$bpin"
	for i in 0 1 2 3; do
		if ! sh -c "${cmds[$i]}" >>"$LOG" 2>&1; then
			say "bench: loader: '${names[$i]}' failed: ${cmds[$i]}"
			return 1
		fi
	done
	if [ -n "$(cgroup_prog_ids "$lcg")" ] || [ -e "$spin" ] || [ -e "$bpin" ]; then
		say "bench: loader: a sequence left programs or pins behind"
		return 1
	fi

	# Peak RSS of each step, and the sizes.
	{
		echo "rss_sa_install=$(peak_rss "$T_TMP/rss" "$SA" install --cgroup "$lcg" --pin-dir "$spin")"
		echo "rss_sa_remove=$(peak_rss "$T_TMP/rss" "$SA" remove --cgroup "$lcg" --pin-dir "$spin")"
		echo "rss_static_install=$(peak_rss "$T_TMP/rss" "$SA_STATIC" install --cgroup "$lcg" --pin-dir "$spin")"
		echo "rss_static_remove=$(peak_rss "$T_TMP/rss" "$SA_STATIC" remove --cgroup "$lcg" --pin-dir "$spin")"
		mkdir -p "$bpin"
		echo "rss_bpftool_load_ops=$(peak_rss "$T_TMP/rss" bpftool prog load "$ops" "$bpin/ops" pinmaps "$maps")"
		echo "rss_bpftool_load_msg=$(peak_rss "$T_TMP/rss" bpftool prog load "$msg" "$bpin/msg" \
			map name sock_hash pinned "$maps/sock_hash" map name counters pinned "$maps/counters" \
			map name config pinned "$maps/config" map name ports pinned "$maps/ports" \
			map name sk_state pinned "$maps/sk_state")"
		echo "rss_bpftool_cgroup_attach=$(peak_rss "$T_TMP/rss" bpftool cgroup attach "$lcg" sock_ops pinned "$bpin/ops" multi)"
		echo "rss_bpftool_prog_attach=$(peak_rss "$T_TMP/rss" bpftool prog attach pinned "$bpin/msg" msg_verdict pinned "$maps/sock_hash")"
		echo "rss_bpftool_prog_detach=$(peak_rss "$T_TMP/rss" bpftool prog detach pinned "$bpin/msg" msg_verdict pinned "$maps/sock_hash")"
		echo "rss_bpftool_cgroup_detach=$(peak_rss "$T_TMP/rss" bpftool cgroup detach "$lcg" sock_ops pinned "$bpin/ops")"
		rm -rf "$bpin"
		echo "size_sa=$(stripped_size "$SA")"
		echo "size_static=$(stripped_size "$SA_STATIC")"
		echo "size_bpftool=$(stripped_size "$(command -v bpftool)")"
		echo "libs_sa=$(ldd "$SA" 2>/dev/null | awk '$1 !~ /vdso|ld-linux/ { printf "%s ", $1 }')"
		echo "libs_bpftool=$(ldd "$(command -v bpftool)" 2>/dev/null | awk '$1 !~ /vdso|ld-linux/ { printf "%s ", $1 }')"
		echo "bpftool_version=$(bpftool version 2>/dev/null | head -1)"
		echo "hyperfine_version=$(hyperfine --version)"
		echo "cmd_sockaccel=${cmds[0]}"
		echo "cmd_bpftool=${cmds[3]}"
	} >"$OUT/loader.txt"

	# The timing, on a quiet machine if one comes within 20 s; repeated
	# once if other load took more than 15% of a CPU meanwhile: the whole
	# machine's busy time (/proc/stat) less what hyperfine's cgroup used.
	for attempt in 1 2; do
		out=$("$NB" -m quiet -q 20)
		busy0=$(busy_ticks)
		own0=$(sed -n 's/^usage_usec //p' "$hcg/cpu.stat")
		t0=$(date +%s%N)
		in_cg "$hcg" hyperfine --warmup 3 --runs "$LOADER_RUNS" --style basic \
			--prepare "mkdir -p $bpin" \
			--export-json "$T_TMP/hf.json" \
			-n "${names[0]}" "${cmds[0]}" -n "${names[1]}" "${cmds[1]}" \
			-n "${names[2]}" "${cmds[2]}" -n "${names[3]}" "${cmds[3]}" >>"$LOG" 2>&1 || {
			say "bench: loader: hyperfine failed (see $LOG)"
			rm -rf "$bpin"
			return 1
		}
		t1=$(date +%s%N)
		busy1=$(busy_ticks)
		own1=$(sed -n 's/^usage_usec //p' "$hcg/cpu.stat")
		rm -rf "$bpin"
		foreign=$(awk -v b="$((busy1 - busy0))" -v own="$((own1 - own0))" -v ns="$((t1 - t0))" \
			-v hz="$(getconf CLK_TCK)" \
			'BEGIN { f = 100 * (b / hz - own / 1e6) / (ns / 1e9); printf "%.0f", f < 0 ? 0 : f }')
		say "bench: loader: attempt $attempt: $out; other load during the runs: ~${foreign}% of a CPU"
		if [ -z "$best" ] || [ "$foreign" -lt "$best" ]; then
			best=$foreign
			cp "$T_TMP/hf.json" "$OUT/loader-hf.json"
			echo "$out foreign=$foreign attempt=$attempt" >"$OUT/loader-quiet.txt"
		fi
		[ "$foreign" -le 15 ] && break
	done
	perl -0ne 'printf "  %-32s mean %.1f ms\n", $1, $2 * 1000 while /"command":\s*"([^"]*)".*?"mean":\s*([0-9.e-]+)/sg' \
		"$OUT/loader-hf.json" | tee -a "$LOG"
}
