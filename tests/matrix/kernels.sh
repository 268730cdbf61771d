#!/bin/bash
# kernels.sh [SUITE...]: Debian's cloud kernels for the kernel matrix
# (tests/boot/matrix.t), downloaded with a private apt configuration under
# build/kernels/ (the system's sources, lists and cache are never touched)
# and cached there.  For each suite (default: bullseye bookworm trixie, the
# 5.10, 6.1 and 6.12 kernels) it leaves
#   build/kernels/SUITE/vmlinuz           the kernel
#   build/kernels/SUITE/release           its uname -r
#   build/kernels/SUITE/modules/*.ko      the modules the guest needs, plain
#                                         (not compressed), and their
#   build/kernels/SUITE/modules/order     load order (dependencies first)
# The mirror is the one the system's apt already uses for Debian.  Needs
# apt-get, dpkg-deb, xz and zstd; run as root or as a user who can write
# build/ (apt-get download needs no privileges).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
OUT=$BUILD/kernels
SUITES=${*:-bullseye bookworm trixie}
# What the guest loads: the host's root over virtiofs, and veth for the
# tests' network namespaces.  Dependencies (fuse, virtio_ring...) come
# from the package's modules.dep; built-in ones are skipped.
WANT="virtio_pci virtiofs veth"

die() { echo "kernels.sh: $*" >&2; exit 1; }

# The Debian mirror of the system's own sources (deb822 or one-line form).
mirror() {
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -Eo 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ')
	echo "${m:-http://deb.debian.org/debian}"
}

# apt-get or apt-cache with everything private to build/kernels/apt-SUITE,
# even the package status (the host's installed kernel must not count).
papt() {	# papt SUITE apt-get|apt-cache ARGS...
	local d=$OUT/apt-$1 cmd=$2
	shift 2
	"$cmd" -q -o Dir::State::status="$d/status" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts="$d/empty" \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" \
		-o Dir::Etc::Preferences="$d/empty/none" -o Dir::Etc::PreferencesParts="$d/empty" \
		-o APT::Sandbox::User=root -o Acquire::Languages=none "$@"
}

fetch() {	# fetch SUITE
	local s=$1 d=$OUT/$1 a=$OUT/apt-$1 meta pkg deb rel m dep f
	[ -s "$d/release" ] && [ -s "$d/modules/order" ] && [ -s "$d/vmlinuz" ] && return 0
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/empty" "$d"
	: >"$a/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $s main" >"$a/sources.list"
	papt "$s" apt-get update >"$a/update.log" 2>&1 || { cat "$a/update.log" >&2; die "$s: apt-get update failed"; }
	# linux-image-cloud-amd64 is a metapackage: the image is what it depends on.
	meta=linux-image-cloud-amd64
	pkg=$(papt "$s" apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -n 1)
	[ -n "$pkg" ] || die "$s: no package behind $meta"
	(cd "$d" && rm -f ./*.deb && papt "$s" apt-get download "$pkg" >"$a/download.log" 2>&1) ||
		{ cat "$a/download.log" >&2; die "$s: cannot download $pkg"; }
	deb=$(ls "$d"/*.deb | head -n 1)
	rm -rf "$d/root" "$d/modules"
	dpkg-deb -x "$deb" "$d/root"
	# Merged-/usr packages ship usr/lib/modules; depmod -b wants lib/modules.
	[ -d "$d/root/lib/modules" ] || ln -s usr/lib "$d/root/lib"
	rel=$(ls "$d/root/lib/modules")
	m=$d/root/lib/modules/$rel
	# The package has no modules.dep: depmod writes it at install time.
	/sbin/depmod -b "$d/root" "$rel" || die "$s: depmod failed for $rel"
	cp "$d/root/boot/vmlinuz-$rel" "$d/vmlinuz"
	# Dependencies first, each module once (modules.dep lists a module's
	# dependencies, nearest first: load them in reverse).
	mkdir -p "$d/modules"
	: >"$d/modules/order"
	add() {	# add NAME
		local path deps x
		grep -qx "$1" "$d/modules/order" && return 0
		path=$(grep -E "/$1\\.ko(\\.xz|\\.zst|\\.gz)?:" "$m/modules.dep" | head -n 1) || true
		if [ -z "$path" ]; then
			grep -qE "/$1\\.ko\$" "$m/modules.builtin" || die "$s: no module $1 in $rel"
			return 0
		fi
		deps=${path#*:}
		for x in $(echo $deps | tr ' ' '\n' | tac); do
			x=${x##*/}
			add "${x%%.ko*}"
		done
		f=${path%%:*}
		case $f in
		*.xz) xz -dc "$m/$f" >"$d/modules/$1.ko" ;;
		*.zst) zstd -qdc "$m/$f" >"$d/modules/$1.ko" ;;
		*.gz) gzip -dc "$m/$f" >"$d/modules/$1.ko" ;;
		*) cp "$m/$f" "$d/modules/$1.ko" ;;
		esac
		echo "$1" >>"$d/modules/order"
	}
	for dep in $WANT; do add "$dep"; done
	echo "$rel" >"$d/release"
	rm -rf "$d/root"	# the package stays, for a re-extraction without download
	echo "kernels.sh: $s: $rel ($(basename "$deb")), modules: $(tr '\n' ' ' <"$d/modules/order")"
}

for s in $SUITES; do fetch "$s"; done
