#!/bin/sh
# bench/dryrun.sh - dry-run decisions per second on one core.
#
# usage: sh bench/dryrun.sh BUILDDIR [PREFIXES] [ROUNDS]
#	Build a synthetic map of PREFIXES (default 1000000) with
#	bench/bench_map, add the rows of the fixtures' own map
#	(t/fixtures/read/map.csv) so that their IPs are found, load it
#	with abuse-map, and decide every fixture complaint
#	(t/fixtures/read/*.eml) ROUNDS times (default 2000) with the
#	default rules in one thread with bench/bench_dryrun.
# Temporary files go under $TMPDIR (default /tmp) and are removed.
set -eu

if [ $# -lt 1 ]; then
	sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
build=$1
n=${2:-1000000}
rounds=${3:-2000}
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
for p in "$build/tools/abuse-map" "$build/bench/bench_map" \
    "$build/bench/bench_dryrun"; do
	if [ ! -x "$p" ]; then
		echo "dryrun.sh: $p is not built" >&2
		exit 1
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_dryrun.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

"$build/bench/bench_map" gen "$n" "$tmp/map.csv" >/dev/null
# the fixtures' prefixes (they are documentation addresses, which the
# synthetic map leaves out, so nothing overlaps)
sed 1d "$src/t/fixtures/read/map.csv" >>"$tmp/map.csv"
"$build/tools/abuse-map" load -q -m "$tmp/map" "$tmp/map.csv"
echo "map: $n synthetic prefixes + $(sed 1d "$src/t/fixtures/read/map.csv" | wc -l | tr -d ' ') fixture prefixes"
"$build/bench/bench_dryrun" -r "$src/rules/abuse.rules" -m "$tmp/map" \
    -n "$rounds" "$src"/t/fixtures/read/*.eml
