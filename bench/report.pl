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
sub ratio { my ($x, $y) = @_; return (defined $x && defined $y && $y != 0) ? $x / $y : undef }
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

# ---- real applications (bench/apps.sh): apps.tsv, apps-checks.txt ----
my (%app, @app_keys);	# "app|scen" -> mode -> rep -> run
for (split /\n/, slurp("$dir/apps.tsv")) {
	my %r = /(\w+)=(\S+)/g;
	next unless $r{app} && defined $r{value};
	my $k = "$r{app}|$r{scen}";
	push @app_keys, $k unless $app{$k};
	$app{$k}{$r{mode}}{$r{rep}} = \%r;
}
my @app_order = (
	(map { "nginx|$_" } qw(1k-c1 1k-c16 16k-c1 16k-c16 1m-c1 1m-c16)),
	(map { "redis|get-$_" } qw(c1-P1 c50-P1 c1-P16 c50-P16)),
	(map { "redis|set-$_" } qw(c1-P1 c50-P1 c1-P16 c50-P16)),
	'pgbench|select', 'pgbench|tpcb',
	(map { "iperf3|$_" } qw(1k 16k 128k)));
@app_order = grep { $app{$_} } @app_order;
my %sizename = ('1k' => '1 KiB', '16k' => '16 KiB', '1m' => '1 MiB', '128k' => '128 KiB');
sub app_label {
	my ($a, $s) = split /\|/, shift;
	if ($a eq 'nginx') {
		my ($b, $c) = $s =~ /^(\w+)-c(\d+)$/;
		return "nginx, $sizename{$b} body, $c conn" . ($c == 1 ? '' : 's');
	}
	if ($a eq 'redis') {
		my ($t, $c, $p) = $s =~ /^(\w+)-c(\d+)-P(\d+)$/;
		return "redis " . uc($t) . ", $c client" . ($c == 1 ? '' : 's') . ($p == 1 ? '' : ", pipeline $p");
	}
	return $s eq 'select' ? 'pgbench select-only, 8 clients' : 'pgbench TPC-B-like, 8 clients' if $a eq 'pgbench';
	return "iperf3, $sizename{$s} writes" if $a eq 'iperf3';
	return "$a $s";
}
sub aruns { my ($k, $m) = @_; return values %{ $app{$k}{$m} || {} } }
sub avals { my ($k, $m, $f) = @_; return sort { $a <=> $b } map { $_->{$f} } aruns($k, $m) }
sub amed { return median(avals(@_)) }
sub aspread {
	my @v = avals(@_);
	return '-' unless @v;
	return fmt(median(@v)) . ' (' . fmt($v[0]) . '–' . fmt($v[-1]) . ')';
}
# The ratio of mode A to mode B: the median of the per-repetition ratios
# (the two ran back to back), and their min and max.
sub pratio {
	my ($k, $ma, $mb, $f) = @_;
	$f //= 'value';
	my $A = $app{$k}{$ma} || {};
	my $B = $app{$k}{$mb} || {};
	my @r = sort { $a <=> $b } map { $A->{$_}{$f} / $B->{$_}{$f} } grep { $B->{$_} && $B->{$_}{$f} } keys %$A;
	return @r ? (median(@r), $r[0], $r[-1]) : (undef, undef, undef);
}
sub fr {	# "1.23x (1.10–1.30)"
	my ($m, $lo, $hi) = @_;
	return '-' unless defined $m;
	return sprintf('%.2fx', $m) . (defined $lo && $lo != $hi ? sprintf(' (%.2f–%.2f)', $lo, $hi) : '');
}
my $omax = $ENV{APP_OTHER_MAX} // 80;
sub aflag {	# runs behind a figure during which other load took > omax % of a CPU
	my ($k, $m) = @_;
	my $d = grep { $_->{other} > $omax } aruns($k, $m);
	return $d ? " ⚠$d" : '';
}
# work per CPU-second of both sides (server + client cgroups)
sub eff { my $r = shift; my $c = ($r->{cpu_srv} + $r->{cpu_cli}) / 100; return $c > 0 ? $r->{value} / $c : undef }
for my $k (@app_order) { for my $m (keys %{ $app{$k} }) { $_->{eff} = eff($_) for aruns($k, $m) } }

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
p "| load average at the start / after the applications / at the end | $machine{loadavg_start} / " .
  ($machine{loadavg_apps} // '-') . " / " . ($machine{loadavg_end} // '-') . " |";
p "| repetitions | applications: " . ($machine{app_reps} // '-') . " of " . ($machine{app_secs} // '-') .
  " s; datapath (netbench): $machine{reps} of $machine{secs} s per figure (after 0.2 s warm-up) |";
p "| **a short pass** (BENCH_QUICK=1): too few repetitions to quote | |" if ($machine{quick} // 0) eq '1';
p "| datapath runs disturbed by other load | " . ($machine{disturbed_runs} // '-') .
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
# ---- targets of the real applications (the same run) ----
# A target row on sockaccel / plain: the throughput ratio decides; the
# ratio of work per CPU-second (both sides' cgroups) stands beside it, as
# the figure other load on the machine disturbs least.
sub app_target {	# KEY MIN WHAT
	my ($k, $min, $what) = @_;
	return unless $app{$k};
	my @r = pratio($k, 'accel', 'plain');
	my @e = pratio($k, 'accel', 'plain', 'eff');
	my @f = pratio($k, 'ref', 'plain');
	my $u = (map { $_->{unit} } aruns($k, 'plain'))[0];
	p "| $what: at least ${min}x plain TCP | " . fmt(amed($k, 'plain', 'value')) . " → " .
	  fmt(amed($k, 'accel', 'value')) . " $u: " . fr(@r) . aflag($k, 'accel') .
	  "; per CPU-second: " . fr(@e) . (defined $f[0] ? sprintf('; the reference peer: %.2fx', $f[0]) : '') .
	  " | " . pm(defined $r[0] && $r[0] >= $min, $r[0]) . " (per CPU-second: " .
	  pm(defined $e[0] && $e[0] >= $min, $e[0]) . ") |";
}
if (@app_order) {
	app_target('nginx|1k-c16', 1.25, 'nginx, 1 KiB bodies, 16 connections, requests/s');
	app_target('redis|get-c50-P1', 1.20, 'redis GET without pipelining (50 clients), requests/s');
	app_target('pgbench|select', 1.10, 'pgbench select-only (TCP 127.0.0.1), TPS');
	for my $f ('value', 'eff') {
		my @low = grep { my $r = (pratio($_, 'accel', 'plain', $f))[0]; defined $r && $r < 0.95 } @app_order;
		my $worst = (sort { $a->[1] <=> $b->[1] } map { [ $_, (pratio($_, 'accel', 'plain', $f))[0] // 9 ] } @app_order)[0];
		p "| every application scenario: at least 0.95x plain TCP" . ($f eq 'eff' ? ', per CPU-second' : '') . " | " .
		  (@low ? 'below: ' . join('; ', map { app_label($_) . ' ' . fr(pratio($_, 'accel', 'plain', $f)) } @low)
			: 'lowest: ' . app_label($worst->[0]) . sprintf(' %.2fx', $worst->[1])) .
		  " | " . pm(!@low, $worst->[1]) . " |";
	}
	for my $f ('value', 'eff') {
		my @behind = grep { my $r = (pratio($_, 'accel', 'ref', $f))[0]; defined $r && $r < 0.97 } @app_order;
		my $wr = (sort { $a->[1] <=> $b->[1] } grep { defined $_->[1] } map { [ $_, (pratio($_, 'accel', 'ref', $f))[0] ] } @app_order)[0];
		next unless $wr;
		p "| every application scenario: sockaccel within 3% of the reference peer" . ($f eq 'eff' ? ', per CPU-second' : '') . " | " .
		  (@behind ? 'behind: ' . join('; ', map { app_label($_) . ' ' . fr(pratio($_, 'accel', 'ref', $f)) } @behind)
			   : 'lowest: ' . app_label($wr->[0]) . sprintf(' %.2fx', $wr->[1])) .
		  " | " . pm(!@behind, $wr->[1]) . " |";
	}
}
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

# ---- real applications: tables ----
if (@app_order) {
	p "## Real applications";
	p "";
	p "Each server and its client run in the bench's network namespace, over 127.0.0.1: plain TCP,";
	p "TCP with sockaccel on their cgroup, TCP with the reference peer (the minimal program pair of";
	p "the public write-ups, bench/ref/ref.bpf.c) and, where the application speaks them, Unix";
	p "sockets (the plain server's socket file).  The modes of one scenario run back to back, in an";
	p "order that rotates each repetition; " . ($machine{app_reps} // '?') . " repetitions of " .
	  ($machine{app_secs} // '?') . " s (redis: a request count of about that).";
	p "Figures: median (min–max) of the repetitions.  Ratios: the median (min–max) of the";
	p "per-repetition ratios of runs made back to back.  ⚠N: N runs behind a figure had more than";
	p "$omax% of a CPU taken by other load on the machine even after two more attempts.";
	p "";
	p "| scenario | unit | plain TCP | sockaccel | ÷ plain | reference peer | ÷ plain | sockaccel ÷ reference | Unix | Unix ÷ plain |";
	p "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|";
	for my $k (@app_order) {
		my $u = (map { $_->{unit} } aruns($k, 'plain'))[0] // '';
		p "| " . app_label($k) . " | $u | " . aspread($k, 'plain', 'value') . aflag($k, 'plain') . " | " .
		  aspread($k, 'accel', 'value') . aflag($k, 'accel') . " | **" . fr(pratio($k, 'accel', 'plain')) . "** | " .
		  aspread($k, 'ref', 'value') . aflag($k, 'ref') . " | " . fr(pratio($k, 'ref', 'plain')) . " | " .
		  fr(pratio($k, 'accel', 'ref')) . " | " .
		  ($app{$k}{unix} ? aspread($k, 'unix', 'value') . aflag($k, 'unix') . " | " . fr(pratio($k, 'unix', 'plain')) : '- | -') . " |";
	}
	p "";
	p "What each run cost: Tcp OutSegs of the namespace per run (zero: the data never entered TCP;";
	p "the few left are connection set-up and teardown), CPU of the server and the client cgroups";
	p "(% of one CPU, median), work done per CPU-second of both sides against plain TCP, and the";
	p "other load on the machine during the runs (% of a CPU, median).";
	p "";
	p "| scenario | OutSegs/run plain / sockaccel / reference | CPU server + client % plain / sockaccel / reference / Unix | per CPU-second: sockaccel ÷ plain, reference ÷ plain | other load % |";
	p "|---|---:|---:|---:|---:|";
	for my $k (@app_order) {
		my $cpu = sub { my $m = shift; my ($s, $c) = (amed($k, $m, 'cpu_srv'), amed($k, $m, 'cpu_cli'));
			return defined $s ? sprintf('%.0f+%.0f', $s, $c) : '-' };
		p "| " . app_label($k) . " | " . join(' / ', map { fmt(amed($k, $_, 'outsegs')) } qw(plain accel ref)) .
		  " | " . join(' / ', map { $cpu->($_) } qw(plain accel ref unix)) . " | " .
		  sprintf('%s, %s', map { my $r = (pratio($k, $_, 'plain', 'eff'))[0]; defined $r ? sprintf('%.2fx', $r) : '-' } qw(accel ref)) .
		  " | " . fmt(median(sort { $a <=> $b } map { $_->{other} } map { aruns($k, $_) } qw(plain accel ref unix))) . " |";
	}
	p "";
	p "What sockaccel's counters saw during its runs (`sockaccel status --json`, the change over each";
	p "run, summed over the repetitions): sockets put in the sockhash, sockets moved to the stack by";
	p "the small-write rule, moves for backpressure (the backpressure build: BENCH_OBJECTS), messages";
	p "redirected to the peer and messages that took the stack.";
	p "";
	p "| scenario | sockets added | moved to the stack | moved for backpressure | messages redirected | messages through the stack | redirected bytes per message |";
	p "|---|---:|---:|---:|---:|---:|---:|";
	for my $k (@app_order) {
		my %s;
		for my $r (aruns($k, 'accel')) { $s{$_} += $r->{$_} // 0 for qw(sockets_added sockets_moved_to_stack sockets_moved_backpressure msgs_redirected msgs_passed bytes_redirected) }
		p "| " . app_label($k) . " | $s{sockets_added} | $s{sockets_moved_to_stack} | $s{sockets_moved_backpressure} | $s{msgs_redirected} | $s{msgs_passed} | " .
		  ($s{msgs_redirected} ? fmt($s{bytes_redirected} / $s{msgs_redirected}) : '-') . " |";
	}
	p "";
	my @chk = map { my %c = /(\w+)=(.*?)(?= \w+=|$)/g; \%c } grep { /^check=/ } split /\n/, slurp("$dir/apps-checks.txt");
	if (@chk) {
		p "### Correctness through the accelerated path";
		p "";
		p "| application | check | |";
		p "|---|---|---|";
		p "| $_->{check} | $_->{what} | " . ($_->{ok} ? '**PASS**' : '**FAIL**') . " |" for @chk;
		p "";
	}
}

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
my $v6 = grep { /\|plain6\|/ } keys %runs;
my @rcols = (
	[ 'p50 accel/plain v4', 'accel4', 'plain4', 'rr', 'p50_us' ],
	($v6 ? [ 'p50 accel/plain v6', 'accel6', 'plain6', 'rr', 'p50_us' ] : ()),
	[ 'p50 accel/Unix', 'accel4', 'unix', 'rr', 'p50_us' ],
	[ 'tps accel/plain v4', 'accel4', 'plain4', 'rr', 'tps' ],
	[ 'MB/s accel/plain v4', 'accel4', 'plain4', 'stream', 'mbps' ],
	($v6 ? [ 'MB/s accel/plain v6', 'accel6', 'plain6', 'stream', 'mbps' ] : ()),
	[ 'MB/s accel/Unix', 'accel4', 'unix', 'stream', 'mbps' ]);
p "| CPUs | size | " . join(' | ', map { $_->[0] } @rcols) . " |";
p "|---|---:|" . ('---:|' x @rcols);
for my $pin (@pins) {
	for my $s (@sizes) {
		my $m = sub { my ($sc, $mode, $f) = @_; med("dp|$sc|$pin|$mode|$s", $f) };
		p "| $pin | " . sz($s) . " | " .
		  join(' | ', map { fx(ratio($m->($_->[1], $_->[3], $_->[4]), $m->($_->[2], $_->[3], $_->[4]))) } @rcols) . " |";
	}
}
p "";

# ---- small writes ----
p "## Small writes";
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
p "    make bench                 # as root: installs what it needs (tests/deps.sh bench)";
p "    BENCH_QUICK=1 make bench   # one short pass (about 3 minutes), to try it, not to quote";
p "";
p "APP_REPS (4) and APP_SECS (1) set the application runs, BENCH_REPS (3), BENCH_SECS (0.5) and";
p "BENCH_BUDGET (270 s) the netbench runs, BENCH_V6=1 adds IPv6 to them.  build/bench/apps.tsv and";
p "results.tsv hold every run, bench.log what happened, chart.png and chart-datapath.png the charts.";
p "bench/perf-apps.sh [REGEX] studies one application scenario (program time per message, profiles).";

print @out;

# ---- chart data: ratios to plain TCP, real applications first ----
sub nratio {	# per-repetition ratio of two datapath scenarios: median, min, max
	my ($sec, $sa, $sb, $pin, $mode, $size, $f) = @_;
	my (%A, %B);
	$A{$_->{rep}} = $_->{$f} for @{ $runs{"$sec|$sa|$pin|$mode|$size"} || [] };
	$B{$_->{rep}} = $_->{$f} for @{ $runs{"$sec|$sb|$pin|$mode|$size"} || [] };
	my @r = sort { $a <=> $b } map { $A{$_} / $B{$_} } grep { defined $A{$_} && $B{$_} } keys %A;
	return @r ? (median(@r), $r[0], $r[-1]) : (undef, undef, undef);
}
sub dat { return map { defined $_ ? sprintf('%.4f', $_) : 'NaN' } @_ }
my @nb_rows = (
	[ 'netbench round trip 64 B, 1 CPU', 'dp', 'same', 'rr', 64, 'tps' ],
	[ 'netbench round trip 64 B, 2 CPUs', 'dp', 'cross', 'rr', 64, 'tps' ],
	[ 'netbench round trip 16 KiB, 2 CPUs', 'dp', 'cross', 'rr', 16384, 'tps' ],
	[ 'netbench stream 1 KiB writes, 2 CPUs', 'dp', 'cross', 'stream', 1024, 'mbps' ],
	[ 'netbench stream 16 KiB writes, 2 CPUs', 'dp', 'cross', 'stream', 16384, 'mbps' ],
	[ 'netbench stream 64 KiB writes, 2 CPUs', 'dp', 'cross', 'stream', 65536, 'mbps' ],
	[ 'netbench stream 64 KiB writes, 1 CPU', 'dp', 'same', 'stream', 65536, 'mbps' ],
);
# Work per CPU-second of a netbench run (both threads).
for my $list (values %runs) {
	for my $r (@$list) {
		my $c = (($r->{cpu_c} // 0) + ($r->{cpu_s} // 0)) / 100;
		$r->{eff} = $c > 0 ? ($r->{mode} eq 'rr' ? $r->{tps} : $r->{mbps}) / $c : undef;
	}
}
# Bars: the ratio of work per CPU-second (the figure other load disturbs
# least); points: the throughput ratio.  Columns: row, label, median min max
# of the first series, of the second, then the two throughput medians.
{
	open(my $h, '>', "$dir/chart-ratios.dat") or die "chart-ratios.dat: $!\n";
	print $h "# row label, per CPU-second sockaccel/plain (med min max), reference/plain (med min max), throughput sockaccel/plain, reference/plain\n";
	my $i = 0;
	for my $k (@app_order) {
		print $h join("\t", $i++, '"' . app_label($k) . '"', dat(pratio($k, 'accel', 'plain', 'eff')),
			dat(pratio($k, 'ref', 'plain', 'eff')), dat((pratio($k, 'accel', 'plain'))[0], (pratio($k, 'ref', 'plain'))[0])), "\n";
	}
	for my $r (@nb_rows) {
		my ($l, $sec, $pin, $mode, $size, $f) = @$r;
		next unless $runs{"$sec|accel4|$pin|$mode|$size"};
		print $h join("\t", $i++, "\"$l\"", dat(nratio($sec, 'accel4', 'plain4', $pin, $mode, $size, 'eff')),
			dat(undef, undef, undef), dat((nratio($sec, 'accel4', 'plain4', $pin, $mode, $size, $f))[0], undef)), "\n";
	}
	close $h;
	my $nrows = $i;
	open($h, '>', "$dir/chart-unix.dat") or die "chart-unix.dat: $!\n";
	print $h "# row label, per CPU-second Unix/plain (med min max), sockaccel/plain (med min max), throughput Unix/plain, sockaccel/plain\n";
	$i = 0;
	for my $k (grep { $app{$_}{unix} } @app_order) {
		print $h join("\t", $i++, '"' . app_label($k) . '"', dat(pratio($k, 'unix', 'plain', 'eff')),
			dat(pratio($k, 'accel', 'plain', 'eff')), dat((pratio($k, 'unix', 'plain'))[0], (pratio($k, 'accel', 'plain'))[0])), "\n";
	}
	for my $r (grep { $_->[3] eq 'rr' || $_->[4] == 65536 } @nb_rows) {
		my ($l, $sec, $pin, $mode, $size, $f) = @$r;
		next unless $runs{"$sec|unix|$pin|$mode|$size"};
		print $h join("\t", $i++, "\"$l\"", dat(nratio($sec, 'unix', 'plain4', $pin, $mode, $size, 'eff')),
			dat(nratio($sec, 'accel4', 'plain4', $pin, $mode, $size, 'eff')),
			dat((nratio($sec, 'unix', 'plain4', $pin, $mode, $size, $f))[0], (nratio($sec, 'accel4', 'plain4', $pin, $mode, $size, $f))[0])), "\n";
	}
	close $h;
	open($h, '>', "$dir/chart-vars.gp") or die "chart-vars.gp: $!\n";
	printf $h "napps = %d; nrows = %d; nunix = %d\n", scalar @app_order, $nrows || 1, $i || 1;
	close $h;
}

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
