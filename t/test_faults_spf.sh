#!/bin/sh
#
# test_faults_spf.sh - SPF DNS lookups that never answer, behind a real
# Postfix.
#
# The milter runs in a mount namespace of its own whose /etc/resolv.conf
# names a loopback address where a UDP socket reads every query and
# answers none.  Clients claim a documentation address with XCLIENT (SPF
# passes a loopback client without asking DNS).  With SPFTimeout 1:
#   - SPFPolicy route-unless-fail: every complaint is still decided by
#     the milter within Postfix's milter timeouts (5 s), with spf=
#     temperror, and routed to the customer;
#   - SPFPolicy require-pass: every complaint stays at the desk with
#     reason spf-not-pass;
#   - the DNS server did receive the queries; Postfix never timed out on
#     the milter; every message sent is delivered exactly once.
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs, or where mount namespaces (unshare -m) are not allowed.

. "$top_srcdir/t/faults/lib.sh"
fl_require

command -v unshare >/dev/null 2>&1 || fl_skip "unshare is not installed"
unshare -m sh -c 'mount --bind /dev/null /etc/hostname' 2>/dev/null ||
	fl_skip "mount namespaces are not allowed here (unshare -m)"

PF_SMTPD_MAXPROC=40
n=20
[ "$FL_SLOW" = 1 ] && n=10
pf_setup || bail "cannot make the instance directory"

# A DNS server that never answers, on a free loopback address.
i=0
while :; do
	i=$((i + 1))
	[ $i -le 20 ] || bail "no free loopback address for the DNS server"
	ns=127.$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%d.%d.%d", \
	    1 + int(rand() * 250), 1 + int(rand() * 250), 2 + int(rand() * 250) }')
	rm -f "$PF_DIR/dns.pid"
	"$PYTHON3" "$FL_FLOOD" blackhole-udp "$ns" 53 "$PF_DIR/dns.pid" \
	    "$PF_DIR/dns.log" 2>"$PF_DIR/dns.err" &
	dns=$!
	pf_bg_add "$dns"
	j=0
	while [ ! -s "$PF_DIR/dns.pid" ] && kill -0 "$dns" 2>/dev/null &&
	    [ $j -lt 100 ]; do
		sleep 0.05
		j=$((j + 1))
	done
	[ -s "$PF_DIR/dns.pid" ] && break
done
printf 'nameserver %s\n' "$ns" >"$PF_DIR/resolv.conf"
chmod 644 "$PF_DIR/resolv.conf"
echo "# DNS that never answers: $ns:53"

# The milter, in a mount namespace where resolv.conf names that server.
real_milter=$PF_MILTER
PF_MILTER=$PF_DIR/milter-ns.sh
cat >"$PF_MILTER" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount --bind "\$0" /etc/resolv.conf && exec "\$@"' \\
    "$PF_DIR/resolv.conf" "$real_milter" "\$@"
EOF
chmod 755 "$PF_MILTER"

pf_map_load "$FL_DIR/map-a.csv" || bail "cannot build map A"
FL_MILTER_LOG=$PF_DIR/abuse-milter.log
pf_milter_config LogLevel notice SPFPolicy route-unless-fail SPFTimeout 1
pf_milter_start || bail "abuse-milter does not start"
pf_sink_start || bail "smtp-sink does not start"
pf_init "$(pf_milter_socket)"
pf_set milter_connect_timeout=5s milter_command_timeout=5s \
    milter_content_timeout=5s default_process_limit=60 \
    smtpd_authorized_xclient_hosts=127.0.0.0/8 \
    "mynetworks=127.0.0.0/8 198.51.100.0/24" ||
	bail "cannot configure Postfix"
pf_start || bail "Postfix does not start"

# the namespace holds: the milter's resolv.conf is ours
pid=$(fl_milter_pid)
check "the milter resolves through $ns" \
    "$(nsenter -t "$pid" -m cat /etc/resolv.conf 2>/dev/null ||
    echo unknown)" "nameserver $ns"

# ------------------------------------------------ route-unless-fail
fl_flood unless --sessions 10 --count $n --xclient 198.51.100.7
check "route-unless-fail: no message refused" "$(fl_refused unless)" 0
fl_wait_all 120 || echo "# not everything arrived"
fl_envelopes
fl_join unless
fl_check_once "route-unless-fail" unless
check "route-unless-fail: every message decided by the milter" \
    "$(fl_count unless '$9 ~ /^(route|keep);/')" $n
check "route-unless-fail: temperror routes to cust-a" \
    "$(fl_count unless "\$7 == \"$FL_CUST_A\"")" $n
check "route-unless-fail: the log says spf=temperror" \
    "$(grep -c 'action=route .*spf=temperror' "$FL_MILTER_LOG")" $n
awk -F '\t' '{ printf "%.1f\n", $6 - $5 }' "$PF_DIR/unless.join" |
    sort -n | tail -n 1 | sed 's/^/# route-unless-fail: slowest message (s): /'

# ------------------------------------------------ require-pass
awk 'tolower($1) != "spfpolicy"' "$PF_MILTER_CONF" >"$PF_DIR/conf.tmp"
echo "SPFPolicy require-pass" >>"$PF_DIR/conf.tmp"
cat "$PF_DIR/conf.tmp" >"$PF_MILTER_CONF"
nrel=$(grep -c 'reloaded ' "$FL_MILTER_LOG")
kill -HUP "$pid"
end=$(($(date +%s) + 30))
while [ "$(grep -c 'reloaded ' "$FL_MILTER_LOG")" -le "$nrel" ] &&
    [ "$(date +%s)" -lt "$end" ]; do
	sleep 0.1
done
fl_flood require --sessions 10 --count $n --xclient 198.51.100.7
check "require-pass: no message refused" "$(fl_refused require)" 0
fl_wait_all 120 || echo "# not everything arrived"
fl_envelopes
fl_join require
fl_check_once "require-pass" require
check "require-pass: temperror keeps every message at the desk" \
    "$(fl_count require "\$7 == \"$FL_DESK\" && \$9 ~ /reason=spf-not-pass/")" $n

# ------------------------------------------------ the whole run
nq=$(fl_lines "$PF_DIR/dns.log")
echo "# $nq DNS queries went unanswered"
if [ "$nq" -gt 0 ]; then
	ok "the SPF queries reached the DNS server that never answers ($nq)"
else
	notok "the SPF queries reached the DNS server that never answers ($nq)"
fi
check "Postfix never timed out on the milter" \
    "$(grep -c 'milter.*\(timed out\|timeout\)' "$PF_LOG")" 0
check_true "the milter is still running" fl_milter_alive
check "sent == delivered (all transactions at the sink)" \
    "$(pf_sink_count | tr -d ' ')" "$(fl_total_accepted)"
fl_finish
