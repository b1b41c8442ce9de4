#!/bin/sh
#
# postfix.sh - what abuse-milter costs a real Postfix: throughput,
# added latency and the milter's memory.
#
#	sh bench/postfix.sh [RESULTS]		(make bench runs it)
#
# One private Postfix instance (t/lib/postfix.sh) on loopback relays to
# smtp-sink (no dumps), with three smtpd listeners that differ only in
# smtpd_milters:
#   (a) no milter,
#   (b) bench/empty_milter: receives recipients, headers and body and
#       decides nothing, with the leanest protocol negotiation,
#   (c) abuse-milter with the default rules and a map of $BENCH_PREFIXES
#       (1,000,000) /28 prefixes that routes every message,
#   (d) bench/empty_milter -r: decides nothing but makes the changes (c)
#       makes to every message (add a recipient, remove the desk, add a
#       header), so that c/d is the cost of abuse-milter's logic alone
#       and d/b that of the changes, which falls mostly on Postfix.
# Messages are ~4 KiB complaints made from samples/ (bench/loadgen.py),
# sent by smtp-source to abuse@provider.test, one fixture per client,
# $BENCH_SESSIONS (20) sessions in all.
#
# Throughput: the configurations are measured alternately, a b c d,
# d c b a, a b c d, ..., $BENCH_REPEATS (7) rounds, $BENCH_N (2000) messages a run;
# a run lasts from the first connection until the queue is empty (every
# message delivered to the sink).  The medians are reported, with c/a and
# c/b; and, since the machine's speed drifts between rounds, the median
# over the rounds of each round's c/b, c/a and c/d (the runs of one round
# follow each other within seconds).
# Latency: at half of (c)'s saturation rate, a paced client measures each
# message from connect to the reply to "."; it runs in slices of
# $BENCH_LATENCY_SLICE (2) seconds, (a), (b), (c) in turn,
# $BENCH_LATENCY_SLICES (15) times, and the latencies of each
# configuration are pooled: p50 and p99 of (c) minus those of (a) are the
# latency the milter adds.
# Memory: the milter's RSS idle, at its peak under 200 concurrent SMTP
# sessions, and after $BENCH_SOAK (100,000) messages; "anon" is the RSS
# without file-backed pages, that is without the memory-mapped map.
#
# Prints a table, and KEY=VALUE lines to RESULTS when given.  Needs root,
# Postfix, smtp-sink, smtp-source and python3; (b) needs
# bench/empty_milter (make bench/empty_milter), (c) the built
# abuse-milter and abuse-map; a configuration that cannot run is left out.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
. "$top_srcdir/t/lib/postfix.sh"

: "${BENCH_N:=2000}"
: "${BENCH_REPEATS:=7}"
: "${BENCH_SESSIONS:=20}"
: "${BENCH_PREFIXES:=1000000}"
: "${BENCH_SOAK:=100000}"
: "${BENCH_CONCURRENT:=200}"
: "${BENCH_LATENCY_SLICE:=2}"
: "${BENCH_LATENCY_SLICES:=15}"
results=${1:-}
loadgen=$top_srcdir/bench/loadgen.py
from=complainant@reporter.test
desk=abuse@provider.test

BENCH_NAME=bench
. "$top_srcdir/bench/lib.sh"
# result KEY VALUE: remember a figure
result() {
	echo "$1=$2" >>"$PF_DIR/results"
}

# The instance lives on tmpfs when there is one: the benchmark measures
# what the milter adds, not the disk's fsync latency.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
pf_require || die "cannot run: $PF_WHY"
[ -x "$SMTP_SOURCE" ] || die "cannot run: smtp-source not installed"
pf_programs
PF_SMTPD_MAXPROC=$((BENCH_CONCURRENT + 50))
pf_setup || die "cannot make the instance directory"
: >"$PF_DIR/results"

configs=a
empty=$top_builddir/bench/empty_milter
if [ -x "$empty" ]; then
	configs="$configs b"
else
	say "no $empty: configuration (b) left out"
fi
if [ -n "$PF_MILTER" ] && [ -n "$PF_MAPTOOL" ] && [ -f "$PF_RULES" ]; then
	configs="$configs c"
else
	say "abuse-milter or abuse-map not built: configuration (c) left out"
fi
[ -x "$empty" ] && configs="$configs d"

# Inputs.
"$PYTHON3" "$loadgen" fixtures "$top_srcdir/samples" "$PF_DIR/fixtures" 4096 \
    >"$PF_DIR/fixtures.list" || die "cannot make fixtures"
nfix=$(wc -l <"$PF_DIR/fixtures.list" | tr -d ' ')
result fixture_bytes "$(cat $(cat "$PF_DIR/fixtures.list") | wc -c |
    awk -v n="$nfix" '{ printf "%d", $1 / n }')"

ports=$(pf_ports 3)
port_b=$(echo "$ports" | sed -n 1p)
port_c=$(echo "$ports" | sed -n 2p)
port_d=$(echo "$ports" | sed -n 3p)

# (b) the empty milter.
milter_b=""
milter_d=""
if [ -x "$empty" ]; then
	# umask 0: smtpd (user postfix) must be able to connect
	(umask 0; exec "$empty" -p "local:$PF_DIR/empty_milter.sock") \
	    2>"$PF_DIR/empty_milter.log" &
	empty_pid=$!
	pf_bg_add "$empty_pid"
	milter_b="unix:$PF_DIR/empty_milter.sock"
	pf_wait_socket "$milter_b" 10 || die "empty_milter does not start"
	# (d) the same, making (c)'s changes
	(umask 0; exec "$empty" -r noc@routed.example \
	    -p "local:$PF_DIR/route_milter.sock") \
	    2>"$PF_DIR/route_milter.log" &
	route_pid=$!
	pf_bg_add "$route_pid"
	milter_d="unix:$PF_DIR/route_milter.sock"
	pf_wait_socket "$milter_d" 10 || die "empty_milter -r does not start"
fi

# (c) abuse-milter and its map.
milter_c=""
case " $configs " in
*" c "*)
	say "building a map of $BENCH_PREFIXES prefixes"
	"$PYTHON3" "$loadgen" map "$BENCH_PREFIXES" "$PF_DIR/bigmap.csv" ||
		die "cannot write the map source"
	t0=$(now)
	pf_map_load "$PF_DIR/bigmap.csv" || die "cannot load the map"
	t1=$(now)
	result map_prefixes "$BENCH_PREFIXES"
	result map_load_s "$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')"
	result map_disk_mb "$(du -sk "$PF_DIR/map" | awk '{ printf "%.0f", $1 / 1024 }')"
	rm -f "$PF_DIR/bigmap.csv"
	pf_milter_config LogLevel notice RateLimit none SPFPolicy off \
	    StatsFile none
	pf_milter_start || die "abuse-milter does not start"
	milter_c=$(pf_milter_socket)
	;;
esac

pf_sink_start -n || die "smtp-sink does not start"
pf_init
# fewer smtpd restarts (default 100 sessions each): less noise in the tails
pf_set max_use=1000
if [ -n "$milter_b" ]; then
	echo "127.0.0.1:$port_b inet n - n - $PF_SMTPD_MAXPROC smtpd -o smtpd_milters=$milter_b" \
	    >>"$PF_CONF/master.cf"
fi
if [ -n "$milter_c" ]; then
	echo "127.0.0.1:$port_c inet n - n - $PF_SMTPD_MAXPROC smtpd -o smtpd_milters=$milter_c" \
	    >>"$PF_CONF/master.cf"
fi
if [ -n "$milter_b" ]; then
	echo "127.0.0.1:$port_d inet n - n - $PF_SMTPD_MAXPROC smtpd -o smtpd_milters=$milter_d" \
	    >>"$PF_CONF/master.cf"
fi
pf_start || die "Postfix does not start"

# port CONFIG: the smtpd port of a configuration
port() {
	case $1 in
	a) echo "$PF_PORT" ;;
	b) echo "$port_b" ;;
	c) echo "$port_c" ;;
	d) echo "$port_d" ;;
	esac
}

# rss KIND: the milter's resident memory in KiB (KIND: VmRSS or RssAnon)
rss() {
	awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PF_MILTER_PID/status"
}

for c in $configs; do
	"$PYTHON3" "$PF_HELPER" wait-port 127.0.0.1 "$(port "$c")" 10 ||
		die "no listener for ($c)"
done

if [ -n "$milter_c" ]; then
	sleep 1
	result rss_idle_kb "$(rss VmRSS)"
	result rss_idle_anon_kb "$(rss RssAnon)"
fi

# sent_add CONFIG N: count N messages sent through a configuration
sent_add() {
	echo "$1 $2" >>"$PF_DIR/sent"
}
# sent CONFIG: the messages sent through a configuration so far
sent() {
	awk -v c="$1" '$1 == c { n += $2 } END { print n + 0 }' "$PF_DIR/sent" 2>/dev/null
}

# blast CONFIG N: send N messages with $BENCH_SESSIONS sessions over
# the fixtures; print the seconds until all were delivered.
blast() {
	per=$(($2 / nfix))
	sess=$((BENCH_SESSIONS / nfix))
	[ "$sess" -ge 1 ] || sess=1
	t0=$(now)
	pids=""
	while read -r fx; do
		"$SMTP_SOURCE" -s "$sess" -m "$per" -f "$from" -t "$desk" \
		    -F "$fx" "127.0.0.1:$(port "$1")" &
		pids="$pids $!"
	done <"$PF_DIR/fixtures.list"
	for p in $pids; do
		wait "$p" || say "smtp-source failed"
	done
	sent_add "$1" $((per * nfix))
	pf_wait 0 600 || say "queue not drained"
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }'
}

delivered() {
	grep -c ' status=sent ' "$PF_LOG" 2>/dev/null || echo 0
}

# cputicks CONFIG: CPU time (clock ticks) used so far by its milter
cputicks() {
	case $1 in
	b) p=$empty_pid ;;
	c) p=$PF_MILTER_PID ;;
	d) p=$route_pid ;;
	*) echo 0; return ;;
	esac
	awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0
}

# Warm up every configuration.
for c in $configs; do
	blast "$c" 400 >/dev/null
done
through_c=$(delivered)

# Throughput, alternating; every other round in the reverse order, so
# that no configuration always runs just after the same one.
rconfigs=$(echo $configs | tr ' ' '\n' | sort -r | tr '\n' ' ')
r=1
while [ $r -le "$BENCH_REPEATS" ]; do
	order=$configs
	[ $((r % 2)) = 0 ] && order=$rconfigs
	for c in $order; do
		p0=$(cputicks "$c")
		s=$(blast "$c" "$BENCH_N")
		echo "$c $(($(cputicks "$c") - p0))" >>"$PF_DIR/cpu"
		rate=$(echo "$s" | awk -v n="$BENCH_N" '{ printf "%.1f", n / $1 }')
		say "run $r ($c): $BENCH_N messages in $s s: $rate msg/s"
		echo "$c $rate" >>"$PF_DIR/rates"
		echo "$r $c $rate" >>"$PF_DIR/rounds"
	done
	r=$((r + 1))
done
# the rates of one configuration
rates() {
	awk -v c="$1" '$1 == c { print $2 }' "$PF_DIR/rates"
}
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
for c in $configs; do
	result "rate_$c" "$(rates "$c" | median 1)"
	[ "$c" = a ] && continue
	# the milter's CPU time per message over the throughput runs
	result "milter_cpu_us_$c" "$(awk -v c="$c" -v hz="$hz" \
	    -v n="$((BENCH_N * BENCH_REPEATS))" '$1 == c { t += $2 }
	    END { printf "%.0f", t * 1000000 / hz / n }' "$PF_DIR/cpu")"
done
ratio() {
	echo "$1 $2" | awk '{ if ($2 > 0) printf "%.3f", $1 / $2 }'
}
# paired X Y: the median over the rounds of each round's rate X / rate Y
paired() {
	awk -v x="$1" -v y="$2" '$2 == x { vx[$1] = $3 } $2 == y { vy[$1] = $3 }
	    END { for (r in vx) if (vy[r] > 0) print vx[r] / vy[r] }' \
	    "$PF_DIR/rounds" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit;
		if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
		else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rate_a=$(rates a | median 1)
if [ -n "$milter_b" ]; then
	rate_b=$(rates b | median 1)
fi
if [ -n "$milter_c" ]; then
	rate_c=$(rates c | median 1)
	result ratio_c_a "$(ratio "$rate_c" "$rate_a")"
	result paired_c_a "$(paired c a)"
	if [ -n "$milter_b" ]; then
		result ratio_c_b "$(ratio "$rate_c" "$rate_b")"
		result paired_c_b "$(paired c b)"
		result ratio_c_d "$(ratio "$rate_c" "$(rates d | median 1)")"
		result paired_c_d "$(paired c d)"
	fi
fi
if [ -n "$milter_b" ]; then
	result ratio_b_a "$(ratio "$rate_b" "$rate_a")"
	result ratio_d_b "$(ratio "$(rates d | median 1)" "$rate_b")"
	result paired_d_b "$(paired d b)"
fi

# Latency at half saturation: (a) and (c), or (a) and (b) without (c).
lat_cfg=""
if [ -n "$milter_c" ]; then
	lat_cfg=c
elif [ -n "$milter_b" ]; then
	lat_cfg=b
fi
if [ -n "$lat_cfg" ]; then
	sat=$(rates "$lat_cfg" | median 1)
	half=$(echo "$sat" | awk '{ printf "%.0f", $1 / 2 }')
	count=$((half * BENCH_LATENCY_SLICE))
	result latency_rate "$half"
	result latency_config "$lat_cfg"
	# with (c), (b) is measured too, for comparison
	lat_more=""
	[ "$lat_cfg" = c ] && [ -n "$milter_b" ] && lat_more=b
	# Short slices, the configurations in turn, so that whatever else
	# the machine does falls on all of them alike; the latencies of all
	# slices of a configuration are pooled.
	r=1
	while [ $r -le "$BENCH_LATENCY_SLICES" ]; do
		for c in a $lat_more "$lat_cfg"; do
			"$PYTHON3" "$loadgen" latency --raw "$PF_DIR/lat.$c" \
			    127.0.0.1 "$(port "$c")" "$half" "$count" 32 \
			    "$from" "$desk" $(cat "$PF_DIR/fixtures.list") \
			    >"$PF_DIR/lat.out"
			sent_add "$c" "$(tr ' ' '\n' <"$PF_DIR/lat.out" |
			    awk -F= '$1 == "sent" { print $2 }')"
			pf_wait 0 120 >/dev/null
		done
		r=$((r + 1))
	done
	for c in a $lat_more "$lat_cfg"; do
		result "latency_${c}_n" "$(wc -l <"$PF_DIR/lat.$c" | tr -d ' ')"
		say "latency ($c) at $half msg/s: p50 $(pct "$PF_DIR/lat.$c" 0.5) p90 $(pct "$PF_DIR/lat.$c" 0.9) p99 $(pct "$PF_DIR/lat.$c" 0.99) ms"
	done
	for k in 50 99; do
		a=$(pct "$PF_DIR/lat.a" 0.$k)
		x=$(pct "$PF_DIR/lat.$lat_cfg" 0.$k)
		result "latency_a_p${k}_ms" "$a"
		result "latency_${lat_cfg}_p${k}_ms" "$x"
		result "latency_added_p${k}_ms" "$(echo "$a $x" |
		    awk '{ printf "%.2f", $2 - $1 }')"
		if [ -n "$lat_more" ]; then
			b=$(pct "$PF_DIR/lat.b" 0.$k)
			result "latency_b_p${k}_ms" "$b"
			result "latency_added_b_p${k}_ms" "$(echo "$a $b" |
			    awk '{ printf "%.2f", $2 - $1 }')"
		fi
	done
fi

# Memory of abuse-milter under concurrent sessions, then after the soak.
if [ -n "$milter_c" ]; then
	# Each session sends 10 messages a second apart and stays open:
	# Postfix starts smtpd processes (each with its own milter
	# connection) gradually, so all of them are up only after a while.
	per=$((BENCH_CONCURRENT * 10))
	"$SMTP_SOURCE" -d -s "$BENCH_CONCURRENT" -m "$per" -w 1 -f "$from" \
	    -t "$desk" -F "$(head -n 1 "$PF_DIR/fixtures.list")" \
	    "127.0.0.1:$port_c" &
	src=$!
	pf_bg_add "$src"
	peak=0
	peak_anon=0
	conns=0
	threads=0
	while kill -0 "$src" 2>/dev/null; do
		v=$(rss VmRSS)
		a=$(rss RssAnon)
		n=$(ls -l "/proc/$PF_MILTER_PID/fd" 2>/dev/null | grep -c 'socket:')
		t=$(ls "/proc/$PF_MILTER_PID/task" 2>/dev/null | wc -l)
		[ "${v:-0}" -gt "$peak" ] && peak=$v
		[ "${a:-0}" -gt "$peak_anon" ] && peak_anon=$a
		[ "$n" -gt "$conns" ] && conns=$n
		[ "$t" -gt "$threads" ] && threads=$t
		sleep 0.25
	done
	wait "$src"
	sent_add c "$per"
	pf_wait 0 120 >/dev/null
	result concurrent_sessions "$BENCH_CONCURRENT"
	# sockets: the milter connections and the listening socket
	result concurrent_milter_connections_max "$((conns - 1))"
	result concurrent_threads_max "$threads"
	result rss_concurrent_kb "$peak"
	result rss_concurrent_anon_kb "$peak_anon"

	left=$((BENCH_SOAK - $(sent c)))
	if [ "$left" -gt 0 ]; then
		say "soak: $left more messages through (c)"
		blast c "$left" >/dev/null
	fi
	sleep 1
	result soak_messages "$BENCH_SOAK"
	result rss_soak_kb "$(rss VmRSS)"
	result rss_soak_anon_kb "$(rss RssAnon)"
	kill -0 "$PF_MILTER_PID" 2>/dev/null && result milter_alive yes ||
		result milter_alive no
fi
result delivered_total "$(delivered)"
# Every message sent to (c) must have been routed: count deliveries to a
# customer (abuse@cNNNNNN.example) against those sent through (c).
if [ -n "$milter_c" ]; then
	result c_routed "$(grep ' status=sent ' "$PF_LOG" |
	    grep -c 'to=<abuse@c[0-9]*\.example>')"
	result c_sent "$(sent c)"
fi
if [ -n "$milter_d" ]; then
	result d_routed "$(grep ' status=sent ' "$PF_LOG" |
	    grep -c 'to=<noc@routed\.example>')"
	result d_sent "$(sent d)"
fi
result configs "$(echo $configs | tr -d ' ')"

# The table.
# get KEY: a figure, "-" if not measured
get() {
	v=$(awk -F= -v k="$1" '$1 == k { v = $2 } END { print v }' "$PF_DIR/results")
	echo "${v:--}"
}
kb2mb() {
	[ "$1" = - ] && { echo -; return; }
	echo "$1" | awk '{ printf "%.1f", $1 / 1024 }'
}
{
	echo "Postfix throughput (msgs/s, median of $BENCH_REPEATS runs of $BENCH_N, $BENCH_SESSIONS sessions, ~$(get fixture_bytes) B messages)"
	echo "  (a) no milter            $(get rate_a)"
	echo "  (b) empty milter         $(get rate_b)"
	echo "  (c) abuse-milter         $(get rate_c)   ($(get map_prefixes) prefixes, every message routed)"
	echo "  (d) empty milter making (c)'s changes  $(get rate_d)"
	echo "  ratios of the medians:   c/a $(get ratio_c_a)   c/b $(get ratio_c_b)   b/a $(get ratio_b_a)   c/d $(get ratio_c_d)   d/b $(get ratio_d_b)"
	echo "  medians of the rounds' ratios: c/a $(get paired_c_a)   c/b $(get paired_c_b)   c/d $(get paired_c_d)   d/b $(get paired_d_b)"
	echo "  milter CPU per message: (b) $(get milter_cpu_us_b) us  (c) $(get milter_cpu_us_c) us  (d) $(get milter_cpu_us_d) us"
	echo "Latency at half saturation ($(get latency_rate) msg/s), connect to 250 after DATA, $(get latency_a_n) messages each"
	echo "  (a) p50 $(get latency_a_p50_ms) ms  p99 $(get latency_a_p99_ms) ms"
	lc=$(get latency_config)
	[ "$lc" = c ] && [ "$(get latency_b_p50_ms)" != - ] &&
		echo "  (b) p50 $(get latency_b_p50_ms) ms  p99 $(get latency_b_p99_ms) ms   (added over (a): p50 $(get latency_added_b_p50_ms) ms  p99 $(get latency_added_b_p99_ms) ms)"
	echo "  ($lc) p50 $(get "latency_${lc}_p50_ms") ms  p99 $(get "latency_${lc}_p99_ms") ms"
	echo "  added by ($lc) over (a): p50 $(get latency_added_p50_ms) ms  p99 $(get latency_added_p99_ms) ms"
	echo "abuse-milter memory (MiB; anon = without the mapped map)"
	echo "  idle                     RSS $(kb2mb "$(get rss_idle_kb)")  anon $(kb2mb "$(get rss_idle_anon_kb)")"
	echo "  $(get concurrent_sessions) concurrent sessions  RSS $(kb2mb "$(get rss_concurrent_kb)")  anon $(kb2mb "$(get rss_concurrent_anon_kb)")  (peak: $(get concurrent_milter_connections_max) milter connections, $(get concurrent_threads_max) threads)"
	echo "  after $(get soak_messages) messages  RSS $(kb2mb "$(get rss_soak_kb)")  anon $(kb2mb "$(get rss_soak_anon_kb)")"
	echo "Map: $(get map_prefixes) prefixes loaded in $(get map_load_s) s, $(get map_disk_mb) MiB on disk"
	echo "Routed by (c): $(get c_routed) of $(get c_sent) messages sent through it"
	echo "Rerouted by (d): $(get d_routed) of $(get d_sent) messages sent through it"
} | tee "$PF_DIR/table"
[ -n "$results" ] && cat "$PF_DIR/results" >"$results"
exit 0
