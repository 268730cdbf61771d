#!/usr/bin/perl
# bench/report.pl DIR: the Markdown table of a `make bench` run (stdout) and
# the data files of the chart (DIR/chart-*.dat), from what bench/run.sh left
# in DIR: results.tsv (one netbench line per run), machine.txt, loader.txt,
# loader-hf.json (hyperfine), loader-quiet.txt, status-*.json.
# Core Perl only (perl-base is on every Debian system).
use strict;
use warnings;

my $dir = shift or die "usage: report.pl DIR\n";

sub slurp { my $f = shift; open(my $h, '<', $f) or return ''; local $/; my $t = <$h>; close $h; $t }

# ---- inputs ----
my (%runs, %machine, %loader);
for (split /\n/, slurp("$dir/results.tsv")) {
	my %r = /(\w+)=(\S+)/g;
	next unless $r{sec};
	push @{ $runs{"$r{sec}|$r{scen}|$r{pin}|$r{mode}|$r{size}"} }, \%r;
}
for (split /\n/, slurp("$dir/machine.txt")) { $machine{$1} = $2 if /^(\w+): (.*)$/ }
for (split /\n/, slurp("$dir/loader.txt")) { $loader{$1} = $2 if /^(\w+)=(.*)$/ }

# ---- statistics over the repetitions ----
sub vals {	# vals KEY FIELD: the values of FIELD over the runs of KEY
	my ($k, $f) = @_;
	return sort { $a <=> $b } map { $_->{$f} } @{ $runs{$k} || [] };
}
sub median {
	my @v = @_;
	return undef unless @v;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}
sub med { median(vals(@_)) }
sub rate {	# per-second rate of a per-run count
	my ($k, $f) = @_;
	return median(sort { $a <=> $b } map { $_->{$f} / ($_->{secs} || 1) } @{ $runs{$k} || [] });
}
sub fmt {	# a number, with as many digits as it deserves
	my $v = shift;
	return '-' unless defined $v;
	return sprintf('%.0f', $v) if abs($v) >= 100 || $v == int($v);
	return sprintf('%.1f', $v) if abs($v) >= 10;
	return sprintf('%.2f', $v);
}
sub spread {	# "median (min-max)"
	my @v = vals(@_);
	return '-' unless @v;
	return fmt(median(@v)) . ' (' . fmt($v[0]) . '–' . fmt($v[-1]) . ')';
}
sub ratio { my ($a, $b) = @_; return (defined $a && defined $b && $b) ? $a / $b : undef }
sub fx { my $r = shift; return defined $r ? sprintf('%.2f', $r) : '-' }
sub flag {	# runs of KEY that were disturbed or repeated: a footnote mark
	my $k = shift;
	my $d = grep { $_->{disturbed} } @{ $runs{$k} || [] };
	return $d ? " ⚠$d" : '';
}

my %label = (
	plain4 => 'TCP v4', accel4 => 'TCP v4 + sockaccel', plain6 => 'TCP v6',
	accel6 => 'TCP v6 + sockaccel', unix => 'Unix stream', nodelay4 => 'TCP v4, TCP_NODELAY',
	always4 => 'TCP v4 + sockaccel, always redirect', pass4 => 'TCP v4 + sockaccel, moved to the stack at once',
);
my @sizes = (64, 1024, 16384, 65536);
my @dp = qw(plain4 accel4 plain6 accel6 unix);
my @pins = grep { my $p = $_; grep { /^dp\|[^|]*\|$p\|/ } keys %runs } qw(cross same);
my %pinname = (cross => 'client and server on different CPUs', same => 'client and server on one CPU');
sub sz { my $s = shift; return $s >= 1024 ? ($s / 1024) . ' KiB' : "$s B" }

my @out;
sub p { push @out, join('', @_) . "\n" }

# ---- header ----
p "# sockaccel benchmark results";
p "";
p "Written by `make bench` (bench/run.sh, bench/report.pl) on $machine{date}.";
p "";
p "| machine | |";
p "|---|---|";
p "| CPU | $machine{cpu} |";
p "| virtualisation | $machine{virt} |" if $machine{virt};
p "| memory | $machine{memory} |";
p "| kernel | $machine{kernel} |";
p "| OS | $machine{os} |";
p "| sockaccel | $machine{commit} |" if $machine{commit};
p "| load average at start / end | $machine{loadavg_start} / " . ($machine{loadavg_end} // '-') . " |";
p "| repetitions | $machine{reps} of $machine{secs} s per figure (after 0.2 s warm-up) |";
p "| runs disturbed by other load | " . ($machine{disturbed_runs} // '-') .
  " (after up to 2 repeats each); " . ($machine{waited_s} // '-') . " s spent waiting for a quiet machine |";
p "| total time | " . ($machine{elapsed_s} // '-') . " s |";
p "";
p "Every figure is the median of the repetitions, (min–max) where shown.  ⚠N: N of the runs";
p "behind a figure had more than 10% of a CPU taken by other load or the hypervisor even after";
p "repeats (bench/netbench.c explains the check).  OutSegs is `Tcp: OutSegs` of the bench's own";
p "network namespace during the measured second: zero means the data never entered TCP.";
p "";

# ---- targets ----
my ($pl, $ac, $ux) = map { med("dp|$_|cross|rr|64", 'p50_us') } qw(plain4 accel4 unix);
my $t1a = ratio($pl, $ac);
my $t1b = ratio($ac, $ux);
my %st; $st{$_} = ratio(med("dp|accel4|cross|stream|$_", 'mbps'), med("dp|plain4|cross|stream|$_", 'mbps')) for @sizes;
my %ss; $ss{$_} = ratio(med("dp|accel4|same|stream|$_", 'mbps'), med("dp|plain4|same|stream|$_", 'mbps')) for @sizes;
my $always1k = ratio(med("sw|always4|cross|stream|1024", 'mbps'), med("sw|plain4|cross|stream|1024", 'mbps'));

# loader: hyperfine results
my %hf;
my $json = slurp("$dir/loader-hf.json");
for my $obj (split /"command":/, $json) {
	next unless $obj =~ /^\s*"([^"]*)"/;
	my $name = $1;
	my %v;
	for my $f (qw(mean stddev median min max user system)) {
		$v{$f} = $1 if $obj =~ /"$f":\s*([0-9.eE+-]+)/;
	}
	$hf{$name} = \%v;
}
my $bt = $hf{bpftool} && $hf{bpftool}{median};
my $sa = $hf{sockaccel} && $hf{sockaccel}{median};
my $ss = $hf{'sockaccel-static'} && $hf{'sockaccel-static'}{median};
my $t4a = ratio($bt, $sa);
my $t4b = ratio($bt, $ss);

sub pm { my ($ok, $v) = @_; return defined $v ? ($ok ? '**PASS**' : '**MISS**') : 'n/a' }
p "## Targets";
p "";
p "| target | measured (medians) | |";
p "|---|---|---|";
my $same1 = ratio(med("dp|plain4|same|rr|64", 'p50_us'), med("dp|accel4|same|rr|64", 'p50_us'));
my $spin1 = ratio(med("spin|plain4|cross|rr|64", 'p50_us'), med("spin|accel4|cross|rr|64", 'p50_us'));
p "| round trip, 64 B, TCP v4, cross-core: p50 at least 1.25x better than plain TCP | plain " .
  fmt($pl) . " µs / accelerated " . fmt($ac) . " µs = " . fx($t1a) . "x" . flag("dp|accel4|cross|rr|64") .
  " (on one CPU: " . fx($same1) . "x; cross-core with spinning readers: " . fx($spin1) . "x)" .
  " | " . pm(defined $t1a && $t1a >= 1.25, $t1a) . " |";
p "| ... and within 1.10x of Unix sockets | accelerated " . fmt($ac) . " µs / Unix " . fmt($ux) .
  " µs = " . fx($t1b) . "x" . flag("dp|unix|cross|rr|64") . " | " . pm(defined $t1b && $t1b <= 1.10, $t1b) . " |";
p "| 64 KiB streaming, accelerated: at least 2x plain TCP | " . fx($st{65536}) . "x cross-core (" .
  fx($ss{65536}) . "x on one core) | " . pm(defined $st{65536} && $st{65536} >= 2, $st{65536}) . " |";
p "| 1 KiB streaming, accelerated: not slower than plain TCP | " . fx($st{1024}) . "x cross-core (" .
  fx($ss{1024}) . "x on one core); without the move of small-write streams: " . fx($always1k) . "x | " .
  pm(defined $st{1024} && $st{1024} >= 1, $st{1024}) . " |";
p "| `sockaccel install`+`remove` at least 5x faster than the bpftool sequence | bpftool " .
  fmt(defined $bt ? $bt * 1000 : undef) . " ms / sockaccel " . fmt(defined $sa ? $sa * 1000 : undef) .
  " ms = " . fx($t4a) . "x | " . pm(defined $t4a && $t4a >= 5, $t4a) . " |";
p "| ... static binary | bpftool " . fmt(defined $bt ? $bt * 1000 : undef) . " ms / sockaccel-static " .
  fmt(defined $ss ? $ss * 1000 : undef) . " ms = " . fx($t4b) . "x | " . pm(defined $t4b && $t4b >= 5, $t4b) . " |";
p "";

# ---- datapath tables ----
for my $pin (@pins) {
	p "## Round trip ($pinname{$pin})";
	p "";
	p "One request of SIZE bytes, one response of SIZE bytes, one in flight, TCP_NODELAY.";
	p "";
	p "| size | path | transactions/s | mean µs | p50 µs (min–max) | p99 µs | p99.9 µs | OutSegs/run |";
	p "|---:|---|---:|---:|---:|---:|---:|---:|";
	for my $s (@sizes) {
		for my $sc (@dp) {
			my $k = "dp|$sc|$pin|rr|$s";
			next unless $runs{$k};
			p "| " . sz($s) . " | $label{$sc} | " . fmt(med($k, 'tps')) . " | " . fmt(med($k, 'mean_us')) .
			  " | " . spread($k, 'p50_us') . flag($k) . " | " . fmt(med($k, 'p99_us')) . " | " .
			  fmt(med($k, 'p999_us')) . " | " . fmt(med($k, 'outsegs')) . " |";
		}
	}
	p "";
	p "## Streaming ($pinname{$pin})";
	p "";
	p "One way, SIZE bytes per write(), 128 KiB reads, Nagle on (as a program that never set";
	p "TCP_NODELAY has it).  CPU: share of one CPU used by the writer / the reader thread.";
	p "";
	p "| size | path | MB/s (min–max) | writes/s | CPU writer / reader % | context switches/s | OutSegs/run |";
	p "|---:|---|---:|---:|---:|---:|---:|";
	for my $s (@sizes) {
		for my $sc (@dp) {
			my $k = "dp|$sc|$pin|stream|$s";
			next unless $runs{$k};
			p "| " . sz($s) . " | $label{$sc} | " . spread($k, 'mbps') . flag($k) . " | " .
			  fmt(rate($k, 'writes')) . " | " . sprintf('%.0f / %.0f', med($k, 'cpu_c'), med($k, 'cpu_s')) .
			  " | " . fmt(median(sort { $a <=> $b } map { ($_->{cs_c} + $_->{cs_s}) / $_->{secs} } @{ $runs{$k} })) .
			  " | " . fmt(med($k, 'outsegs')) . " |";
		}
	}
	p "";
}

if (grep { /^spin\|/ } keys %runs) {
	my ($sp, $sa, $su) = map { med("spin|$_|cross|rr|64", 'p50_us') } qw(plain4 accel4 unix);
	p "## Round trip with spinning readers (64 B, different CPUs)";
	p "";
	p "Both ends poll with non-blocking reads instead of sleeping: no thread, and no idle virtual CPU,";
	p "has to be woken, so what remains is the cost of the path itself.  A diagnostic, not a target.";
	p "";
	p "| path | transactions/s | p50 µs (min–max) | p99 µs | p50 ÷ plain TCP |";
	p "|---|---:|---:|---:|---:|";
	for my $sc (qw(plain4 accel4 unix)) {
		my $k = "spin|$sc|cross|rr|64";
		next unless $runs{$k};
		p "| $label{$sc} | " . fmt(med($k, 'tps')) . " | " . spread($k, 'p50_us') . flag($k) . " | " .
		  fmt(med($k, 'p99_us')) . " | " . fx(ratio(med($k, 'p50_us'), $sp)) . " |";
	}
	p "";
}

p "## Ratios";
p "";
p "Accelerated ÷ baseline, medians.  Round trip p50: below 1 is faster (target: plain ÷ accelerated";
p "≥ 1.25, i.e. accelerated/plain ≤ 0.80).  Throughput: above 1 is faster.";
p "";
p "| CPUs | size | p50 accel/plain v4 | p50 accel/plain v6 | p50 accel/Unix | tps accel/plain v4 | MB/s accel/plain v4 | MB/s accel/plain v6 | MB/s accel/Unix |";
p "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
for my $pin (@pins) {
	for my $s (@sizes) {
		my $m = sub { my ($sc, $mode, $f) = @_; med("dp|$sc|$pin|$mode|$s", $f) };
		p "| $pin | " . sz($s) . " | " .
		  join(' | ', map { fx($_) }
			ratio($m->('accel4', 'rr', 'p50_us'), $m->('plain4', 'rr', 'p50_us')),
			ratio($m->('accel6', 'rr', 'p50_us'), $m->('plain6', 'rr', 'p50_us')),
			ratio($m->('accel4', 'rr', 'p50_us'), $m->('unix', 'rr', 'p50_us')),
			ratio($m->('accel4', 'rr', 'tps'), $m->('plain4', 'rr', 'tps')),
			ratio($m->('accel4', 'stream', 'mbps'), $m->('plain4', 'stream', 'mbps')),
			ratio($m->('accel6', 'stream', 'mbps'), $m->('plain6', 'stream', 'mbps')),
			ratio($m->('accel4', 'stream', 'mbps'), $m->('unix', 'stream', 'mbps'))) . " |";
	}
}
p "";

# ---- small writes ----
p "## Small writes (issue 7 item 4)";
p "";
p "Streams of small writes, TCP v4.  \"TCP v4 + sockaccel\" is what ships: a socket whose peer";
p "received more than 64 writes under 8 KiB in a row without answering goes to the stack for";
p "good.  \"always redirect\" is the same program built never to move a socket";
p "(-DSA_STREAK_MAX=0xffffffff); \"moved to the stack at once\" moves every socket after its";
p "first message, so the sockets stay in the sockhash and every message takes the sk_msg pass";
p "path (the cost that remains after a move).  See README.md, \"Small writes\".";
p "";
p "| CPUs | write | path | MB/s (min–max) | vs plain TCP | writes/s | CPU writer / reader % | context switches/s | OutSegs/run |";
p "|---|---:|---|---:|---:|---:|---:|---:|---:|";
for my $pin (qw(cross same)) {
	for my $s (100, 1024) {
		my $base = med("sw|plain4|$pin|stream|$s", 'mbps');
		for my $sc (qw(plain4 nodelay4 accel4 always4 pass4)) {
			my $k = "sw|$sc|$pin|stream|$s";
			next unless $runs{$k};
			p "| $pin | " . sz($s) . " | $label{$sc} | " . spread($k, 'mbps') . flag($k) . " | " .
			  fx(ratio(med($k, 'mbps'), $base)) . " | " . fmt(rate($k, 'writes')) . " | " .
			  sprintf('%.0f / %.0f', med($k, 'cpu_c'), med($k, 'cpu_s')) . " | " .
			  fmt(median(sort { $a <=> $b } map { ($_->{cs_c} + $_->{cs_s}) / $_->{secs} } @{ $runs{$k} })) .
			  " | " . fmt(med($k, 'outsegs')) . " |";
		}
	}
}
p "";
p "What moving small-write streams costs where acceleration wins (cross-core, same run):";
p "";
p "| figure | plain TCP | sockaccel | always redirect |";
p "|---|---:|---:|---:|";
p "| round trip 64 B, p50 µs | " . fmt(med("dp|plain4|cross|rr|64", 'p50_us')) . " | " .
  fmt(med("dp|accel4|cross|rr|64", 'p50_us')) . " | " . spread("sw|always4|cross|rr|64", 'p50_us') . " |";
p "| stream 64 KiB writes, MB/s | " . fmt(med("dp|plain4|cross|stream|65536", 'mbps')) . " | " .
  fmt(med("dp|accel4|cross|stream|65536", 'mbps')) . " | " . spread("sw|always4|cross|stream|65536", 'mbps') . " |";
p "";

# ---- loader ----
p "## Loader: install + remove";
p "";
p "hyperfine ($loader{hyperfine_version}), " . ($ENV{BENCH_HF_RUNS} // 30) .
  " runs after 3 warm-ups, shell start-up subtracted.  bpftool ($loader{bpftool_version}, from Debian) loads the";
p "same programs built with BTF-defined maps (`-g -DSA_MAP_STYLE=2`): Debian's bpftool refuses the legacy";
p "`maps` section sockaccel ships.  `bpftool prog load` pins only the first program of an object, so that";
p "object is split into one object per program (llvm-objcopy) and each program is verified once, as in";
p "`sockaccel install`.  The row \"--objects (BTF maps)\" is sockaccel loading bpftool's object.";
p "";
p "| command | median ms | mean ± sd ms | min ms | time ÷ bpftool | peak RSS KiB | stripped size bytes |";
p "|---|---:|---:|---:|---:|---:|---:|";
my @bt_rss = map { $loader{$_} } grep { /^rss_bpftool_/ } sort keys %loader;
my $bt_rss = (sort { $b <=> $a } grep { /^\d+$/ } @bt_rss)[0];
my %rows = (
	'sockaccel' => [ (sort { $b <=> $a } grep { defined && /^\d+$/ } $loader{rss_sa_install}, $loader{rss_sa_remove})[0], $loader{size_sa} ],
	'sockaccel-static' => [ (sort { $b <=> $a } grep { defined && /^\d+$/ } $loader{rss_static_install}, $loader{rss_static_remove})[0], $loader{size_static} ],
	'sockaccel --objects (BTF maps)' => [ undef, $loader{size_sa} ],
	'bpftool' => [ $bt_rss, $loader{size_bpftool} ],
);
for my $n ('sockaccel', 'sockaccel-static', 'sockaccel --objects (BTF maps)', 'bpftool') {
	my $h = $hf{$n} or next;
	p "| " . ($n eq 'bpftool' ? 'bpftool sequence (4 + 2 commands, rm)' : "`$n` install && remove") . " | " .
	  fmt($h->{median} * 1000) . " | " . fmt($h->{mean} * 1000) . " ± " . fmt($h->{stddev} * 1000) .
	  " | " . fmt($h->{min} * 1000) . " | " . fx(ratio($h->{median}, $bt)) . " | " .
	  ($rows{$n}[0] // '-') . " | " . ($rows{$n}[1] // '-') . " |";
}
p "";
p "sockaccel is " . fx($t4a) . "x faster than the bpftool sequence, sockaccel-static " . fx($t4b) . "x (medians).";
p "Peak RSS: the larger of install and remove; for bpftool the largest of its commands (" .
  join(', ', map { my $k = $_; (my $s = $k) =~ s/^rss_bpftool_//; "$s $loader{$k}" } grep { /^rss_bpftool_/ } sort keys %loader) . " KiB).";
p "Shared libraries (not in the sizes): sockaccel: $loader{libs_sa}; bpftool: $loader{libs_bpftool}; sockaccel-static: none." if $loader{libs_sa};
my $lq = slurp("$dir/loader-quiet.txt");
chomp $lq;
p "Loader runs: $lq (foreign: other load during the runs, % of a CPU)." if $lq;
p "";

# ---- counters ----
my $sj = slurp("$dir/status-accel.json");
if ($sj) {
	my %c = $sj =~ /"(\w+)":(\d+)/g;
	p "## What the accelerated cgroup's counters saw (`sockaccel status`)";
	p "";
	p "sockets added $c{sockets_added}, messages redirected $c{msgs_redirected} ($c{bytes_redirected} bytes), " .
	  "messages passed to the stack $c{msgs_passed} ($c{bytes_passed} bytes)." if defined $c{msgs_redirected};
	p "";
}

p "## Reproduce";
p "";
p "    make bench        # as root: installs gnuplot-nox, bpftool, hyperfine, time if missing";
p "";
p "BENCH_REPS (3), BENCH_SECS (1.0) and BENCH_BUDGET (720 s for all measurements) change the run;";
p "build/bench/results.tsv holds every run, build/bench/bench.log what happened, build/bench/chart.png";
p "the chart.";

print @out;

# ---- chart data: size, then median/min/max per series ----
for my $mode (qw(rr stream)) {
	my $f = $mode eq 'rr' ? 'p50_us' : 'mbps';
	open(my $h, '>', "$dir/chart-$mode.dat") or die "chart-$mode.dat: $!\n";
	print $h "# size, then median min max of $f for: " .
		join(' ', map { my $p = $_; map { "$_/$p" } qw(plain4 accel4 unix) } qw(cross same)) . "\n";
	for my $s (@sizes) {
		my @row = ($s);
		for my $pin (qw(cross same)) {
			for my $sc (qw(plain4 accel4 unix)) {
				my @v = vals("dp|$sc|$pin|$mode|$s", $f);
				push @row, @v ? (median(@v), $v[0], $v[-1]) : ('NaN', 'NaN', 'NaN');
			}
		}
		print $h join(' ', @row), "\n";
	}
	close $h;
}
