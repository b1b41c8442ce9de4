#!/bin/sh
#
# run.sh - `make bench`: run every benchmark, print a table and write
# docs/PERFORMANCE.md.
#
#	sh bench/run.sh [OUTPUT.md]
#
# Runs bench/postfix.sh (Postfix throughput, latency, memory), then
# bench/map.sh and bench/dryrun.sh when they exist, each with the build
# directory as argument (and top_srcdir, top_builddir in the
# environment); their output is kept as they print it.  Then checks the figures against the targets and writes OUTPUT.md
# (default docs/PERFORMANCE.md in the source tree).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
out=${1:-$top_srcdir/docs/PERFORMANCE.md}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/abuse-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$(date +%s)
load_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)
status=0

echo "== bench/postfix.sh"
# progress lines (stderr) go to the terminal as they come
if ! sh "$top_srcdir/bench/postfix.sh" "$tmp/postfix.res" >"$tmp/postfix.out"
then
	status=1
fi
cat "$tmp/postfix.out"
: >>"$tmp/postfix.res"

echo "== bench/transport.sh"
if ! sh "$top_srcdir/bench/transport.sh" >"$tmp/transport.out"; then
	status=1
	echo "(bench/transport.sh failed)" >>"$tmp/transport.out"
fi
cat "$tmp/transport.out"

for b in map dryrun; do
	: >"$tmp/$b.out"
	if [ -f "$top_srcdir/bench/$b.sh" ]; then
		echo "== bench/$b.sh"
		if ! sh "$top_srcdir/bench/$b.sh" "$top_builddir" >"$tmp/$b.out" \
		    2>"$tmp/$b.err"; then
			status=1
			cat "$tmp/$b.err" >&2
			echo "(bench/$b.sh failed)" >>"$tmp/$b.out"
		fi
		cat "$tmp/$b.out"
	fi
done
elapsed=$(($(date +%s) - start))
load_end=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)

# get KEY: a figure from bench/postfix.sh, "-" if not measured
get() {
	v=$(awk -F= -v k="$1" '$1 == k { v = $2 } END { print v }' "$tmp/postfix.res")
	echo "${v:--}"
}
# target NAME VALUE OP LIMIT: one line of the targets table
target() {
	if [ "$2" = - ]; then
		verdict="not measured"
	elif echo "$2 $4" | awk -v op="$3" '{ exit !(op == ">=" ? $1 >= $2 : $1 < $2) }'; then
		verdict=met
	else
		verdict=MISSED
	fi
	echo "| $1 | $2 | $3 $4 | $verdict |"
}
mb() {
	[ "$1" = - ] && { echo -; return; }
	echo "$1" | awk '{ printf "%.1f", $1 / 1024 }'
}

{
	echo "# Performance"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC');"
	echo "$(nproc 2>/dev/null || echo '?') CPUs ($(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')),"
	echo "$(postconf -h mail_version 2>/dev/null | sed 's/^/Postfix /'), the whole run took $elapsed s."
	echo "Load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end"
	echo "(anything else running on the machine shows in the figures, in the tails most)."
	echo
	echo "## Targets"
	echo
	echo "| figure | measured | target | |"
	echo "|---|---|---|---|"
	target "throughput c/b (abuse-milter / empty milter), ratio of the medians" "$(get ratio_c_b)" ">=" 0.95
	target "throughput c/b, median of the rounds' ratios" "$(get paired_c_b)" ">=" 0.95
	target "throughput c/a (abuse-milter / no milter), ratio of the medians" "$(get ratio_c_a)" ">=" 0.65
	target "throughput c/a, median of the rounds' ratios" "$(get paired_c_a)" ">=" 0.65
	target "p99 latency added at half saturation (ms)" "$(get latency_added_p99_ms)" "<" 5
	target "RSS at $(get concurrent_sessions) sessions, without the map (MiB)" "$(mb "$(get rss_concurrent_anon_kb)")" "<" 64
	echo
	echo "## Postfix (bench/postfix.sh)"
	echo
	echo "A private Postfix on loopback relays to smtp-sink; four smtpd"
	echo "listeners differ only in smtpd_milters: (a) none, (b) bench/empty_milter"
	echo "(reads recipients, headers and body, decides nothing; leanest protocol"
	echo "negotiation), (c) abuse-milter with the default rules and a map of"
	echo "$(get map_prefixes) prefixes that routes every message, (d) bench/empty_milter -r,"
	echo "which decides nothing either but makes the changes (c) makes to every"
	echo "message: it adds a recipient, removes the desk and adds a header.  smtp-source"
	echo "sends ~$(get fixture_bytes)-byte complaints (made from samples/) to abuse@provider.test"
	echo "over 20 sessions; the configurations are measured alternately (a b c d,"
	echo "then d c b a, ...) and the medians reported, as the ratio of the medians"
	echo "and as the median of each round's ratio.  A run lasts until the queue is"
	echo "empty.  Milters listen on UNIX-domain sockets; the instance lives on"
	echo "tmpfs, so the figures show what the milter adds rather than the disk's"
	echo "fsync latency."
	echo
	echo '```'
	cat "$tmp/postfix.out"
	echo '```'
	echo
	echo "Reading the figures:"
	echo
	echo "- c/d is what abuse-milter's logic costs (reading the complaint, the"
	echo "  rules, the map, the decision, the log line) over a milter that makes the"
	echo "  same changes and decides nothing: $(get paired_c_d) (median of the rounds)."
	echo "  d/b, $(get paired_d_b), is what the changes themselves cost over a milter"
	echo "  that makes none: Postfix's cleanup rewrites the queue file for every"
	echo "  added recipient, removed recipient and added header."
	echo "- The milters' CPU time per message, (b) $(get milter_cpu_us_b) us, (c)"
	echo "  $(get milter_cpu_us_c) us and (d) $(get milter_cpu_us_d) us: most of it is libmilter's"
	echo "  (a thread per connection, a poll and two reads per packet), which every"
	echo "  milter pays; the decision itself is in the dry-run figures below"
	echo "  (bench/dryrun.sh)."
	echo "- The throughput runs saturate both CPUs with Postfix, the milters,"
	echo "  smtp-source and smtp-sink together; on a shared machine the ratios move"
	echo "  by several percent from run to run."
	echo "- Milters listen on UNIX-domain sockets here; bench/transport.sh below"
	echo "  measures abuse-milter over TCP beside it (no delayed-ACK waits any"
	echo "  more: TCP_NODELAY and a reply to every step, milter.h; the targets are"
	echo "  TCP p50 within 1 ms of the UNIX socket's, one-session throughput"
	echo "  >= 0.9 and 20-session throughput >= 0.95 of the UNIX socket's)."
	echo
	echo "Raw figures:"
	echo
	echo '```'
	cat "$tmp/postfix.res"
	echo '```'
	for b in transport map dryrun; do
		[ -s "$tmp/$b.out" ] || continue
		echo
		echo "## bench/$b.sh"
		echo
		echo '```'
		cat "$tmp/$b.out"
		echo '```'
	done
} >"$tmp/PERFORMANCE.md"

if cp "$tmp/PERFORMANCE.md" "$out" 2>/dev/null; then
	echo "== wrote $out ($elapsed s)"
else
	echo "== cannot write $out; the report follows" >&2
	cat "$tmp/PERFORMANCE.md"
fi
exit $status
