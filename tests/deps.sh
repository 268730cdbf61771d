#!/bin/sh
# deps.sh GROUP...: install the Debian packages a make target needs, only
# those missing (apt-get update first, once, when something is missing).
set -e
pkgs_build="gcc make clang llvm libelf-dev linux-libc-dev"
pkgs_static="musl-tools"
pkgs_test="iproute2 perl util-linux procps libclang-rt-14-dev valgrind strace bpftool libbpf-dev"
pkgs_boot="qemu-system-x86 linux-image-cloud-amd64 cpio gzip"
# The kernel matrix (tests/boot/matrix.t): qemu with virtiofsd
# (qemu-system-common), and what tests/matrix/kernels.sh unpacks with.
pkgs_matrix="qemu-system-x86 cpio gzip kmod xz-utils zstd dpkg"
pkgs_bench="gnuplot-nox bpftool hyperfine time iproute2 util-linux perl-base binutils"

want=""
for g in "$@"; do
	eval "want=\"\$want \$pkgs_$g\""
done
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root, or apt-get install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
