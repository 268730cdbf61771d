#!/bin/bash
# hostile_mounts.t: a host with thousands of mounts.  /proc/self/mountinfo
# of more than 256 KiB is read (to find the cgroup v2 mount) into a buffer
# that doubles past 256 KiB and then again; the static build's own malloc()
# gives blocks that large a mapping each, and its realloc() copies them by
# the size in their header.  gcc -flto -fipa-pta once dropped that header
# (loader/libc/tiny_libc.c): the copy was 0 bytes, the text zeros, and
# `status --all` said "no cgroup2 mount".  Each binary must find the
# mount there as it does here.  The mounts live in a private mount
# namespace that ends with the command.
. "$(dirname "$0")/../lib.sh"
need_kernel

MOUNTS=4000	# about 90 bytes of mountinfo each
M=$T_TMP/mounts
mkdir -p "$M"

# In a private mount namespace: MOUNTS tmpfs mounts, then BIN status --all.
# Prints the mountinfo size on the first line, then the command's output
# and its exit code.
many_mounts() {	# many_mounts BIN
	unshare -m --propagation private sh -c '
		m=$1 n=$2 b=$3 i=0
		mount -t tmpfs sa-test "$m" || exit 1
		while [ $i -lt $n ]; do
			i=$((i + 1))
			mkdir "$m/d$i" && mount -t tmpfs sa-test "$m/d$i" || exit 1
		done
		wc -c </proc/self/mountinfo
		"$b" status --all 2>&1
		echo "rc=$?"' sh "$M" "$MOUNTS" "$1"
}

per_binary() {
	local B=$1 L=$2 out here size
	here=$("$B" status --all 2>&1; echo "rc=$?")
	out=$(many_mounts "$B")
	size=$(head -1 <<<"$out")
	lt $((300 << 10)) "${size:-0}" "[$L] /proc/self/mountinfo with $MOUNTS more mounts: $size bytes (over 300 KiB)"
	check "[$L] status --all still finds the cgroup2 mount: $(sed -n 2p <<<"$out")" \
		sh -c '! grep -q "no cgroup2 mount"' <<<"$out"
	is "$(tail -1 <<<"$out")" "$(tail -1 <<<"$here")" "[$L] ... and exits as it does without them"
}
for_each_binary per_binary
done_testing
