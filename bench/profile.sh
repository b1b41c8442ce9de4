#!/bin/sh
#
# profile.sh - where the CPU goes when Postfix runs a milter: the empty
# milter (b) against abuse-milter (c), sampled with perf's cpu-clock event
# (no hardware counters needed), system-wide, while smtp-source sends the
# same complaints through each.
#
#	sh bench/profile.sh [MESSAGES_PER_FIXTURE]	(from the build directory)
#
# Prints, per configuration, the wall time and the samples per process
# (cleanup, smtpd, the milter, ...), then the milter's samples per shared
# object; at 2000 Hz a sample is 0.5 ms.  The perf data stay in the
# instance directory's place given at the end.  Needs root, Postfix,
# smtp-source, python3, perf, and bench/empty_milter built.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
. "$top_srcdir/t/lib/postfix.sh"

per=${1:-600}
out=$(mktemp -d "${TMPDIR:-/tmp}/abuse-profile.XXXXXX") || exit 1
command -v perf >/dev/null || { echo "profile: perf not installed" >&2; exit 1; }
pf_require || { echo "profile: $PF_WHY" >&2; exit 1; }
pf_setup && pf_programs || exit 1
"$PYTHON3" "$top_srcdir/bench/loadgen.py" fixtures "$top_srcdir/samples" \
    "$PF_DIR/fixtures" 4096 >"$PF_DIR/fixtures.list" || exit 1
nfix=$(wc -l <"$PF_DIR/fixtures.list" | tr -d ' ')
ports=$(pf_ports 2)
port_b=$(echo "$ports" | sed -n 1p)
port_c=$(echo "$ports" | sed -n 2p)
(umask 0; exec "$top_builddir/bench/empty_milter" \
    -p "local:$PF_DIR/empty_milter.sock") 2>/dev/null &
pf_bg_add $!
pf_wait_socket "unix:$PF_DIR/empty_milter.sock" 10 || exit 1
"$PYTHON3" "$top_srcdir/bench/loadgen.py" map 100000 "$PF_DIR/map.csv" &&
    pf_map_load "$PF_DIR/map.csv" || exit 1
pf_milter_config LogLevel notice RateLimit none SPFPolicy off StatsFile none
pf_milter_start || exit 1
pf_sink_start -n || exit 1
pf_init
pf_set max_use=1000
for x in "b $port_b unix:$PF_DIR/empty_milter.sock" \
    "c $port_c $(pf_milter_socket)"; do
	set -- $x
	echo "127.0.0.1:$2 inet n - n - $PF_SMTPD_MAXPROC smtpd -o smtpd_milters=$3" \
	    >>"$PF_CONF/master.cf"
done
pf_start || exit 1
sleep 1

# blast PORT: every fixture, $per times, 4 sessions each; until delivered
blast() {
	pids=""
	while read -r fx; do
		"$SMTP_SOURCE" -s 4 -m "$per" -f c@reporter.test \
		    -t abuse@provider.test -F "$fx" "127.0.0.1:$1" &
		pids="$pids $!"
	done <"$PF_DIR/fixtures.list"
	for p in $pids; do
		wait "$p"
	done
	pf_wait 0 600
}

blast "$port_b"
blast "$port_c"
for c in b c; do
	if [ $c = b ]; then p=$port_b; m=empty_milter; else p=$port_c; m=abuse-milter; fi
	perf record -q -e cpu-clock -F 2000 -a -o "$out/perf.$c.data" \
	    >/dev/null 2>&1 &
	pp=$!
	sleep 0.5
	t0=$(date +%s.%N)
	blast "$p"
	t1=$(date +%s.%N)
	kill -INT "$pp"
	wait "$pp"
	echo "($c) $((per * nfix)) messages in $(echo "$t0 $t1" |
	    awk '{ printf "%.2f", $2 - $1 }') s; samples per process:"
	perf report -i "$out/perf.$c.data" --sort comm --stdio -n 2>/dev/null |
	    grep '%' | head -8
	echo "($c) $m samples per shared object:"
	perf report -i "$out/perf.$c.data" --comm "$m" --sort dso --stdio \
	    -n 2>/dev/null | grep '%'
done
echo "perf data: $out"
