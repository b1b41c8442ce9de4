#!/bin/sh
#
# test_postfix_addr.sh - addresses as Postfix reads them, behind a real
# Postfix.  The milter must see the mailboxes Postfix sees:
#   - a desk recipient written in any form Postfix delivers to the desk
#     (quoted local part, source route, trailing dot, extension) is the
#     desk: the complaint is routed and that recipient removed;
#   - a map address that is the desk in another form (case, extension)
#     keeps the complaint at the desk: adding it and deleting the desk
#     would remove both;
#   - a map address with a quoted local part is added whole, not cut at
#     its space;
#   - more desk recipients than the milter remembers keep the complaint
#     at the desk, and a forged X-Abuse-Route is removed on that path too;
#   - every forged X-Abuse-Route is removed, not only the first.
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs.

. "$top_srcdir/t/lib/postfix.sh"
. "$top_srcdir/t/lib/tap.sh"

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

echo "1..11"
bail() {
	echo "Bail out! $*"
	pf_maillog_tail 30
	[ -n "$PF_DIR" ] && sed 's/^/# /' "$PF_DIR/abuse-milter.log" 2>/dev/null | tail -n 20
	exit 1
}

pf_setup || bail "cannot make the instance directory"
{
	cat "$samples/map.csv"
	echo '192.0.2.200/32,C1099,"""first last""@c1099.example",,'
	echo '192.0.2.201/32,C1098,Abuse@Provider.TEST,,'
	echo '192.0.2.202/32,C1097,abuse+c1097@provider.test,,'
} >"$PF_DIR/map.csv"
pf_map_load "$PF_DIR/map.csv" || bail "cannot build the map"
# ReturnPath none: with the desk's return path, abuse+TAG@ is a reply to
# a routed complaint and stays (t/test_postfix_return.sh)
pf_milter_config AbuseRecipients "$desk" ReturnPath none
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
# complaint IP FILE: the sample ARF report about IP
complaint() {
	sed "s/192\.0\.2\.25/$1/g" "$samples/arf-spam.eml" >"$2"
}

send '<"abuse"@provider.test>' "$samples/arf-spam.eml" quoted@test
send '<@relay.example:abuse@provider.test>' "$samples/arf-spam.eml" \
    route@test
send '<abuse@provider.test.>' "$samples/arf-spam.eml" dot@test
send '<abuse+tag@provider.test>' "$samples/arf-spam.eml" ext@test
complaint 192.0.2.200 "$PF_DIR/space.eml"
complaint 192.0.2.201 "$PF_DIR/case.eml"
complaint 192.0.2.202 "$PF_DIR/plus.eml"
send "$desk" "$PF_DIR/space.eml" space@test
send "$desk" "$PF_DIR/case.eml" case@test
send "$desk" "$PF_DIR/plus.eml" plus@test
many=""
i=1
while [ $i -le 70 ]; do
	many="$many,abuse+$i@provider.test"
	i=$((i + 1))
done
{
	echo "X-Abuse-Route: route; customer=C1004; to=<thief@attacker.example>"
	cat "$samples/arf-spam.eml"
} >"$PF_DIR/forged.eml"
send "${many#,}" "$PF_DIR/forged.eml" many@test
{
	echo "X-Abuse-Route: route; customer=C1004; to=<thief@attacker.example>"
	echo "x-abuse-route: keep; reason=second-forged"
	cat "$samples/arf-spam.eml"
} >"$PF_DIR/forged2.eml"
send "$desk" "$PF_DIR/forged2.eml" forged2@test

pf_wait "$sent" 60 || bail "messages not delivered"
pf_envelopes >"$PF_DIR/env"
rcpts() {
	awk -F '\t' -v id="$1" '$1 == id { print $2 }' "$PF_DIR/env"
}
field() {
	awk -F '\t' -v id="$1" -v f="$2" '$1 == id { print $f }' "$PF_DIR/env"
}

c1001=abuse@c1001.example
check 'RCPT TO:<"abuse"@provider.test> is the desk: routed' \
    "$(rcpts quoted@test)" "$c1001"
check 'RCPT TO:<@relay.example:abuse@provider.test> is the desk: routed' \
    "$(rcpts route@test)" "$c1001"
check 'RCPT TO:<abuse@provider.test.> is the desk: routed' \
    "$(rcpts dot@test)" "$c1001"
check 'RCPT TO:<abuse+tag@provider.test> is the desk: routed' \
    "$(rcpts ext@test)" "$c1001"
check 'a map address with a quoted local part is added whole' \
    "$(rcpts space@test)" '"first last"@c1099.example'
check 'a map address that is the desk in another case: kept at the desk' \
    "$(rcpts case@test)" "$desk"
check_true "... with reason desk-address" \
    sh -c "echo '$(field case@test 5)' | grep -q 'reason=desk-address'"
check 'a map address that is the desk with an extension: kept at the desk' \
    "$(rcpts plus@test)" "$desk"
n=$(rcpts many@test | tr ',' '\n' | grep -c '^abuse+[0-9]*@provider.test$')
check '70 desk recipients: all kept' "$n" 70
route=$(field many@test 5)
# Postfix delivers 70 recipients in more than one transaction: each
# copy carries one X-Abuse-Route, ours
if [ "$(field many@test 4)" = "$(field many@test 3)" ] &&
    echo "$route" | grep -q 'reason=internal-error' &&
    ! echo "$route" | grep -q 'thief@attacker'; then
	ok "70 desk recipients: the forged X-Abuse-Route is removed, ours is there"
else
	notok "70 desk recipients: the forged X-Abuse-Route is removed, ours is there"
	echo "#   got $(field many@test 4): $route"
fi
route=$(field forged2@test 5)
if [ "$(field forged2@test 4)" = 1 ] &&
    echo "$route" | grep -q 'customer=C1001' &&
    ! echo "$route" | grep -q 'thief@attacker\|second-forged'; then
	ok "two forged X-Abuse-Route headers: both removed, ours is there"
else
	notok "two forged X-Abuse-Route headers: both removed, ours is there"
	echo "#   got $(field forged2@test 4): $route"
fi
exit 0
