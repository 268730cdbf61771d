# bench/chart.gp: gnuplot -e "dir='build/bench'" bench/chart.gp
# Round-trip p50 latency and streaming throughput per message size, from
# the chart-rr.dat and chart-stream.dat that bench/report.pl writes.
# Columns: size, then median min max for plain/accel/unix cross-core
# (2-10) and on one core (11-19).  Error bars: min and max of the runs.
if (!exists("dir")) dir = 'build/bench'
set terminal pngcairo size 1400,560 font ",10"
set output dir.'/chart.png'
set multiplot layout 1,2 title "sockaccel: plain TCP v4, TCP v4 + sockaccel, Unix stream sockets (median of the runs, bars: min-max)"
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
