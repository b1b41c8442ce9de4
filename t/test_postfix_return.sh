#!/bin/sh
#
# test_postfix_return.sh - the return path behind a real Postfix.
#
# A private Postfix (t/lib/postfix.sh) relays everything to the sink,
# except the domain of customer C1001, whose server (a second smtp-sink)
# answers 550 to every RCPT.  Postfix's own bounces pass the milter too
# (non_smtpd_milters, internal_mail_filter_classes = bounce), as a
# bounce from the customer's server would when it arrives by SMTP.
# Checks that
#   - a routed complaint leaves with the desk's return path, tagged with
#     the customer (ReturnPath desk, RecipientDelimiter +), and that
#     X-Abuse-Route keeps the reporter's envelope sender;
#   - a DKIM-signed complaint keeps every signed field and its body
#     hash: the route adds one header and changes no signed one;
#   - the complaint the customer's server rejects comes back to the desk
#     (abuse+C1001@), the bounce is kept there (reason bounce) with the
#     customer in the log (returned=C1001), and the reporter receives
#     nothing;
#   - every message ends somewhere: nothing is lost.
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

samples=$top_srcdir/samples
signed=$top_srcdir/t/fixtures/postfix/signed-report.eml
reporter=complainant@reporter.test

bail() {
	echo "Bail out! $*"
	pf_maillog_tail 30
	[ -n "$PF_DIR" ] && sed 's/^/# /' "$PF_DIR/abuse-milter.log" 2>/dev/null | tail -n 20
	exit 1
}

pf_setup || bail "cannot make the instance directory"
pf_map_load "$samples/map.csv" || bail "cannot build the sample map"
pf_milter_config RecipientDelimiter +
pf_milter_start || bail "abuse-milter does not start"
pf_sink_start || bail "smtp-sink does not start"
# the customer's server: every RCPT refused for good
rport=$(pf_ports 1)
"$SMTP_SINK" -u "$PF_MAILOWNER" -f RCPT \
    -B "550 5.1.1 Recipient address rejected: User unknown" \
    "127.0.0.1:$rport" 64 >"$PF_DIR/reject.out" 2>&1 &
pf_bg_add $!
"$PYTHON3" "$PF_HELPER" wait-port 127.0.0.1 "$rport" 10 ||
	bail "the rejecting sink does not answer"
pf_init "$(pf_milter_socket)"
pf_set "transport_maps = inline:{ c1001.example=smtp:[127.0.0.1]:$rport }" \
    "recipient_delimiter = +" \
    "non_smtpd_milters = $(pf_milter_socket)" \
    "internal_mail_filter_classes = bounce"
pf_start || bail "Postfix does not start"

PF_SENDER=$reporter
pf_send abuse@provider.test "$samples/arf-spam.eml" "<rejected@test>" \
    >/dev/null || bail "the complaint for C1001 was refused"
pf_send abuse@provider.test "$signed" >/dev/null ||
	bail "the signed complaint was refused"
# the signed complaint, and the bounce of the rejected one
pf_wait 2 60 || bail "the messages did not arrive"

# sender_of FILE: the MAIL FROM address the sink recorded
sender_of() {
	sed -n 's/^X-Mail-Args: *<\([^>]*\)>.*/\1/p' "$1" | head -n 1
}
# dump_for RCPT: the dumps with that envelope recipient
dump_for() {
	grep -il "^X-Rcpt-Args: *<$1>" "$PF_SINK_DIR"/* 2>/dev/null
}

# 1-4: the signed complaint, routed to C1002 with the tagged return path
d=$(dump_for abuse@c1002.example | head -n 1)
check_true "the signed complaint reaches its customer" test -n "$d"
check "it leaves with the desk's return path, tagged with the customer" \
    "$(sender_of "$d")" "abuse+C1002@provider.test"
grep -q "^X-Abuse-Route: route; .*envelope-from=<$reporter>" "$d"
tap $? "X-Abuse-Route keeps the reporter's envelope sender"
"$PYTHON3" "$PF_HELPER" dkim-intact "$signed" "$d" >"$PF_DIR/dkim.out" 2>&1
tap $? "every DKIM-signed field and the body hash are unchanged" \
    "$PF_DIR/dkim.out"
check "one header added: X-Abuse-Route" \
    "$(grep -c '^X-Abuse-Route:' "$d")" 1

# 5-9: the rejected complaint comes back to the desk
b=$(dump_for "abuse+c1001@provider.test" | head -n 1)
check_true "the rejection of the customer's server comes back to the desk" \
    test -n "$b"
check "as a bounce (null sender)" "$(sender_of "$b")" ""
check "the reporter receives nothing" \
    "$(dump_for "$reporter" | wc -l | tr -d ' ')" 0
grep -q "action=route reason=route .*customer=C1001 " \
    "$PF_DIR/abuse-milter.log"
tap $? "the complaint was routed to C1001" "$PF_DIR/abuse-milter.log"
grep -q "action=keep reason=bounce .*returned=C1001$" \
    "$PF_DIR/abuse-milter.log"
tap $? "the bounce is kept at the desk, the log names C1001" \
    "$PF_DIR/abuse-milter.log"
grep "returned=C1001\|customer=C1001 " "$PF_DIR/abuse-milter.log" |
    sed 's/^/# /'

# 10: nothing lost: the signed complaint and the bounce, nothing else
check "every message ends at the sink once" "$(pf_sink_count)" 2

tap_end
