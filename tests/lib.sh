# tests/lib.sh: shared by the kernel tests (bash).  TAP output, scratch
# cgroups, network namespaces and pin directories that are removed on exit
# whatever happens (trap), and the binaries under test.
#
#   . "$(dirname "$0")/../lib.sh"
#   need_kernel                 # skip with a reason where BPF cannot run
#   new_cgroup cg               # cg= a scratch cgroup v2 directory
#   new_netns ns                # ns= a network namespace with lo up
#   new_pin_dir pin             # pin= an unused path under /sys/fs/bpf
# (they set a variable rather than print: a $(...) subshell would lose
# what the cleanup must remove)
#   in_cg "$cg" cmd...          # run cmd inside the cgroup
#   check "what it checks" cmd...; is "$got" "$want" "what"
#   for_each_binary fn          # fn BIN LABEL, for build/sockaccel and -static
#   done_testing

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TOOLS=$BUILD/tests/tools
# The binaries under test: SA_BINS overrides (space-separated).
SA_BINS=${SA_BINS:-"$BUILD/sockaccel $BUILD/sockaccel-static"}
T_N=0
T_FAILED=0
T_CGROUPS=()
T_NETNS=()
T_PINS=()
T_PIDS=()
T_TMP=$(mktemp -d /tmp/sockaccel-test.XXXXXX)

ok() {	# ok STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

check() {	# check DESCRIPTION CMD...: passes when CMD exits 0
	local d=$1
	shift
	if "$@"; then ok 0 "$d"; else ok 1 "$d"; fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "  got:  '$1'"
		diag "  want: '$2'"
	fi
}

lt() {	# lt A B DESCRIPTION: A < B, integers
	if [ "$1" -lt "$2" ] 2>/dev/null; then ok 0 "$3 ($1 < $2)"; else ok 1 "$3 ($1 < $2)"; fi
}

diag() { echo "# $*"; }

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail() {
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" = 0 ]
}

# ---- environment ----

cgroup2_root() {
	awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo 2>/dev/null |
		sed 's/\\040/ /g'
}

# Skip (with the reason) where kernel tests cannot run; a skip as root on a
# BPF-capable kernel is a bug, so only these reasons are allowed.
need_kernel() {
	[ "$(id -u)" = 0 ] || skip_all "kernel tests need root (uid is $(id -u))"
	[ -n "$(cgroup2_root)" ] || skip_all "no cgroup v2 mounted"
	[ -e /proc/sys/kernel/unprivileged_bpf_disabled ] ||
		skip_all "kernel without the bpf() system call"
	for b in $SA_BINS; do
		[ -x "$b" ] || bail "$b is not built (run make test)"
	done
	[ -x "$TOOLS/xfer" ] || bail "$TOOLS/xfer is not built (run make test)"
	[ -x "$TOOLS/cgprogs" ] || bail "$TOOLS/cgprogs is not built (run make test)"
}

new_cgroup() {	# new_cgroup VAR
	local _cg
	_cg="$(cgroup2_root)/sockaccel-test-$$-${#T_CGROUPS[@]}"
	T_CGROUPS+=("$_cg")
	mkdir "$_cg" || bail "cannot create cgroup $_cg"
	printf -v "$1" '%s' "$_cg"
}

new_netns() {	# new_netns VAR
	local _ns="sa-test-$$-${#T_NETNS[@]}"
	T_NETNS+=("$_ns")
	ip netns add "$_ns" || bail "cannot create network namespace $_ns"
	ip -n "$_ns" link set lo up
	printf -v "$1" '%s' "$_ns"
}

# new_veth NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B: a veth pair between two of
# the test's namespaces, addresses given with their prefix (10.199.1.1/24),
# both ends up.  The veth goes away with its namespaces.
new_veth() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || bail "cannot create a veth pair"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

new_pin_dir() {	# new_pin_dir VAR
	local _p="/sys/fs/bpf/sockaccel-test-$$-${#T_PINS[@]}"
	T_PINS+=("$_p")
	printf -v "$1" '%s' "$_p"
}

# Run a command in a cgroup (and, with in_cg_ns, a network namespace).
in_cg() {
	local cg=$1
	shift
	(echo "$BASHPID" >"$cg/cgroup.procs" && exec "$@")
}

# Only the network namespace changes: `ip netns exec` would also remount
# /sys in a new mount namespace and hide bpffs (and our pins) from CMD.
in_cg_ns() {
	local cg=$1 ns=$2
	shift 2
	(echo "$BASHPID" >"$cg/cgroup.procs" && exec nsenter --net="/run/netns/$ns" "$@")
}

bg() {	# bg CMD...: start in the background, killed at exit
	"$@" &
	T_PIDS+=($!)
}

# Tcp OutSegs of a network namespace ("" for ours).
outsegs() {
	local ns=${1:-}
	if [ -n "$ns" ]; then
		nsenter --net="/run/netns/$ns" awk '/^Tcp:/ { if (h) print $12; h = 1 }' /proc/net/snmp
	else
		awk '/^Tcp:/ { if (h) print $12; h = 1 }' /proc/net/snmp
	fi
}

# Value of a key in the one-line JSON that `status --json` prints.
json_get() {	# json_get JSON KEY
	printf '%s' "$1" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p" | tr -d '"'
}

# Ids of the programs attached to a cgroup for an attach type, by number
# (default 3, BPF_CGROUP_SOCK_OPS), from BPF_PROG_QUERY (tests/tools/cgprogs:
# bpftool 7.1 lists nothing on kernels before 6.0).
cgroup_prog_ids() {	# cgroup_prog_ids CGROUP [ATTACH_TYPE_NUMBER]
	"$TOOLS/cgprogs" "$1" | awk -v t="${2:-3}" '$2 == t { print $1 }' | sort -n | tr '\n' ' '
}

# How many programs a cgroup runs, every attach type (BPF_PROG_QUERY with
# the fields Linux 4.15 knew: bpftool 7.1 lists nothing before 6.0).
cgroup_prog_count() {	# cgroup_prog_count CGROUP
	"$TOOLS/cgprogs" "$1" | wc -l
}

# eventually CMD...: CMD succeeds within 5 s (the kernel frees programs and
# maps after an RCU grace period, not at the moment the last fd closes).
eventually() {
	local i
	for i in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Is a program or map with this id still in the kernel?
prog_exists() { bpftool prog show id "$1" >/dev/null 2>&1; }
map_exists() { bpftool map show id "$1" >/dev/null 2>&1; }
prog_gone() { ! prog_exists "$1"; }
map_gone() { ! map_exists "$1"; }

for_each_binary() {	# for_each_binary FN: FN BIN LABEL
	local b
	for b in $SA_BINS; do
		"$1" "$b" "$(basename "$b")"
	done
}

# ---- cleanup: whatever happened, leave nothing behind ----
t_cleanup() {
	local p cg ns b
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for p in "${T_PINS[@]}"; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			for b in $SA_BINS; do
				[ -x "$b" ] && "$b" remove --pin-dir "$p" >/dev/null 2>&1 && break
			done
			# Pins of `load` tests and anything a failed step left.
			rm -rf "$p" 2>/dev/null
		fi
	done
	for cg in "${T_CGROUPS[@]}"; do
		[ -d "$cg" ] || continue
		# Kill stragglers, then remove the cgroup (children first).
		if [ -e "$cg/cgroup.kill" ]; then
			echo 1 >"$cg/cgroup.kill" 2>/dev/null
		else
			for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		fi
		for i in 1 2 3 4 5 6 7 8 9 10; do
			find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$cg" ] || break
			sleep 0.2
		done
	done
	for ns in "${T_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# Id of a map or program in `status --json` ("maps"/"programs": name, type, id).
status_id() {	# status_id JSON NAME
	printf '%s' "$1" | grep -o "\"name\":\"$2\",\"type\":\"[a-z_]*\",\"id\":[0-9]*" | sed 's/.*://'
}
