#!/bin/sh
# bench/history.sh - what a history load costs beside a plain load.
#
# usage: sh bench/history.sh BUILDDIR [PREFIXES] [RUNS]
#	Generate the synthetic map of bench/map.sh (PREFIXES, default
#	1000000) as yesterday's export, and today's export with 1% of its
#	rows given to other customers.  Then, RUNS times (default 3), side
#	by side: a plain `abuse-map load` of today's export into a fresh
#	directory, and `abuse-map load --history --as-of` of it into a copy
#	of the directory that holds yesterday's (loaded with --history, not
#	timed).  Reports the median seconds of each and their ratio
#	(target: history <= 1.5 x plain), and what the last history load did.
#
# BUILDDIR is the build tree (with tools/abuse-map and bench/bench_map).
# Temporary files go under $TMPDIR (default /tmp) and are removed.
set -eu

if [ $# -lt 1 ]; then
	sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
BENCH_NAME=history.sh
. "$(dirname "$0")/lib.sh"
build=$1
n=${2:-1000000}
runs=${3:-3}
tool="$build/tools/abuse-map"
bench="$build/bench/bench_map"
for p in "$tool" "$bench"; do
	[ -x "$p" ] || die "$p is not built (make -C $build all bench/bench_map)"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_history.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# field NAME LINE: the value after NAME in a "name value ..." line
field() {
	echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

echo "== history load benchmark: $n prefixes, 1% changed ($(uname -m), $(nproc 2>/dev/null || echo ?) CPUs)"
"$bench" gen "$n" "$tmp/day1.csv"
# Every 100th row without its own validity goes to another customer.
awk -F, 'BEGIN { OFS = "," }
    NR > 2 && $4 == "" && $5 == "" && ++k % 100 == 0 {
	$2 = "moved" k; $3 = "abuse@moved" k ".example"; c++ }
    { print }
    END { print c > "/dev/stderr" }' "$tmp/day1.csv" > "$tmp/day2.csv" 2> "$tmp/changed"
rows=$(grep -vc -e '^#' -e '^prefix,' "$tmp/day2.csv" || true)
echo "source: $rows rows, $(cat "$tmp/changed") given to another customer"
"$tool" load -q -m "$tmp/base" --history --as-of 2025-01-01 "$tmp/day1.csv" ||
	die "the first export does not load"

: > "$tmp/plain.s"
: > "$tmp/hist.s"
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	rm -rf "$tmp/plain" "$tmp/hist"
	cp -a "$tmp/base" "$tmp/hist"
	out=$("$bench" run "$tool" load -q -m "$tmp/plain" "$tmp/day2.csv")
	[ "$(field status "$out")" = 0 ] || die "plain load failed"
	field seconds "$out" >> "$tmp/plain.s"
	out=$("$bench" run "$tool" load -q -m "$tmp/hist" --history \
	    --as-of 2025-01-02 "$tmp/day2.csv")
	[ "$(field status "$out")" = 0 ] || die "history load failed"
	field seconds "$out" >> "$tmp/hist.s"
	echo "run $i: plain $(tail -1 "$tmp/plain.s") s, history $(tail -1 "$tmp/hist.s") s"
done
rm -rf "$tmp/hist"
cp -a "$tmp/base" "$tmp/hist"
"$tool" load -m "$tmp/hist" --history --as-of 2025-01-02 "$tmp/day2.csv"
ps=$(median 3 < "$tmp/plain.s")
hs=$(median 3 < "$tmp/hist.s")
echo "summary: plain load ${ps} s, history load ${hs} s, ratio $(awk -v a="$hs" -v b="$ps" 'BEGIN { printf "%.2f", a / b }') (target <= 1.5)"
