#!/bin/sh
# bench/map.sh - benchmark of the IP map (abuse-map load and lookups).
#
# usage: sh bench/map.sh BUILDDIR [PREFIXES]
#	Generate a synthetic map shaped like a routing table (PREFIXES,
#	default 1000000: 90% IPv4, mostly /24 under /8../23, 10% IPv6
#	/32../64, some split in time or by ports), then report:
#	  - abuse-map load: seconds and peak RSS, and the ratio to mdb_load(1)
#	    loading the same number of records into a fresh environment;
#	  - lookups per second (single thread, random addresses, half hits,
#	    half misses) and the ratio to raw mdb_get of existing keys in the
#	    same environment;
#	  - span lookups per second (the holders of the same addresses over
#	    a window of five years) and what one costs in plain lookups.
# usage: sh bench/map.sh --big BUILDDIR [PREFIXES]
#	Only check that a map of PREFIXES (default 10000000) loads, and
#	report its time, peak RSS and size.
#
# BUILDDIR is the build tree (with tools/abuse-map and bench/bench_map).
# Temporary files go under $TMPDIR (default /tmp) and are removed.
# Set MDB_LOAD to the mdb_load program if it is not on the PATH.
set -eu

big=0
if [ "${1:-}" = --big ]; then
	big=1
	shift
fi
if [ $# -lt 1 ]; then
	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
build=$1
n=${2:-}
[ -n "$n" ] || { [ $big = 1 ] && n=10000000 || n=1000000; }
tool="$build/tools/abuse-map"
bench="$build/bench/bench_map"
for p in "$tool" "$bench"; do
	if [ ! -x "$p" ]; then
		echo "map.sh: $p is not built (make -C $build all bench/bench_map)" >&2
		exit 1
	fi
done
mdb_load=${MDB_LOAD:-$(command -v mdb_load || true)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_map.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# field NAME LINE: the value after NAME in a "name value ..." line
field() {
	echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

echo "== IP map benchmark: $n prefixes ($(uname -m), $(nproc 2>/dev/null || echo ?) CPUs)"
"$bench" gen "$n" "$tmp/map.csv"
rows=$(grep -vc -e '^#' -e '^prefix,' "$tmp/map.csv" || true)
echo "source: $rows rows, $(wc -c < "$tmp/map.csv") bytes"

out=$("$bench" run "$tool" load -m "$tmp/map" "$tmp/map.csv")
echo "$out" | grep -v '^seconds' || true
st=$(field status "$out")
if [ "$st" != 0 ]; then
	echo "abuse-map load failed (status $st)" >&2
	exit 1
fi
ls=$(field seconds "$out")
lrss=$(field maxrss_kb "$out")
size=$(du -k "$tmp/map" | awk 'END { print $1 }')
"$tool" stat -m "$tmp/map" > "$tmp/stat"
ranges=$(awk '$1 == "ranges" { print $2 }' "$tmp/stat")
recs=$(awk '$1 == "chunks" { print $2 + 2 }' "$tmp/stat")
echo "abuse-map load: ${ls} s, peak RSS $((lrss / 1024)) MB, map ${size} KB on disk, $ranges address ranges in $recs LMDB records"

if [ $big = 1 ]; then
	# The map must be in service and answer for its first and last rows.
	first=$(grep -v -e '^#' -e '^prefix,' "$tmp/map.csv" | head -1 | cut -d/ -f1)
	last=$(tail -1 "$tmp/map.csv" | cut -d/ -f1)
	"$tool" lookup -m "$tmp/map" "$first" "$last" > "$tmp/big.out"
	if [ "$(grep -c -v -e 'not found' -e error "$tmp/big.out")" -ne 2 ] ||
	    [ "${ranges:-0}" -lt "$n" ]; then
		cat "$tmp/big.out"
		echo "big load: FAILED"
		exit 1
	fi
	echo "big load: OK ($rows rows, $ranges ranges, lookups answer)"
	exit 0
fi

if [ -n "$mdb_load" ] && [ -x "$mdb_load" ]; then
	"$bench" mdbinput "$rows" "$tmp/mdb.txt"
	out=$("$bench" run "$mdb_load" -n -f "$tmp/mdb.txt" "$tmp/mdbload.mdb")
	ms=$(field seconds "$out")
	mrss=$(field maxrss_kb "$out")
	echo "mdb_load of $rows records (69-byte records, like the source rows): ${ms} s, peak RSS $((mrss / 1024)) MB"
	echo "load ratio abuse-map/mdb_load: $(awk -v a="$ls" -v b="$ms" 'BEGIN { printf "%.2f", a / b }') (target <= 2)"
	rm -f "$tmp/mdb.txt" "$tmp/mdbload.mdb"
else
	echo "mdb_load not found (apt-get install lmdb-utils): no load ratio"
fi

out=$("$bench" lookup "$tmp/map" "$tmp/map.csv" 3)
echo "$out"
lr=$(echo "$out" | awk '$1 == "lookups" { print $6 }')
cost=$(echo "$out" | awk '$1 == "lookup_cost_in_raw_gets" { print $2 }')
sr=$(echo "$out" | awk '$1 == "spans" { print $6 }')
scost=$(echo "$out" | awk '$1 == "spans" { print $10 }')
echo "summary: load ${ls} s, peak RSS $((lrss / 1024)) MB, lookups ${lr}/s (target >= 2000000), one lookup costs ${cost} raw mdb_get (target <= 2), spans ${sr}/s, one span costs ${scost} lookups"
