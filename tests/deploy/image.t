#!/bin/bash
# image.t: the container image (make image) run as the DaemonSet runs it.
# podman builds it here, but `podman run` cannot (crun refuses this
# machine's hybrid cgroups), so the test does what the runtime would: the
# image's root file system (podman export) in new mount and PID namespaces
# (the agent is PID 1), the pod's own network namespace, /proc and a
# read-only /sys as a runtime mounts them, the host's cgroup v2 hierarchy
# and bpffs bound at the DaemonSet's mount points (cgroup read-only), chroot, the bounding set cut to the DaemonSet's capabilities
# (read from it: BPF, NET_ADMIN, PERFMON), no_new_privs, then the command and arguments read from
# deploy/kubernetes/daemonset.yaml.  With those capabilities the backpressure
# build (its raw tracepoint program) installs and attaches its read link;
# without CAP_PERFMON its install fails.  Inside, the cgroup v2 mount is a
# scratch cgroup holding a kubepods.slice, so --cgroup auto picks a cgroup
# of the test's, not the machine's root.
. "$(dirname "$0")/../lib.sh"
need_kernel
PY=/usr/bin/python3
command -v podman >/dev/null || bail "podman missing (tests/deps.sh deploy)"
# The image of this build: its archive, loaded and named by id (podman's
# tag is one per machine, and another checkout may have built another).
[ -f "$BUILD/sockaccel-image.tar" ] || bail "$BUILD/sockaccel-image.tar not built (make image)"
IMAGE=${IMAGE:-$(podman load -q -i "$BUILD/sockaccel-image.tar" >/dev/null &&
	podman image inspect --format '{{.Id}}' localhost/sockaccel:latest)} || bail "podman load failed"
[ -x "$TOOLS/capexec" ] || bail "$TOOLS/capexec is not built"
[ -e "$BUILD/bpf/backpressure/sockaccel.bpf.o" ] || bail "$BUILD/bpf/backpressure/sockaccel.bpf.o is not built"
[ -d "$BUILD/npm/node_modules/yaml" ] || bail "$BUILD/npm is not installed (make test-build)"

PORT=9477	# the DaemonSet's: the pod has its own network namespace
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
diag "image $IMAGE: $size bytes"
lt "$size" 200001 "image size at most 200 KB"
is "$(podman image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")" '["/sockaccel"]' "entrypoint is /sockaccel"

root=$T_TMP/root
mkdir -p "$root"
cid=$(podman create -q "$IMAGE") || bail "podman create failed"
podman export "$cid" | tar -x -C "$root"
podman rm -f "$cid" >/dev/null
is "$(cd "$root" && find . -type f | sort | tr '\n' ' ')" "./sockaccel " "the image holds one file, /sockaccel"
is "$(sha256sum <"$root/sockaccel")" "$(sha256sum <"$BUILD/sockaccel-static")" "/sockaccel is build/sockaccel-static"

mapfile -t DS_CMD < <(NODE_PATH=$BUILD/npm/node_modules node "$TOP/tests/deploy/podcmd.js" "$TOP/deploy/kubernetes/daemonset.yaml" sockaccel)
mapfile -t CLEAN_CMD < <(NODE_PATH=$BUILD/npm/node_modules node "$TOP/tests/deploy/podcmd.js" "$TOP/deploy/kubernetes/cleanup.yaml" sockaccel-cleanup)
DS_CAPS=$(NODE_PATH=$BUILD/npm/node_modules node "$TOP/tests/deploy/podcmd.js" "$TOP/deploy/kubernetes/daemonset.yaml" sockaccel caps)
CLEAN_CAPS=$(NODE_PATH=$BUILD/npm/node_modules node "$TOP/tests/deploy/podcmd.js" "$TOP/deploy/kubernetes/cleanup.yaml" sockaccel-cleanup caps)
diag "DaemonSet: ${DS_CMD[*]} ($DS_CAPS); cleanup: ${CLEAN_CMD[*]} ($CLEAN_CAPS)"

new_cgroup cg
mkdir "$cg/kubepods.slice"
new_netns ns
ip -n "$ns" link set lo mtu 1500
new_pin_dir pin	# where the default pin directory lands on the host's bpffs
[ -e /sys/fs/bpf/sockaccel ] && bail "/sys/fs/bpf/sockaccel exists: an install outside the test would be touched"
pin=/sys/fs/bpf/sockaccel
T_PINS+=("$pin")

# pod LOG CAPS CMD...: start the image's CMD as a pod would, with the
# capabilities CAPS (capexec's form); POD_PID is the agent.
pod() {
	local log=$1 caps=$2
	shift 2
	unshare -m -p -f --propagation private sh -c '
		root=$1 cg=$2 ns=$3 capexec=$4 caps=$5; shift 5
		mkdir -p "$root/proc" "$root/sys" || exit 9
		mount -t sysfs -o ro sysfs "$root/sys" &&
		mount -t tmpfs -o size=64k cgroup "$root/sys/fs/cgroup" &&
		mkdir "$root/sys/fs/cgroup/unified" &&
		mount --bind "$cg" "$root/sys/fs/cgroup/unified" &&
		mount -o remount,bind,ro "$root/sys/fs/cgroup/unified" &&
		mount --bind /sys/fs/bpf "$root/sys/fs/bpf" &&
		mount -t proc proc "$root/proc" || exit 9
		exec nsenter --net="/run/netns/$ns" "$capexec" "$root" "$caps" "$@"
	' pod "$root" "$cg" "$ns" "$TOOLS/capexec" "$caps" "$@" 2>"$log" &
	T_PIDS+=($!)
	POD_UNSHARE=$!
	POD_PID=
	for _ in $(seq 50); do
		POD_PID=$(pgrep -P "$POD_UNSHARE" | head -1)
		[ -n "$POD_PID" ] && [ "$(readlink "/proc/$POD_PID/exe")" != "$(command -v nsenter)" ] &&
			grep -q sockaccel "/proc/$POD_PID/cmdline" 2>/dev/null && break
		sleep 0.1
	done
}
metrics() { nsenter --net="/run/netns/$ns" curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics"; }
ops_attached() { cgroup_prog_ids "$cg/kubepods.slice"; }

log=$T_TMP/pod.log
pod "$log" "$DS_CAPS" "${DS_CMD[@]}"
check "the DaemonSet's agent starts in the image (PID 1 of its namespace)" test -n "$POD_PID"
check "--cgroup auto chose the kubelet's cgroup (systemd driver)" \
	eventually grep -q "run: --cgroup auto: /sys/fs/cgroup/unified/kubepods.slice (Kubernetes pods, systemd cgroup driver)" "$log"
check "installed on it" eventually grep -q "run: installed on cgroup /sys/fs/cgroup/unified/kubepods.slice" "$log"
is "$(grep CapEff "/proc/$POD_PID/status" | awk '{ print $2 }')" "$(printf '%016x' $(( (1 << 39) | (1 << 38) | (1 << 12) )))" \
	"the agent holds CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN only"
out=$(metrics | $PY "$TOP/tests/tools/promcheck.py"); rc=$?
is "$rc" 0 "readiness: /metrics on the pod's address answers and parses"
check "readiness: installed" grep -qx 'sockaccel_state{state="installed"} 1' <<<"$out"
ids=$(ops_attached)
check "sockops attached to the host's cgroup (seen from the host: $ids)" test -n "$ids"

out=$(in_cg_ns "$cg/kubepods.slice" "$ns" "$TOOLS/xfer" -4 -H -b $((16 << 20))); rc=$?
is "$rc" 0 "a pod's traffic: 16 MiB each way intact"
lt "$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")" 50 "a pod's traffic bypassed TCP (OutSegs)"
lt 0 "$(metrics | $PY "$TOP/tests/tools/promcheck.py" | awk '$1 == "sockaccel_bytes_redirected_total" { print $2 }')" \
	"the agent's metrics count the redirected bytes"

# An upgrade: SIGTERM with the DaemonSet's --keep, then the next pod adopts.
kill -TERM "$POD_PID"; wait "$POD_UNSHARE"
check "SIGTERM (--keep): the pod's agent says it kept the install" grep -q "kept the install" "$log"
is "$(ops_attached)" "$ids" "... still attached with no agent"
out=$(in_cg_ns "$cg/kubepods.slice" "$ns" "$TOOLS/xfer" -4 -b $((16 << 20)))
lt "$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")" 50 "between the two pods, a new connection is accelerated"
pod "$log" "$DS_CAPS" "${DS_CMD[@]}"
check "the next pod adopts the install" eventually grep -q "run: adopted the install" "$log"
is "$(ops_attached)" "$ids" "... the same program"
kill -TERM "$POD_PID"; wait "$POD_UNSHARE"

# Removal: the cleanup DaemonSet's command, in the same image.
pod "$log" "$CLEAN_CAPS" "${CLEAN_CMD[@]}"
wait "$POD_UNSHARE"; rc=$?
is "$rc" 0 "cleanup.yaml's command (${CLEAN_CMD[*]}) exits 0 in the image"
is "$(ops_attached)" "" "... nothing attached to the cgroup"
check "... no pins" test ! -e "$pin"

# The image's own default (no --keep): SIGTERM removes everything.
pod "$log" "$DS_CAPS" /sockaccel run --cgroup auto --metrics 127.0.0.1:9477
check "the image's default command installs" eventually grep -q "run: installed on cgroup" "$log"
ids=$(ops_attached)
kill -TERM "$POD_PID"; wait "$POD_UNSHARE"
check "SIGTERM: the agent says it removed" grep -q "run: removed from cgroup" "$log"
is "$(ops_attached)" "" "SIGTERM: nothing attached to the cgroup"
check "SIGTERM: no pins" test ! -e "$pin"
check "SIGTERM: the program left the kernel" eventually prog_gone "${ids% }"

# The backpressure build (its object beside the image's file, as a volume
# would put it): its raw tracepoint program needs CAP_PERFMON (Linux 5.8;
# BPF_PROG_LOAD refuses a tracing type without it).  With the DaemonSet's
# capabilities it installs and attaches its read link; without PERFMON the
# install fails, naming the program.
mkdir "$root/bp"
cp "$BUILD/bpf/backpressure/sockaccel.bpf.o" "$root/bp/"
pod "$log" "${DS_CAPS/,perfmon/}" /sockaccel install --cgroup auto --objects /bp
wait "$POD_UNSHARE"; rc=$?
is "$rc" 1 "without CAP_PERFMON, the backpressure build's install fails: exit 1"
check "... naming the program: $(grep -o "sockaccel_read.*" "$log")" \
	grep -q "program 'sockaccel_read' .*BPF_PROG_LOAD: Operation not permitted" "$log"
is "$(ops_attached)" "" "... nothing attached"
pod "$log" "$DS_CAPS" /sockaccel run --cgroup auto --objects /bp --metrics 127.0.0.1:9477
check "with the DaemonSet's capabilities ($DS_CAPS) the backpressure build installs" \
	eventually grep -q "run: installed on cgroup" "$log"
! grep -q "no backpressure" "$log"
ok $? "... with no warning"
# Status from the host: the cgroup it names is the pod's view of it.
out=$("$BUILD/sockaccel" status --pin-dir "$pin" --json)
link=$(json_get "$out" read_link_id)
check "... its read link ($link) is sockaccel_read's, on sock_recv_length" \
	grep -q "\"id\":$link,\"type\":\"raw_tracepoint\",\"prog_id\":$(status_id "$out" sockaccel_read),\"tp_name\":\"sock_recv_length\"" \
	<<<"$(bpftool -j link show pinned "$pin/read_link")"
check "... the bound set ($(json_get "$out" unread_max_kib) KiB)" test "$(json_get "$out" unread_max_kib)" -gt 0
kill -TERM "$POD_PID"; wait "$POD_UNSHARE"
check "SIGTERM: no pins" test ! -e "$pin"
done_testing
