#!/bin/sh
# semantics-table.sh [KNOWN]: the README table "What applications can
# notice", from tests/kernel/semantics.known (the one place for it;
# semantics.t checks that the README holds exactly this output).
# Differences first, then what behaves the same, each in the file's order.
known=${1:-$(dirname "$0")/semantics.known}
awk '
function cell(x) { return x == "" ? " " : " " x " " }
function flush() {
	if (p == "")
		return
	t = (tested != "") ? tested : g_tested
	if (accel != "")
		diff_rows = diff_rows sprintf("| %s | **different**: %s | %s | %s | %s |\n", what, differs, t, why, todo)
	else
		same_rows = same_rows sprintf("| %s | same%s | %s |%s|%s|\n", what,
			differs != "" ? " (" differs ")" : "", t, cell(why), cell(todo))
	p = what = accel = differs = why = todo = tested = ""
}
/^#/ || /^[ \t]*$/ { next }
$1 ~ /@/ { next }	# other kernels: the test reads them, the table shows the host
{
	key = $0; sub(/[ \t].*/, "", key)
	val = $0; sub(/^[^ \t]+[ \t]+/, "", val)
}
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
