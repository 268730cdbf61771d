#!/bin/sh
# mkinitramfs.sh OUT.cpio.gz INIT SOCKACCEL: an initramfs (newc cpio, gzip)
# whose whole user space is INIT (as /init) and SOCKACCEL (as /bin/sockaccel).
# Both must be static: there is no /lib in it.  Runs as any user; as root
# the archive also gets /dev/console, which the kernel opens for /init
# (without it, init opens the console itself on devtmpfs).
set -eu
[ $# = 3 ] || { echo "usage: $0 OUT.cpio.gz INIT SOCKACCEL" >&2; exit 2; }
out=$1 init=$2 sa=$3
stage=$(mktemp -d "${TMPDIR:-/tmp}/sa-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys"
install -m 0755 "$init" "$stage/init"
install -m 0755 "$sa" "$stage/bin/sockaccel"
[ "$(id -u)" = 0 ] && mknod -m 0600 "$stage/dev/console" c 5 1
# -R 0:0: everything owned by root in the image, whoever built it.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | gzip -9 >"$out"
