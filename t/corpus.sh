#!/bin/sh
#
# corpus.sh - score the dry run over an acceptance corpus.
#
#	sh t/corpus.sh CORPUS_DIR
#
# The corpus holds complaints, truth.tsv (file, expect, customer, ips,
# decoys, strictness, why) and map.csv.  The map is loaded with
# abuse-map into a temporary map directory, every file of truth.tsv is
# decided with the default rules, and the decisions are scored as the
# corpus README says: a strict row passes when the action (and for a
# route the customer) is the expected one; a lenient row passes when it
# routes to the expected customer or keeps; a route to any other
# customer is a misroute (on a keep row: a false route).  Prints the
# score and a line per failure; exits 0 only when every strict row
# passes with no misroute and no false route.
#
# The programs are found under $top_builddir (or the current directory):
# `milter/abuse-milter -t` with a generated configuration (the postmaster's
# dry run, the same code as the milter), else t/dryrun_driver.  Set
# CORPUS_DRYRUN=driver to score the library alone, without the policies.

corpus=$1
if [ -z "$corpus" ] || [ ! -f "$corpus/truth.tsv" ] || [ ! -f "$corpus/map.csv" ]; then
	echo "corpus.sh: no corpus at '${corpus}' (need truth.tsv and map.csv)" >&2
	exit 2
fi
bd=${top_builddir:-.}
sd=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
rules="$sd/rules/abuse.rules"
map_tool="$bd/tools/abuse-map"
driver="$bd/t/dryrun_driver"
milter="$bd/milter/abuse-milter"

if [ ! -x "$map_tool" ]; then
	echo "corpus.sh: $map_tool is not built" >&2
	exit 2
fi
if [ ! -x "$driver" ] && [ "$CORPUS_DRYRUN" = driver ] && [ -f "$bd/Makefile" ]; then
	(cd "$bd" && ${MAKE:-make} t/dryrun_driver >/dev/null 2>&1)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corpus.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$map_tool" load -q -m "$tmp/map" "$corpus/map.csv" >"$tmp/load.out" 2>&1; then
	echo "corpus.sh: abuse-map load failed:" >&2
	cat "$tmp/load.out" >&2
	exit 2
fi

# The files to decide, relative to the corpus root.
awk -F '\t' 'NR > 1 && $1 != "" { print $1 }' "$corpus/truth.tsv" >"$tmp/files"

abs_rules=$(cd "$(dirname "$rules")" && pwd)/$(basename "$rules")
abs_map=$(cd "$tmp/map" && pwd)
if { [ "$CORPUS_DRYRUN" = driver ] || [ ! -x "$milter" ]; } && [ -x "$driver" ]; then
	abs_driver=$(cd "$(dirname "$driver")" && pwd)/$(basename "$driver")
	how="t/dryrun_driver"
	(cd "$corpus" && tr '\n' '\0' <"$tmp/files" |
	    xargs -0 "$abs_driver" -r "$abs_rules" -m "$abs_map") \
	    >"$tmp/out" 2>"$tmp/err"
elif [ -x "$milter" ]; then
	abs_milter=$(cd "$(dirname "$milter")" && pwd)/$(basename "$milter")
	how="abuse-milter -t"
	cat >"$tmp/conf" <<EOF
Syslog no
LogLevel error
MapDirectory $abs_map
RulesFile $abs_rules
SPFPolicy off
RateLimit none
EOF
	(cd "$corpus" && tr '\n' '\0' <"$tmp/files" |
	    xargs -0 "$abs_milter" -c "$tmp/conf" -t) >"$tmp/out" 2>"$tmp/err"
else
	echo "corpus.sh: neither t/dryrun_driver nor milter/abuse-milter is built" >&2
	exit 2
fi
if [ ! -s "$tmp/out" ]; then
	echo "corpus.sh: the dry run printed nothing:" >&2
	cat "$tmp/err" >&2
	exit 2
fi

# file <TAB> action <TAB> customer ("-" for null) from the JSON lines.
sed -n 's/^{"file":"\([^"]*\)","action":"\([a-z]*\)","reason":"[^"]*","customer":\(null\|"[^"]*"\).*/\1	\2	\3/p' \
    "$tmp/out" | sed 's/	null$/	-/; s/	"\([^"]*\)"$/	\1/' >"$tmp/dec"

echo "corpus: $corpus ($how, $(wc -l <"$tmp/files" | tr -d ' ') files)"
awk -F '\t' -v decfile="$tmp/dec" '
BEGIN {
	while ((getline line < decfile) > 0) {
		split(line, f, "\t")
		act[f[1]] = f[2]
		cust[f[1]] = f[3]
	}
}
NR == 1 { next }
{
	file = $1; expect = $2; want = $3; strict = $6
	if (strict == "excluded") { excluded++; next }
	rows[strict]++
	if (!(file in act)) {
		printf("  NO DECISION  %s\n", file)
		fail[strict]++
		next
	}
	a = act[file]; c = cust[file]
	if (a == "route" && expect == "keep") {
		falseroute[strict]++
		printf("  FALSE ROUTE  %s -> %s (expected keep)\n", file, c)
		next
	}
	if (a == "route" && c != want) {
		misroute[strict]++
		printf("  MISROUTE     %s -> %s (expected %s)\n", file, c, want)
		next
	}
	if (a == "route" || (a == "keep" && expect == "keep")) {
		pass[strict]++
		next
	}
	# a keep on a route row
	if (strict == "lenient") {
		pass[strict]++
		keptlenient++
		next
	}
	missed[strict]++
	printf("  MISSED ROUTE %s (expected %s)\n", file, want)
}
END {
	split("strict lenient", kinds, " ")
	for (i = 1; i <= 2; i++) {
		k = kinds[i]
		printf("%-8s rows %3d  pass %3d  missed %d  misroutes %d  false routes %d\n",
		    k, rows[k] + 0, pass[k] + 0, missed[k] + 0, misroute[k] + 0,
		    falseroute[k] + 0)
	}
	if (keptlenient)
		printf("(lenient rows kept instead of routed: %d)\n", keptlenient)
	if (excluded)
		printf("excluded rows: %d\n", excluded)
	bad = missed["strict"] + fail["strict"] + fail["lenient"]
	for (i = 1; i <= 2; i++)
		bad += misroute[kinds[i]] + falseroute[kinds[i]]
	if (bad == 0) {
		print "RESULT: PASS"
		exit 0
	}
	print "RESULT: FAIL"
	exit 1
}' "$corpus/truth.tsv"
