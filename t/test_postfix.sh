#!/bin/sh
#
# test_postfix.sh - abuse-milter behind a real Postfix.
#
# A private Postfix instance on loopback (t/lib/postfix.sh) hands every
# message to the real daemon and relays the result to smtp-sink, whose
# dumps give each message's final envelope.  Checks that
#   - each sample complaint ends at its customer, or at the desk when it
#     names two customers (samples/expected.tsv);
#   - recipients that are not abuse recipients are left alone;
#   - several abuse recipients are all replaced by the one customer;
#   - a forged X-Abuse-Route header is removed, exactly one remains;
#   - several transactions in one SMTP session (one given up with RSET)
#     are each decided on their own: nothing carries over;
#   - killing the milter during traffic loses nothing: every message
#     still arrives, at the desk once the milter is gone;
#   - every message sent is delivered exactly once.
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs.

. "$top_srcdir/t/lib/postfix.sh"
. "$top_srcdir/t/lib/tap.sh"

# skip REASON: this test cannot run here
skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

pf_require || skip "$PF_WHY"
pf_programs
[ -n "$PF_MILTER" ] || skip "milter/abuse-milter is not built"
[ -n "$PF_MAPTOOL" ] || skip "tools/abuse-map is not built"
[ -f "$PF_RULES" ] || skip "no rules file $PF_RULES"

samples=$top_srcdir/samples
desk=abuse@provider.test
desk2=security@provider.test
nkill=40

echo "1..23"
# bail REASON: stop the whole test, with the logs
bail() {
	echo "Bail out! $*"
	pf_maillog_tail 30
	[ -n "$PF_DIR" ] && sed 's/^/# /' "$PF_DIR/abuse-milter.log" 2>/dev/null | tail -n 20
	exit 1
}

pf_setup || bail "cannot make the instance directory"
pf_map_load "$samples/map.csv" || bail "cannot build the sample map"
pf_milter_config AbuseRecipients "$desk, $desk2"
pf_milter_start || bail "abuse-milter does not start"
pf_sink_start || bail "smtp-sink does not start"
pf_init "$(pf_milter_socket)"
pf_start || bail "Postfix does not start"

sent=0
# send RCPTS FILE MSGID
send() {
	pf_send "$1" "$2" "$3" >>"$PF_DIR/send.out" ||
		echo "# refused: $(tail -n 1 "$PF_DIR/send.out")"
	sent=$((sent + 1))
}

# 1-6: the samples, each to the desk alone.
tab=$(printf '\t')
while IFS=$tab read -r file expect customer address ip; do
	[ "$file" = file ] && continue
	send "$desk" "$samples/$file" "sample-$file@test"
done <"$samples/expected.tsv"

# 7-8: other recipients beside the desk are left alone.
send "$desk,noc@provider.test,ceo@c9.example" "$samples/arf-spam.eml" other-route@test
send "$desk,noc@provider.test" "$samples/two-customers.eml" other-keep@test
# 9: a complaint not sent to an abuse recipient is not touched.
send "noc@provider.test" "$samples/arf-spam.eml" not-abuse@test
# 10: several abuse recipients.
send "$desk,$desk2" "$samples/spamcop.eml" two-desks@test
# 11-14: forged X-Abuse-Route headers.
{
	echo "X-Abuse-Route: route; customer=C1004; to=<thief@attacker.example>"
	cat "$samples/arf-spam.eml"
} >"$PF_DIR/forged-route.eml"
{
	echo "X-Abuse-Route: route; customer=C1001; to=<abuse@c1001.example>"
	cat "$samples/two-customers.eml"
} >"$PF_DIR/forged-keep.eml"
send "$desk" "$PF_DIR/forged-route.eml" forged-route@test
send "$desk" "$PF_DIR/forged-keep.eml" forged-keep@test

# 15-19: one SMTP session, five transactions; the fourth is given up.
{
	printf '%s\t%s\t%s\n' "$desk" "$samples/arf-spam.eml" session-1@test
	printf '%s\t%s\t%s\n' "noc@provider.test" "$samples/spamcop.eml" \
	    session-2@test
	printf '%s\t%s\t%s\n' "$desk" "$samples/two-customers.eml" \
	    session-3@test
	printf '%s\tRSET\n' "$desk,$desk2"
	printf '%s\t%s\t%s\n' "$desk2" "$samples/spamcop.eml" session-5@test
} >"$PF_DIR/session.txt"
"$PYTHON3" "$PF_HELPER" session 127.0.0.1 "$PF_PORT" \
    complainant@reporter.test "$PF_DIR/session.txt" >>"$PF_DIR/send.out" ||
	echo "# session refused: $(tail -n 1 "$PF_DIR/send.out")"
sent=$((sent + 4))

pf_wait "$sent" 60 || bail "messages not delivered"
pf_envelopes >"$PF_DIR/env1"
# rcpts MSGID: the final envelope recipients of a message
rcpts() {
	awk -F '\t' -v id="$1" '$1 == id { print $2 }' "$PF_DIR/env1"
}
# field MSGID N: column N of its pf_envelopes line (4: how many
# X-Abuse-Route headers, 5: their values)
field() {
	awk -F '\t' -v id="$1" -v f="$2" '$1 == id { print $f }' "$PF_DIR/env1"
}

while IFS=$tab read -r file expect customer address ip; do
	[ "$file" = file ] && continue
	if [ "$expect" = route ]; then
		check "$file is routed to $customer ($ip)" \
		    "$(rcpts "sample-$file@test")" "$address"
	else
		check "$file stays at the desk ($ip)" \
		    "$(rcpts "sample-$file@test")" "$desk"
	fi
done <"$samples/expected.tsv"

check "routed: other recipients untouched" "$(rcpts other-route@test)" \
    "abuse@c1001.example,ceo@c9.example,noc@provider.test"
check "kept: other recipients untouched" "$(rcpts other-keep@test)" \
    "$desk,noc@provider.test"
check "no abuse recipient: message untouched" "$(rcpts not-abuse@test)" \
    "noc@provider.test"
check "two abuse recipients: both replaced by the customer" \
    "$(rcpts two-desks@test)" "abuse@c1005.example"
check "forged header: routed by the evidence" "$(rcpts forged-route@test)" \
    "abuse@c1001.example"
route=$(field forged-route@test 5)
if [ "$(field forged-route@test 4)" = 1 ] &&
    ! echo "$route" | grep -q 'thief@attacker'; then
	ok "forged header: removed, one X-Abuse-Route left"
else
	notok "forged header: removed, one X-Abuse-Route left"
	echo "#   got $(field forged-route@test 4): $route"
fi
check "forged header on a keep: stays at the desk" \
    "$(rcpts forged-keep@test)" "$desk"
route=$(field forged-keep@test 5)
if [ "$(field forged-keep@test 4)" = 1 ] &&
    ! echo "$route" | grep -q 'C1001'; then
	ok "forged header on a keep: removed, one X-Abuse-Route left"
else
	notok "forged header on a keep: removed, one X-Abuse-Route left"
	echo "#   got $(field forged-keep@test 4): $route"
fi
check "session, first message: routed" "$(rcpts session-1@test)" \
    "abuse@c1001.example"
check "session, no abuse recipient: untouched" "$(rcpts session-2@test)" \
    "noc@provider.test"
check "session, two customers: stays at the desk" "$(rcpts session-3@test)" \
    "$desk"
check "session, after RSET: routed by its own evidence" \
    "$(rcpts session-5@test)" "abuse@c1005.example"
route=$(field session-5@test 5)
if [ "$(field session-5@test 4)" = 1 ] &&
    echo "$route" | grep -q 'customer=C1005' &&
    field session-3@test 5 | grep -q 'reason=multi-customer'; then
	ok "session: each message has its own X-Abuse-Route"
else
	notok "session: each message has its own X-Abuse-Route"
	echo "#   got $(field session-3@test 5) / $route"
fi

# 20-22: the milter dies in the middle of a stream of complaints.
before=$(pf_sink_count)
(
	i=1
	while [ $i -le $nkill ]; do
		pf_send "$desk" "$samples/arf-spam.eml" "kill-$i@test" ||
			echo "# refused: kill-$i@test"
		i=$((i + 1))
	done
) >"$PF_DIR/send-kill.out" 2>&1 &
sender=$!
pf_bg_add "$sender"
end=$(($(date +%s) + 60))
while [ "$(pf_sink_count)" -lt $((before + nkill / 4)) ] &&
    [ "$(date +%s)" -lt "$end" ]; do
	sleep 0.05
done
pf_milter_stop KILL
wait "$sender"
sent=$((sent + nkill))
grep '^# refused' "$PF_DIR/send-kill.out"
pf_wait "$sent" 90 || echo "# not everything arrived"
pf_envelopes >"$PF_DIR/env1"
routed=0
kept=0
other=0
i=1
while [ $i -le $nkill ]; do
	case $(rcpts "kill-$i@test") in
	abuse@c1001.example) routed=$((routed + 1)) ;;
	"$desk") kept=$((kept + 1)) ;;
	*) other=$((other + 1)); echo "# kill-$i@test: '$(rcpts "kill-$i@test")'" ;;
	esac
	i=$((i + 1))
done
check "milter killed: every message delivered, to the customer or the desk" \
    "$((routed + kept)) other=$other" "$nkill other=0"
[ "$routed" -gt 0 ] && ok "milter killed: $routed routed before the kill" ||
	notok "milter killed: none routed before the kill"
[ "$kept" -gt 0 ] && ok "milter killed: $kept at the desk after the kill" ||
	notok "milter killed: none at the desk after the kill"

# 23: nothing lost, nothing doubled.
check "sent == delivered (messages, transactions)" \
    "$(wc -l <"$PF_DIR/env1" | tr -d ' ') $(pf_sink_count | tr -d ' ')" \
    "$sent $sent"
exit 0
