#!/bin/sh
# deps.sh GROUP...: install the Debian packages a make target needs, only
# those missing (apt-get update first, once, when something is missing).
set -e
pkgs_build="gcc make clang llvm libelf-dev linux-libc-dev"
pkgs_static="musl-tools"
pkgs_test="iproute2 perl util-linux procps libclang-rt-14-dev valgrind strace bpftool libbpf-dev man-db groff-base"
pkgs_boot="qemu-system-x86 linux-image-cloud-amd64 cpio gzip"
pkgs_bench="gnuplot-nox bpftool hyperfine time iproute2 util-linux perl-base binutils
	nginx-light wrk redis-server redis-tools postgresql iperf3 curl linux-perf"
# deploy/: manifests checked by node (npm packages go into build/), the unit
# by systemd-analyze, the image built by podman, metrics read by curl and
# Python's Prometheus parser.
pkgs_deploy="nodejs npm systemd podman curl python3 python3-prometheus-client"

want=""
for g in "$@"; do
	eval "want=\"\$want \$pkgs_$g\""
done
missing=""
for p in $want; do
	# A nodejs that bundles npm (NodeSource's) conflicts with Debian's npm.
	[ "$p" = npm ] && command -v npm >/dev/null && continue
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
# Servers (nginx, redis, postgresql) start themselves on the host when
# installed, listening on public ports: a policy-rc.d that refuses every
# start (exit 101, invoke-rc.d's "action forbidden") keeps them down for
# the install; make bench starts its own, inside its network namespace.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
