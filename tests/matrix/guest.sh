#!/bin/bash
# guest.sh: runs inside a matrix guest (tests/matrix/init.c), on the host's
# root file system (read-only) with the guest's own /proc, /sys, /dev, /tmp
# and /run.  The kernel command line chooses the tests:
#   sa_top=DIR  sa_build=DIR  sa_tests=a.t,b.t (under tests/kernel or tests/matrix)
#   sa_bins=PATH,PATH (the binaries under test, SA_BINS)
#   sa_both=a.t,b.t (of those, the ones that run with $sa_build/sockaccel
#   too, the default build: CO-RE through its libelf reader)
# Each test's TAP output goes to the second serial port, framed by
#   SA-MATRIX begin NAME  ...  SA-MATRIX end NAME RC
# after one line naming the kernel: SA-MATRIX kernel $(uname -r).
exec >/dev/ttyS1 2>&1
stty -F /dev/ttyS1 -onlcr 2>/dev/null
top=${sa_top:?} build=${sa_build:?}
echo "SA-MATRIX kernel $(uname -r)"
ip link set lo up
export BUILD=$build
bins=${sa_bins//,/ }
cd "$top" || exit 1
for t in ${sa_tests//,/ }; do
	f=tests/kernel/$t
	[[ $t = /* ]] && f=$t
	[ -e "$f" ] || f=tests/matrix/$t
	export SA_BINS=$bins
	[[ ,${sa_both:-}, = *,$t,* ]] && SA_BINS="$build/sockaccel $bins"
	echo "SA-MATRIX begin $t"
	s=$(date +%s%N)
	timeout -k 5 "${sa_test_timeout:-300}" bash "$f" </dev/null
	rc=$?
	echo "SA-MATRIX end $t $rc $((($(date +%s%N) - s) / 1000000))"
done
echo "SA-MATRIX done"
