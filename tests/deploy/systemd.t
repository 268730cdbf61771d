#!/bin/bash
# deploy/systemd/sockaccel.service: `systemd-analyze verify` finds nothing to
# say (it exits 0 even on an unknown key or a bad value, so its output must
# be empty), and `systemd-analyze security` rates the sandbox.  Neither needs
# systemd running: this machine (a container) has none.
. "$(dirname "$0")/../lib.sh"

UNIT=$TOP/deploy/systemd/sockaccel.service
command -v systemd-analyze >/dev/null || bail "systemd-analyze missing (tests/deps.sh deploy)"
[ -x "$BUILD/sockaccel" ] || bail "$BUILD/sockaccel is not built"

# verify checks that ExecStart= names an executable: point it at ours.
unit_copy() {	# unit_copy SED-EXPR: the unit, edited, in $T_TMP/u/
	mkdir -p "$T_TMP/u"
	sed -e "s|/usr/local/sbin/sockaccel|$BUILD/sockaccel|" -e "$1" "$UNIT" >"$T_TMP/u/sockaccel.service"
}
verify() {
	out=$(cd "$T_TMP/u" && systemd-analyze verify sockaccel.service 2>&1)
	[ $? = 0 ] && [ -z "$out" ]
}

unit_copy ''
verify
ok $? "systemd-analyze verify: no error, no warning"
[ -n "$out" ] && diag "$out"

# The check is not vacuous: a misspelt value and an unknown key are caught.
unit_copy 's/^ProtectSystem=strict/ProtectSystem=strcit/'
! verify
ok $? "a bad value (ProtectSystem=strcit) is caught"
unit_copy 's/^Type=simple/Typo=simple/'
! verify
ok $? "an unknown key (Typo=) is caught"

unit_copy ''
sec=$(cd "$T_TMP/u" && systemd-analyze security --offline=yes sockaccel.service 2>&1)
level=$(printf '%s\n' "$sec" | sed -n 's/.*Overall exposure level for sockaccel.service: \([0-9.]*\).*/\1/p')
diag "systemd-analyze security: exposure $level (0 = most sandboxed, 10 = none)"
check "sandbox exposure at most 3.0 (systemd's 'OK' band)" awk -v l="$level" 'BEGIN { exit !(l != "" && l <= 3.0) }'

grep -q '^Type=simple' "$UNIT" && grep -q '^ExecStart=.* run ' "$UNIT"
ok $? "Type=simple running the agent"
is "$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")" "CAP_BPF CAP_NET_ADMIN CAP_PERFMON" \
	"capabilities: CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (backpressure's raw tracepoint program) only"
grep -q '^ReadWritePaths=/sys/fs/bpf$' "$UNIT" && grep -q '^ProtectSystem=strict$' "$UNIT"
ok $? "file system read-only but for the pins (ProtectSystem=strict, ReadWritePaths=/sys/fs/bpf)"
# make install: the binary and the unit, ExecStart= pointing at the binary
# where PREFIX put it.
p=$T_TMP/prefix
out=$(make -s -C "$TOP" install BUILD="$BUILD" PREFIX="$p" 2>&1); rc=$?
is "$rc" 0 "make install PREFIX=... exits 0"
check "make install put the binary in PREFIX/sbin" test -x "$p/sbin/sockaccel"
check "make install put the unit in PREFIX/lib/systemd/system" test -f "$p/lib/systemd/system/sockaccel.service"
is "$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$p/lib/systemd/system/sockaccel.service")" "$p/sbin/sockaccel" \
	"the installed unit runs the installed binary"
out=$(cd "$p/lib/systemd/system" && systemd-analyze verify sockaccel.service 2>&1)
is "$?:$out" "0:" "the installed unit verifies"
done_testing
