#!/bin/sh
# test_map_golden.sh - golden-file tests of abuse-map(8): load, dump,
# lookup and stat of t/map/good.csv, load(dump(x)) == x, lookup -w (the
# holders over a window of time) of t/map/span.csv, and every class
# of bad input in t/map/bad-*.csv: each error with its line number
# (bad-X.csv against bad-X.ref), exit status 1, and the previous map still
# in service.  MAP_GOLDEN_REGEN=1 rewrites the .ref files instead.
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}"
. "$top_srcdir/t/lib/tap.sh"
tool="$top_builddir/tools/abuse-map"
data="$top_srcdir/t/map"
if [ ! -x "$tool" ]; then
	echo "1..0 # SKIP $tool is not built"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/map_golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
map="$tmp/map"
# compare GOT REF DESCRIPTION: diff a result with its .ref file
compare() {
	if [ "${MAP_GOLDEN_REGEN:-}" = 1 ]; then
		cp "$1" "$data/$2"
	fi
	if diff -u "$data/$2" "$1" > "$tmp/diff" 2>&1; then
		tap 0 "$3"
	else
		tap 1 "$3"
		sed 's/^/# /' "$tmp/diff"
	fi
}

# run the lookups of file $3 (default good.queries) against map dir $1
# into file $2
queries() {
	qmap=$1
	qout=$2
	qfile=${3:-good.queries}
	: > "$qout"
	while IFS= read -r q; do
		eval "set -- $q"
		"$tool" lookup -m "$qmap" "$@" >> "$qout" 2>&1
		echo "exit $?" >> "$qout"
	done < "$data/$qfile"
}

# Load, dump, lookup, stat.
(cd "$data" && "$tool" load -m "$map" good.csv) > "$tmp/load" 2>&1
tap $? "good.csv loads"
compare "$tmp/load" good.load.ref "load output"
"$tool" dump -m "$map" > "$tmp/dump" 2>&1
tap $? "dump succeeds"
compare "$tmp/dump" good.dump.ref "dump output"
queries "$map" "$tmp/lookup"
compare "$tmp/lookup" good.lookup.ref "lookup output"
"$tool" stat -m "$map" | grep -v -e '^directory' -e '^built' > "$tmp/stat"
compare "$tmp/stat" good.stat.ref "stat output (without directory and time)"
sha=$(sha256sum "$data/good.csv" 2>/dev/null | cut -d' ' -f1)
if [ -n "$sha" ]; then
	grep -q "^source_sha256	$sha\$" "$tmp/stat"
	tap $? "stat gives the SHA-256 of the source"
fi

# Maps written in the formats before (4: entries name customers by
# number, 5: by the offset of their record, both in one customer table;
# t/map/formatN.mdb is good.csv loaded by that version) are still read,
# with the same answers, and dumped the same.
# A map of an older format (4, written before the one format 6) is
# refused with what to do, not read.
mkdir "$tmp/map4" &&
    cp "$data/format4.mdb" "$tmp/map4/map.1.mdb" &&
    ln -s map.1.mdb "$tmp/map4/current"
"$tool" stat -m "$tmp/map4" > "$tmp/out4" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "not a map of format version 6: build it again" "$tmp/out4"
tap $? "a map of format 4 is refused: build it again" "$tmp/out4"

# load(dump(x)) answers as x.
"$tool" load -q -m "$tmp/map2" "$tmp/dump" > "$tmp/out" 2>&1
tap $? "the dump loads"
queries "$tmp/map2" "$tmp/lookup2"
cmp -s "$tmp/lookup" "$tmp/lookup2"
tap $? "the map loaded from the dump answers as the original"
"$tool" dump -m "$tmp/map2" > "$tmp/dump2" 2>&1
cmp -s "$tmp/dump" "$tmp/dump2"
tap $? "dump(load(dump(x))) == dump(x)"

# The holders over a window of time.
(cd "$data" && "$tool" load -q -m "$tmp/spanmap" span.csv) > "$tmp/out" 2>&1
tap $? "span.csv loads"
queries "$tmp/spanmap" "$tmp/span" span.queries
compare "$tmp/span" span.lookup.ref "lookup -w output"
for w in 2016-01-01..2015-01-01 2015-01-01 ..2015-01-01 2015-01-01..; do
	"$tool" lookup -m "$tmp/spanmap" -w "$w" 192.0.2.1 > /dev/null 2>&1
	[ $? -eq 2 ]
	tap $? "-w $w is a bad window: exit 2"
done
"$tool" lookup -m "$tmp/spanmap" -w 2015-01-01..2016-01-01 -t 2015-01-01 \
    192.0.2.1 > /dev/null 2>&1
[ $? -eq 2 ]
tap $? "-w and -t together exit 2"
"$tool" lookup -m "$tmp/nomap" -w 2015-01-01..2016-01-01 192.0.2.1 \
    > "$tmp/out" 2>/dev/null
st=$?
[ $st -eq 1 ] && grep -q '^192.0.2.1	error$' "$tmp/out"
tap $? "lookup -w without a map says error, exit 1"

# Every class of bad input: messages, status, old map kept.
"$tool" lookup -m "$map" 192.0.2.7 > "$tmp/before"
for f in "$data"/bad-*.csv; do
	b=$(basename "$f" .csv)
	(cd "$data" && "$tool" load -m "$map" "$b.csv") > "$tmp/$b" 2>&1
	echo "exit $?" >> "$tmp/$b"
	compare "$tmp/$b" "$b.ref" "$b.csv: every error with its line"
	"$tool" lookup -m "$map" 192.0.2.7 > "$tmp/after"
	cmp -s "$tmp/before" "$tmp/after" &&
	    "$tool" stat -m "$map" | grep -q '^serial	1$'
	tap $? "$b.csv: the previous map still answers"
done

# Bytes that are awkward to keep in the source tree.
printf 'prefix,customer,address\n192.0.2.0/24,a\000b,a@example.com\n' \
    > "$tmp/bad-nul.csv"
printf 'prefix,customer,address\n192.0.2.0/24,a\377b,a@example.com\n' \
    > "$tmp/bad-utf8.csv"
printf 'prefix,customer,address\n192.0.2.0/24,a,a@example.com\r\n' \
    > "$tmp/crlf.csv"
(cd "$tmp" && "$tool" load -m "$map" bad-nul.csv) > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q '^bad-nul.csv:2: NUL byte$' "$tmp/out"
tap $? "a NUL byte is an error with its line"
(cd "$tmp" && "$tool" load -m "$map" bad-utf8.csv) > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q '^bad-utf8.csv:2: invalid UTF-8$' "$tmp/out"
tap $? "invalid UTF-8 is an error with its line"
"$tool" lookup -m "$map" 192.0.2.7 > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
tap $? "the previous map still answers"
"$tool" load -q -m "$tmp/map3" "$tmp/crlf.csv" > "$tmp/out" 2>&1
tap $? "CRLF line ends load"

# Options and exit statuses.
"$tool" load -q -m "$tmp/map4" --allow-empty "$data/bad-empty.csv" \
    > "$tmp/out" 2>&1
tap $? "--allow-empty loads an empty source"
"$tool" lookup -m "$tmp/map4" 192.0.2.1 > "$tmp/out" 2>&1
grep -q '^192.0.2.1	not found$' "$tmp/out"
tap $? "an empty map answers not found"
"$tool" lookup -m "$tmp/nomap" 192.0.2.1 > "$tmp/out" 2>/dev/null
st=$?
[ $st -eq 1 ] && grep -q '^192.0.2.1	error$' "$tmp/out"
tap $? "lookup without a map says error, exit 1"
"$tool" frobnicate > /dev/null 2>&1
[ $? -eq 2 ]
tap $? "an unknown command exits 2"
"$tool" lookup -m "$map" -p 70000 192.0.2.1 > /dev/null 2>&1
[ $? -eq 2 ]
tap $? "a bad port exits 2"
"$tool" load -m "$map" "$tmp/no-such-file.csv" > /dev/null 2>&1
[ $? -eq 3 ]
tap $? "an unreadable source exits 3"
"$tool" load -m "$map" --max-errors 2 "$data/bad-many.csv" > "$tmp/out" 2>&1
[ "$(grep -c 'host bits set' "$tmp/out")" -eq 2 ] &&
    grep -q '148 more errors not shown' "$tmp/out"
tap $? "--max-errors limits the errors shown"

tap_end
