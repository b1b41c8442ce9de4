#!/bin/sh
# test_hostile_dryrun.sh - hostile complaints and map rows, end to end.
#
# The complaints made by t/hostile/mkhostile.sh are decided by the dry run
# (t/dryrun_driver, the library's dryrun_files()) against the map
# t/hostile/map.csv and the shipped rules; each must end as
# t/hostile/expected.tsv allows, within a time bound, with no forged text
# in the decision.  When abuse-milter is built, `abuse-milter -t` must
# decide every one of them the same way.  Map rows that try to inject a
# recipient or a header are refused by `abuse-map load` with FILE:LINE,
# and the map in service stays as it was.  A rule written to backtrack
# without end is stopped by the match limit.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/t/lib/tap.sh"

DRIVER=$top_builddir/t/dryrun_driver
MAPTOOL=$top_builddir/tools/abuse-map
MILTER=$top_builddir/milter/abuse-milter
RULES=$top_srcdir/rules/abuse.rules
H=$top_srcdir/t/hostile
ARRIVAL=1773133200		# 2026-03-10T09:00:00Z
LIMIT=20			# seconds any one complaint may take

for f in "$DRIVER" "$MAPTOOL"; do
    if [ ! -x "$f" ]; then
        echo "1..0 # SKIP $f not built"
        exit 77
    fi
done
if [ ! -f "$RULES" ]; then
    echo "1..0 # SKIP no $RULES"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
sh "$H/mkhostile.sh" "$tmp/in" || { echo "Bail out! mkhostile.sh failed"; exit 1; }

ncases=$(grep -cv '^#' "$H/expected.tsv")
# cases, -t agreement, map load, 6 injected maps x 2, backtrack x 2
echo "1..$((ncases + 1 + 1 + 12 + 2))"
# field NAME: the value of the top-level JSON string field NAME of the
# decision on stdin ("" when absent or null); the candidates are cut off.
field() {
    sed -e 's/,"candidates":.*//' -n \
        -e "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -1
}

# elapsed START: seconds since START (date +%s).
elapsed() {
    echo $(($(date +%s) - $1))
}

# 1. The map.
"$MAPTOOL" load -q -m "$tmp/map" "$H/map.csv" >"$tmp/load.out" 2>&1
rc=$?
tap $rc "abuse-map load builds the hostile test map"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/load.out"

# 2. Each complaint through the dry run.
grep -v '^#' "$H/expected.tsv" >"$tmp/cases"
while IFS='	' read -r file allowed what; do
    start=$(date +%s)
    timeout $((LIMIT * 3)) "$DRIVER" -r "$RULES" -m "$tmp/map" \
        -a "$ARRIVAL" "$tmp/in/$file" >"$tmp/$file.json" 2>"$tmp/$file.err"
    rc=$?
    secs=$(elapsed "$start")
    line=$(cat "$tmp/$file.json")
    action=$(echo "$line" | field action)
    reason=$(echo "$line" | field reason)
    customer=$(echo "$line" | field customer)
    to=$(echo "$line" | field to)
    got="keep:$reason"
    [ "$action" = route ] && got="route:$customer"
    echo "$file	$action	$reason" >>"$tmp/driver.tsv"
    bad=""
    [ $rc -eq 0 ] || bad="exit $rc"
    [ "$secs" -le $LIMIT ] || bad="$bad took ${secs}s"
    case "|$allowed|" in *"|$got|"*) ;; *) bad="$bad got $got" ;; esac
    case $to in *victim* | *'<'* | *'>'* | *,*) bad="$bad to=$to" ;; esac
    case $line in *victim*) bad="$bad forged text in the decision" ;; esac
    if [ -z "$bad" ]; then
        tap 0 "$file: $got in ${secs}s ($what)"
    else
        tap 1 "$file: want $allowed ($what):$bad"
        echo "# $line" | cut -c1-400
        sed 's/^/# /' "$tmp/$file.err" | head -5
    fi
done <"$tmp/cases"

# 3. abuse-milter -t decides the same (the same code path).
if [ -x "$MILTER" ]; then
    cat >"$tmp/abuse-milter.conf" <<CONF
MapDirectory $tmp/map
RulesFile $RULES
AbuseRecipients abuse@provider.test
Syslog no
CONF
    cut -f1 "$tmp/cases" | while read -r file; do
        "$MILTER" -c "$tmp/abuse-milter.conf" -t "$tmp/in/$file" 2>/dev/null |
            tail -1 >"$tmp/t.json"
        printf '%s\t%s\t%s\n' "$file" "$(field action <"$tmp/t.json")" \
            "$(field reason <"$tmp/t.json")"
    done >"$tmp/milter.tsv"
    if cmp -s "$tmp/driver.tsv" "$tmp/milter.tsv"; then
        tap 0 "abuse-milter -t decides every hostile complaint as the library"
    else
        tap 1 "abuse-milter -t decides every hostile complaint as the library"
        diff "$tmp/driver.tsv" "$tmp/milter.tsv" | sed 's/^/# /' | head -20
    fi
else
    tap_skip "abuse-milter not built"
fi

# 4. Map rows that try to inject a recipient or a header.
hdr='prefix,customer,address,valid_from,valid_until'
printf '%s\n192.0.2.0/24,H1,abuse@h1.example,,\n198.51.100.0/24,H2,"abuse@h2.example\r\nBcc: victim@example.com",,\n' \
    "$hdr" >"$tmp/inject-crlf.csv"
printf '%s\n192.0.2.0/24,H1,abuse@h1.example,,\n198.51.100.0/24,H2,"abuse@h2.example,victim@example.com",,\n' \
    "$hdr" >"$tmp/inject-comma.csv"
printf '%s\n192.0.2.0/24,H1,abuse@h1.example,,\n198.51.100.0/24,H2,"<victim@example.com>",,\n' \
    "$hdr" >"$tmp/inject-angle.csv"
printf '%s\n192.0.2.0/24,H1,abuse@h1.example,,\n198.51.100.0/24,H2,abuse@h2.example> NOTIFY=NEVER,,\n' \
    "$hdr" >"$tmp/inject-rcpt.csv"
printf '%s\n192.0.2.0/24,H1,abuse@h1.example,,\n198.51.100.0/24,H2,abuse@h2.example\000victim@example.com,,\n' \
    "$hdr" >"$tmp/inject-nul.csv"
printf '%s\n192.0.2.0/24,H1,abuse@h1.example,,\n198.51.100.0/24,"H2\r\nX-Injected: yes",abuse@h2.example,,\n' \
    "$hdr" >"$tmp/inject-customer.csv"
for c in crlf comma angle rcpt nul customer; do
    f=$tmp/inject-$c.csv
    "$MAPTOOL" load -q -m "$tmp/map" "$f" >"$tmp/inj.out" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && grep -q "^$f:3: " "$tmp/inj.out"; then
        tap 0 "abuse-map load refuses a row injecting through $c, at $f:3"
    else
        tap 1 "abuse-map load refuses a row injecting through $c (exit $rc)"
        sed 's/^/# /' "$tmp/inj.out" | head -5
    fi
    "$MAPTOOL" lookup -m "$tmp/map" 198.51.100.1 >"$tmp/look.out" 2>&1
    if grep -q 'abuse@h2\.example' "$tmp/look.out" &&
        ! grep -q victim "$tmp/look.out"; then
        tap 0 "after the refused $c load the map in service is unchanged"
    else
        tap 1 "after the refused $c load the map in service is unchanged"
        sed 's/^/# /' "$tmp/look.out" | head -5
    fi
done

# 5. A rule made to backtrack without end is stopped by the match limit.
{
    printf 'From: a@mailbox.example\nTo: abuse@provider.test\nSubject: abuse report\n'
    printf 'Content-Type: text/plain\n\nHost: 192.0.2.95\n'
    head -c 30000 /dev/zero | tr '\0' a
    printf '!\n'
} >"$tmp/backtrack.eml"
start=$(date +%s)
timeout $((LIMIT * 3)) "$DRIVER" -r "$H/backtrack.rules" -m "$tmp/map" \
    -a "$ARRIVAL" "$tmp/backtrack.eml" >"$tmp/bt.json" 2>"$tmp/bt.err"
rc=$?
secs=$(elapsed "$start")
[ $rc -eq 0 ] && [ "$secs" -le $LIMIT ]
tap $? "a catastrophic pattern ends within ${LIMIT}s (took ${secs}s, exit $rc)"
[ "$(field reason <"$tmp/bt.json")" = internal-error ]
tap $? "the limit was hit and the complaint is kept: internal-error ($(field action <"$tmp/bt.json") $(field reason <"$tmp/bt.json"))"
