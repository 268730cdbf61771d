#!/bin/sh
# semantics-table.sh [KNOWN]: the README table "What applications can
# notice", from tests/kernel/semantics.known (the one place for it;
# semantics.t checks that the README holds exactly this output).
# Differences (on any kernel) first, then what behaves the same, each in the
# file's order.
known=${1:-$(dirname "$0")/semantics.known}
awk '
function cell(x) { return x == "" ? " " : " " x " " }
function flush() {
	if (p == "")
		return
	t = (tested != "") ? tested : g_tested
	if (other != "") {	# same here, different on another kernel
		why = substr(why other_why, why != "" ? 1 : 3)
		todo = substr(todo other_do, todo != "" ? 1 : 3)
	}
	if (accel != "")
		acc = "**different**: " differs other
	else
		acc = "same" (differs != "" ? " (" differs ")" : "") other
	row = sprintf("| %s | %s | %s |%s|%s|\n", what, acc, t, cell(why), cell(todo))
	if (accel != "" || other != "")
		diff_rows = diff_rows row
	else
		same_rows = same_rows row
	p = what = accel = differs = why = todo = tested = other = other_why = other_do = ""
}
/^#/ || /^[ \t]*$/ { next }
{
	key = $0; sub(/[ \t].*/, "", key)
	val = $0; sub(/^[^ \t]+[ \t]+/, "", val)
}
# Another kernel: the test reads the fields; the table adds the difference.
key ~ /^differs@/ { k = key; sub(/.*@/, "", k); other = other sprintf("; **on %s, different**: %s", k, val); next }
key ~ /^why@/ { k = key; sub(/.*@/, "", k); other_why = other_why sprintf("; on %s: %s", k, val); next }
key ~ /^do@/ { k = key; sub(/.*@/, "", k); other_do = other_do sprintf("; on %s: %s", k, val); next }
key ~ /@/ { next }
key == "probe" { flush(); p = val; next }
key == "tested" && p == "" { g_tested = val; next }
key == "what" { what = val } key == "differs" { differs = val } key == "why" { why = val }
key == "do" { todo = val } key == "tested" { tested = val } key == "accel" { accel = val }
END {
	flush()
	print "| behaviour | accelerated | tested on | why (kernel code) | what to do |"
	print "|---|---|---|---|---|"
	printf "%s%s", diff_rows, same_rows
}' "$known"
