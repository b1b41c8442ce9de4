#!/bin/sh
#
# transport.sh - abuse-milter over a UNIX-domain socket against the same
# milter over TCP on loopback, side by side in one run.
#
#	sh bench/transport.sh [RESULTS]		(from the build directory)
#
# One private Postfix (t/lib/postfix.sh) relays to smtp-sink (no dumps)
# with three smtpd listeners: (a) no milter, (u) abuse-milter on a UNIX
# socket, (t) a second abuse-milter, same configuration and map, on
# 127.0.0.1.  Both milters route every message (samples/map.csv, the
# fixtures of bench/loadgen.py).  Measured, alternately u t / t u over
# $BENCH_REPEATS (5) rounds, medians reported:
#   - one SMTP session sending $BENCH_N1 (300) messages one after
#     another (t/lib/pfhelper.py session): messages per second, from the
#     connection to the last reply to "." (each reply to "." waits for the
#     milter's end of message);
#   - $BENCH_SESSIONS (20) concurrent clients (smtp-source -s 20), a
#     session per message, $BENCH_N (2000) messages: messages per second
#     until smtp-source ends;
#   - latency: a paced client ($BENCH_RATE, 20 messages/s, one message
#     per connection), connect to the reply to "."; p50 and p99 of (u)
#     and (t) minus those of (a).
# With BENCH_TRACE=FILE, a short one-session run over TCP is also
# captured with tcpdump on lo (the milter's port only) into FILE.
#
# Prints a table, and KEY=VALUE lines to RESULTS when given.  Needs root,
# Postfix, smtp-sink, smtp-source, python3 and the built abuse-milter.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
. "$top_srcdir/t/lib/postfix.sh"

: "${BENCH_N1:=300}"
: "${BENCH_N:=2000}"
: "${BENCH_SESSIONS:=20}"
: "${BENCH_REPEATS:=5}"
: "${BENCH_RATE:=20}"
: "${BENCH_LATENCY_N:=100}"
results=${1:-}
loadgen=$top_srcdir/bench/loadgen.py
desk=abuse@provider.test
from=reporter@reporter.test

BENCH_NAME=transport
. "$top_srcdir/bench/lib.sh"
result() {
	printf '%-28s %s\n' "$1" "$2"
	[ -n "$results" ] && echo "$1=$2" >>"$results"
	return 0
}

pf_require || die "$PF_WHY"
pf_programs
[ -n "$PF_MILTER" ] && [ -n "$PF_MAPTOOL" ] || die "abuse-milter is not built"
[ -n "$results" ] && : >"$results"

pf_setup || die "cannot make the instance directory"
"$PYTHON3" "$loadgen" fixtures "$top_srcdir/samples" "$PF_DIR/fixtures" 4096 \
    >"$PF_DIR/fixtures.list" || die "cannot make fixtures"
fixture=$(sed -n 1p "$PF_DIR/fixtures.list")
pf_map_load "$top_srcdir/samples/map.csv" || die "cannot load the map"

# (t): abuse-milter on TCP, started by hand beside pf_milter_start's.
PF_MILTER_INET=1 pf_milter_config LogLevel warning RateLimit none \
    SPFPolicy off StatsFile none PidFile -
milter_t=$PF_MILTER_SOCKET
tport=$PF_MILTER_PORT
cp "$PF_MILTER_CONF" "$PF_DIR/tcp.conf"
"$PF_MILTER" -f -c "$PF_DIR/tcp.conf" >"$PF_DIR/tcp.log" 2>&1 &
pf_bg_add $!
pf_wait_socket "$milter_t" 20 || die "abuse-milter on TCP does not start"
# (u): the same on a UNIX socket
PF_MILTER_INET="" pf_milter_config LogLevel warning RateLimit none \
    SPFPolicy off StatsFile none PidFile -
pf_milter_start || die "abuse-milter on a UNIX socket does not start"
milter_u=$PF_MILTER_SOCKET

pf_sink_start -n || die "smtp-sink does not start"
pf_init
pf_set max_use=1000
set -- $(pf_ports 2)
port_u=$1
port_t=$2
echo "127.0.0.1:$port_u inet n - n - $PF_SMTPD_MAXPROC smtpd -o smtpd_milters=$milter_u" \
    >>"$PF_CONF/master.cf"
echo "127.0.0.1:$port_t inet n - n - $PF_SMTPD_MAXPROC smtpd -o smtpd_milters=$milter_t" \
    >>"$PF_CONF/master.cf"
pf_start || die "Postfix does not start"
for p in "$PF_PORT" "$port_u" "$port_t"; do
	"$PYTHON3" "$PF_HELPER" wait-port 127.0.0.1 "$p" 10 ||
		die "no listener on $p"
done

port() {
	case $1 in
	a) echo "$PF_PORT" ;;
	u) echo "$port_u" ;;
	t) echo "$port_t" ;;
	esac
}

# script N: a pfhelper.py session script of N messages
script() {
	i=0
	while [ $i -lt "$1" ]; do
		printf '%s\t%s\t%s\n' "$desk" "$fixture" "bench-$i@transport"
		i=$((i + 1))
	done >"$PF_DIR/script.$1"
}

# run CONFIG SESSIONS N: messages per second; SESSIONS 1 is one SMTP
# session sending N messages, else smtp-source with SESSIONS clients.
run() {
	[ "$2" = 1 ] && [ ! -f "$PF_DIR/script.$3" ] && script "$3"
	t0=$(now)
	if [ "$2" = 1 ]; then
		"$PYTHON3" "$PF_HELPER" session 127.0.0.1 "$(port "$1")" \
		    "$from" "$PF_DIR/script.$3" >/dev/null ||
			say "session failed"
	else
		"$SMTP_SOURCE" -s "$2" -m "$3" -f "$from" -t "$desk" \
		    -F "$fixture" "127.0.0.1:$(port "$1")" ||
			say "smtp-source failed"
	fi
	t1=$(now)
	echo "$t0 $t1 $3" | awk '{ printf "%.1f", $3 / ($2 - $1) }'
	# drain between runs, outside the timing
	pf_wait 0 600 >/dev/null || say "queue not drained"
}


if [ -n "${BENCH_TRACE:-}" ] && command -v tcpdump >/dev/null 2>&1; then
	tcpdump -i lo -n -tt -s 200 -w "$BENCH_TRACE" "tcp port $tport" \
	    2>"$PF_DIR/tcpdump.err" &
	tpid=$!
	sleep 1
	run t 1 20 >/dev/null
	sleep 1
	kill "$tpid"
	wait "$tpid"
	say "trace of 20 messages in one session over TCP: $BENCH_TRACE"
fi

# warm up
for c in a u t; do
	run "$c" 1 50 >/dev/null
	run "$c" "$BENCH_SESSIONS" 200 >/dev/null
done

: >"$PF_DIR/one"
: >"$PF_DIR/many"
r=1
while [ $r -le "$BENCH_REPEATS" ]; do
	order="a u t"
	[ $((r % 2)) = 0 ] && order="t u a"
	for c in $order; do
		echo "$c $(run "$c" 1 "$BENCH_N1")" >>"$PF_DIR/one"
		echo "$c $(run "$c" "$BENCH_SESSIONS" "$BENCH_N")" >>"$PF_DIR/many"
	done
	r=$((r + 1))
done

# latency: slices of a, u, t in turn, pooled
for c in a u t; do
	: >"$PF_DIR/lat.$c"
done
r=1
while [ $r -le "$BENCH_REPEATS" ]; do
	for c in a u t; do
		"$PYTHON3" "$loadgen" latency --raw "$PF_DIR/lat.$c" 127.0.0.1 \
		    "$(port "$c")" "$BENCH_RATE" "$BENCH_LATENCY_N" 4 \
		    "$from" "$desk" "$fixture" >/dev/null
	done
	r=$((r + 1))
done

for c in a u t; do
	one=$(awk -v c=$c '$1 == c { print $2 }' "$PF_DIR/one" | median)
	many=$(awk -v c=$c '$1 == c { print $2 }' "$PF_DIR/many" | median)
	result "one_session_msg_s_$c" "$one"
	result "sessions${BENCH_SESSIONS}_msg_s_$c" "$many"
	eval "one_$c=$one many_$c=$many"
	eval "p50_$c=$(pct "$PF_DIR/lat.$c" 0.50) p99_$c=$(pct "$PF_DIR/lat.$c" 0.99)"
done
result one_session_t_over_u "$(echo "$one_t $one_u" | awk '{ printf "%.2f", $1 / $2 }')"
result sessions_t_over_u "$(echo "$many_t $many_u" | awk '{ printf "%.2f", $1 / $2 }')"
for c in u t; do
	eval "p50=\$p50_$c p99=\$p99_$c"
	result "latency_p50_added_ms_$c" "$(echo "$p50 $p50_a" | awk '{ printf "%.2f", $1 - $2 }')"
	result "latency_p99_added_ms_$c" "$(echo "$p99 $p99_a" | awk '{ printf "%.2f", $1 - $2 }')"
done
result latency_p50_t_minus_u_ms "$(echo "$p50_t $p50_u" | awk '{ printf "%.2f", $1 - $2 }')"
