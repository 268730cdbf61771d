# bench/chart.gp: gnuplot -e "dir='build/bench'" bench/chart.gp
#
# chart.png: how much better than plain TCP, per scenario, as ratios of
# runs made back to back.  Bars: work per CPU-second of both sides (the
# figure other load on a shared machine disturbs least), to the median,
# whiskers to min and max; dots: the throughput ratio (requests/s, TPS,
# MB/s).  1.0 is plain TCP.  Left, TCP with sockaccel and with the
# reference peer: the real applications first, then netbench.  Right,
# apart so that it does not set the scale, Unix sockets where the
# scenario has them.
# Data: chart-ratios.dat, chart-unix.dat, chart-vars.gp (bench/report.pl).
#
# chart-datapath.png: netbench's round-trip latency and streaming
# throughput per message size (chart-rr.dat, chart-stream.dat; columns:
# size, then median min max for plain/accel/unix cross-core (2-10) and on
# one core (11-19)).
if (!exists("dir")) dir = 'build/bench'
napps = 0; nrows = 1; nunix = 1
load dir.'/chart-vars.gp'

set terminal pngcairo size 1500, 130 + 30 * nrows font ",10"
set output dir.'/chart.png'
set multiplot title "sockaccel ÷ plain TCP, same run. Bars: work per CPU-second (median of back-to-back pairs, whiskers min-max); dots: throughput. Right of 1.0 is better."
set style fill solid 0.85 noborder
set grid xtics
set key bottom left box opaque
set ytics scale 0 nomirror
set yrange [-nrows + 0.4 : 0.6]
set xlabel "÷ plain TCP"
col_ours = '#2471a3'
col_ref = '#aab7b8'
col_unix = '#1e8449'
h = 0.16
hh = h * 0.9
# A log scale: 0.5x and 2x are as far from 1.0.  Ratios outside [xmin, xmax]
# are drawn at the edge; the label gives the true median.
xmin = 0.25; xmax = 4
set logscale x 2
set xrange [xmin:xmax]
set xtics ("0.25" 0.25, "0.5" 0.5, "0.75" 0.75, "1" 1, "1.25" 1.25, "1.5" 1.5, "2" 2, "3" 3, "4" 4)
cl(v) = v < xmin ? xmin : v > xmax ? xmax : v
lo1(v) = cl(v < 1 ? v : 1)
hi1(v) = cl(v > 1 ? v : 1)
ends(v, lo, hi) = (hi > 1 ? (hi * 1.03 < xmax / 1.3 ? hi * 1.03 : xmax / 1.3) : 1.03)

set origin 0, 0
set size 0.66, 0.96
set lmargin 40
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb 'black' front
if (napps > 0 && napps < nrows) {
	set arrow 2 from graph 0, first -napps + 0.5 to graph 1, first -napps + 0.5 nohead dt 2 lc rgb '#555555'
	set label 1 "real applications" at graph 0.01, first -0.5 left tc rgb '#555555'
	set label 2 "netbench (this project's traffic tool)" at graph 0.01, first -napps + 0.3 left tc rgb '#555555'
}
set title "TCP: sockaccel and the reference peer (minimal program pair of the public write-ups)"
plot dir.'/chart-ratios.dat' u (cl($3)):(-$1 + h):(lo1($3)):(hi1($3)):(-$1 + h - hh):(-$1 + h + hh) w boxxyerror lc rgb col_ours t 'sockaccel', \
     '' u (cl($3)):(-$1 + h):(cl($4)):(cl($5)) w xerrorbars pt 0 lc rgb 'black' notitle, \
     '' u (cl($6)):(-$1 - h):(lo1($6)):(hi1($6)):(-$1 - h - hh):(-$1 - h + hh) w boxxyerror lc rgb col_ref t 'reference peer', \
     '' u (cl($6)):(-$1 - h):(cl($7)):(cl($8)) w xerrorbars pt 0 lc rgb '#555555' notitle, \
     '' u (cl($9)):(-$1 + h) w points pt 7 ps 0.7 lc rgb '#c0392b' t 'throughput, sockaccel', \
     '' u (cl($10)):(-$1 - h) w points pt 6 ps 0.7 lc rgb '#c0392b' t 'throughput, reference', \
     '' u (ends($3, $4, $5)):(-$1 + h):(sprintf("%.2f", $3)) w labels left font ",8" notitle, \
     '' u (NaN):(-$1):ytic(2) notitle
unset arrow 2
unset label 1
unset label 2

set origin 0.66, 0.96 - (0.96 * (nunix + 2) / (nrows + 2))
set size 0.34, 0.96 * (nunix + 2) / (nrows + 2)
set lmargin 32
set yrange [-nunix + 0.4 : 0.6]
set title "Unix sockets (own scale)"
set key bottom right box opaque font ",8"
set xtics ("0.5" 0.5, "1" 1, "2" 2, "4" 4)
plot dir.'/chart-unix.dat' u (cl($3)):(-$1 + h):(lo1($3)):(hi1($3)):(-$1 + h - hh):(-$1 + h + hh) w boxxyerror lc rgb col_unix t 'Unix sockets', \
     '' u (cl($3)):(-$1 + h):(cl($4)):(cl($5)) w xerrorbars pt 0 lc rgb 'black' notitle, \
     '' u (cl($6)):(-$1 - h):(lo1($6)):(hi1($6)):(-$1 - h - hh):(-$1 - h + hh) w boxxyerror lc rgb col_ours t 'sockaccel', \
     '' u (ends($3, $4, $5)):(-$1 + h):(sprintf("%.2f", $3)) w labels left font ",8" notitle, \
     '' u (NaN):(-$1):ytic(2) notitle
unset multiplot
unset arrow 1

# ---- netbench: latency and throughput per message size ----
reset
set terminal pngcairo size 1400,560 font ",10"
set output dir.'/chart-datapath.png'
set multiplot layout 1,2 title "netbench: plain TCP v4, TCP v4 + sockaccel, Unix stream sockets (median of the runs, bars: min-max)"
set logscale x 2
set xtics ("64 B" 64, "1 KiB" 1024, "16 KiB" 16384, "64 KiB" 65536)
set xrange [45:92000]
set grid
set key below maxrows 2 width -2
set style line 1 lc rgb '#c0392b' lw 2 pt 7
set style line 2 lc rgb '#2471a3' lw 2 pt 5
set style line 3 lc rgb '#1e8449' lw 2 pt 9
set style line 4 lc rgb '#c0392b' lw 1 dt 2 pt 6
set style line 5 lc rgb '#2471a3' lw 1 dt 2 pt 4
set style line 6 lc rgb '#1e8449' lw 1 dt 2 pt 8

set title "Round trip, p50 latency (lower is better)"
set xlabel "message size"
set ylabel "microseconds"
set logscale y
plot dir.'/chart-rr.dat' u 1:2:3:4 w yerrorlines ls 1 t 'TCP, 2 CPUs', \
     '' u 1:5:6:7 w yerrorlines ls 2 t 'TCP + sockaccel, 2 CPUs', \
     '' u 1:8:9:10 w yerrorlines ls 3 t 'Unix, 2 CPUs', \
     '' u 1:11:12:13 w yerrorlines ls 4 t 'TCP, 1 CPU', \
     '' u 1:14:15:16 w yerrorlines ls 5 t 'TCP + sockaccel, 1 CPU', \
     '' u 1:17:18:19 w yerrorlines ls 6 t 'Unix, 1 CPU'

set title "Streaming, one way (higher is better)"
set ylabel "MB/s"
unset logscale y
set yrange [0:*]
plot dir.'/chart-stream.dat' u 1:2:3:4 w yerrorlines ls 1 t 'TCP, 2 CPUs', \
     '' u 1:5:6:7 w yerrorlines ls 2 t 'TCP + sockaccel, 2 CPUs', \
     '' u 1:8:9:10 w yerrorlines ls 3 t 'Unix, 2 CPUs', \
     '' u 1:11:12:13 w yerrorlines ls 4 t 'TCP, 1 CPU', \
     '' u 1:14:15:16 w yerrorlines ls 5 t 'TCP + sockaccel, 1 CPU', \
     '' u 1:17:18:19 w yerrorlines ls 6 t 'Unix, 1 CPU'
unset multiplot
