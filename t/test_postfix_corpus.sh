#!/bin/sh
#
# test_postfix_corpus.sh - the acceptance corpus through a real Postfix.
#
# Loads the corpus map (map.csv) with abuse-map, starts a private Postfix
# with abuse-milter (SPFPolicy off: there is no DNS here), sends every
# message listed in truth.tsv to abuse@provider.test and scores the final
# envelope recipients as the corpus README says:
#   strict rows must match (route: only the customer's address; keep:
#   only the desk); lenient rows pass on the customer or on the desk;
#   a route anywhere else is a misroute (a false route on a keep row);
#   a message that never arrives is lost.
# One TAP line per scored row, then the totals: no misroute, no false
# route, nothing lost, sent == delivered, and the dry run (abuse-milter
# -t over the same files) deciding every row as the milter did.
#
# The corpus is other people's data and is read where it lies: $CORPUS,
# default $top_srcdir/../shared/corpus.  SKIPs (exit 77) without it, or
# without root, Postfix, smtp-sink, python3 or the built programs.

. "$top_srcdir/t/lib/postfix.sh"

# skip REASON: this test cannot run here
skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

CORPUS=${CORPUS:-$top_srcdir/../shared/corpus}
[ -f "$CORPUS/truth.tsv" ] && [ -f "$CORPUS/map.csv" ] ||
	skip "no corpus at $CORPUS"
pf_require || skip "$PF_WHY"
pf_programs
[ -n "$PF_MILTER" ] || skip "milter/abuse-milter is not built"
[ -n "$PF_MAPTOOL" ] || skip "tools/abuse-map is not built"
[ -f "$PF_RULES" ] || skip "no rules file $PF_RULES"

desk=abuse@provider.test
# bail REASON: stop the whole test, with the log
bail() {
	echo "Bail out! $*"
	pf_maillog_tail 30
	exit 1
}

pf_setup || bail "cannot make the instance directory"
pf_map_load "$CORPUS/map.csv" || bail "cannot load $CORPUS/map.csv"
pf_milter_config SPFPolicy off RateLimit none MaxScanBytes 16M
pf_milter_start || bail "abuse-milter does not start"
pf_sink_start || bail "smtp-sink does not start"
pf_init "$(pf_milter_socket)"
pf_start || bail "Postfix does not start"

# Send every message of truth.tsv, each under its own Message-ID.
sed 1d "$CORPUS/truth.tsv" |
    awk -F '\t' -v c="$CORPUS" '{ printf "%s/%s\tcorpus-%d@test\n", c, $1, NR }' \
    >"$PF_DIR/files"
sent=$(wc -l <"$PF_DIR/files" | tr -d ' ')
pf_send_list "$desk" "$PF_DIR/files" >"$PF_DIR/send.out" 2>&1
refused=$(awk -F '\t' '$2 != 250' "$PF_DIR/send.out" | wc -l | tr -d ' ')
pf_wait "$sent" 180 || echo "# not every message arrived"
pf_envelopes >"$PF_DIR/envelopes"

# The dry run over the same files: FILE<TAB>ACTION<TAB>CUSTOMER.
cut -f 1 "$PF_DIR/files" | xargs "$PF_MILTER" -c "$PF_MILTER_CONF" -t \
    2>"$PF_DIR/dryrun.err" | "$PYTHON3" -c '
import json, sys
for line in sys.stdin:
	try:
		d = json.loads(line)
	except ValueError:
		continue
	print("%s\t%s\t%s" % (d.get("file"), d.get("action"), d.get("customer") or "-"))
' >"$PF_DIR/dryrun"

# Score: join truth rows (by order) with the envelopes and the map's
# customer addresses; compare with the dry run.
awk -F '\t' -v desk="$desk" -v sent="$sent" -v refused="$refused" \
    -v corpus="$CORPUS" '
FILENAME == ARGV[1] {		# map.csv: customer -> address
	split($0, f, ",")
	if (FNR > 1 && !(f[2] in addr)) {
		addr[f[2]] = tolower(f[3])
		owner[tolower(f[3])] = f[2]
	}
	next
}
FILENAME == ARGV[2] {		# envelopes: msgid -> recipients
	rcpt[$1] = $2
	ndump[$1] = $3
	delivered++
	next
}
FILENAME == ARGV[3] {		# dry run: file -> route:CUSTOMER | keep
	dry[$1] = ($2 == "route") ? "route:" $3 : $2
	ndry++
	next
}
FNR == 1 { next }		# truth.tsv header
{
	row++
	file = $1; expect = $2; cust = $3; strict = $6
	if (strict == "excluded")
		next
	id = "corpus-" row "@test"
	got = (id in rcpt) ? rcpt[id] : ""
	# What happened: lost, keep, route to a customer, or a mix.
	if (got == "" || got == "-")
		what = "lost"
	else if (got == desk)
		what = "keep"
	else if (index("," got ",", "," desk ",") > 0)
		what = "mixed"
	else if (got in owner)
		what = "route:" owner[got]
	else
		what = "other"
	want = (expect == "route") ? "route:" cust : "keep"
	pass = (what == want) || (strict == "lenient" && what == "keep")
	if (what == "lost")
		lost++
	else if (expect == "keep" && what != "keep")
		falseroute++
	else if (expect == "route" && what != want && what != "keep")
		misroute++
	else if (expect == "route" && what == "keep")
		missed++
	if (dry[corpus "/" file] != what) {
		disagree++
		printf "# dry run %s, Postfix %s: %s\n",
		    dry[corpus "/" file] == "" ? "nothing" : dry[corpus "/" file],
		    what, file
	}
	if (pass)
		passes++
	n++
	printf "%s %d - %s (%s %s %s): %s%s\n", pass ? "ok" : "not ok", n,
	    file, strict, expect, cust, what,
	    what == "other" || what == "mixed" ? " [" got "]" : ""
}
END {
	printf "%s %d - no misroute (%d)\n", misroute ? "not ok" : "ok", n + 1,
	    misroute
	printf "%s %d - no false route (%d)\n", falseroute ? "not ok" : "ok",
	    n + 2, falseroute
	printf "%s %d - nothing lost (%d lost, %d refused)\n",
	    lost || refused ? "not ok" : "ok", n + 3, lost, refused
	printf "%s %d - sent == delivered (%d, %d)\n",
	    sent == delivered ? "ok" : "not ok", n + 4, sent, delivered
	printf "%s %d - the dry run (-t) decides as the milter in Postfix " \
	    "(%d of %d differ)\n", disagree || ndry != n ? "not ok" : "ok",
	    n + 5, disagree, n
	printf "1..%d\n", n + 5
	printf "# %d/%d rows pass, %d missed routes, %d misroutes, " \
	    "%d false routes, %d lost\n", passes, n, missed, misroute,
	    falseroute, lost
}' "$CORPUS/map.csv" "$PF_DIR/envelopes" "$PF_DIR/dryrun" "$CORPUS/truth.tsv"
