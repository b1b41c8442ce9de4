#!/bin/sh
#
# test_faults_reload.sh - abuse-milter behind a real Postfix while its map
# and its configuration change under load.
#
#   - `abuse-map load` replaces the map 50 times, alternating between map
#     A (192.0.2.0/24 is cust-a) and map B (it is cust-b), while 200
#     concurrent SMTP sessions send complaints about 192.0.2.25: every
#     message arrives exactly once, at cust-a or cust-b (never at the
#     desk: every map in service was sound), and the customer always is
#     the one of the map whose serial its X-Abuse-Route header names;
#   - SIGHUP with a broken rules file, then with a broken configuration:
#     the milter stays up, the snapshot in service keeps serving (the
#     broken files would have kept every complaint at the desk), and the
#     log says why ("FILE:LINE: message", "reload failed");
#   - SIGHUP with the files repaired: the reload succeeds.
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs.

. "$top_srcdir/t/faults/lib.sh"
fl_require

loads=50
sessions=200
PF_SMTPD_MAXPROC=$((sessions + 20))
fl_start

# --------------------------------------------- 50 map loads, 200 sessions
serial0=$(fl_serial)
echo "$serial0	A" >"$PF_DIR/serials"
fl_flood_bg churn --sessions $sessions --count $sessions \
    --per-session 100000 --until "$PF_DIR/churn.stop"
# all sessions are open and have sent a message
end=$(($(date +%s) + 120))
while [ "$(fl_lines "$PF_DIR/churn.out")" -lt $sessions ]; do
	[ "$(date +%s)" -lt "$end" ] || break
	sleep 0.1
done
t_loads=$(date +%s)
i=1
failed_loads=0
while [ $i -le $loads ]; do
	if [ $((i % 2)) = 1 ]; then map=B; else map=A; fi
	csv=$FL_DIR/map-$(echo $map | tr AB ab).csv
	if "$PF_MAPTOOL" load -m "$PF_DIR/map" "$csv" >"$PF_DIR/load.out" 2>&1
	then
		s=$(sed -n 's/.*serial \([0-9][0-9]*\).*/\1/p' "$PF_DIR/load.out")
		echo "$s	$map" >>"$PF_DIR/serials"
	else
		failed_loads=$((failed_loads + 1))
		sed 's/^/# load: /' "$PF_DIR/load.out"
	fi
	chown -R "$PF_MAILOWNER" "$PF_DIR/map"
	sleep 0.1
	i=$((i + 1))
done
t_loads=$(($(date +%s) - t_loads))
sleep 0.5
touch "$PF_DIR/churn.stop"
wait "$FL_BG"
check "$loads map loads succeeded during the sessions" "$failed_loads" 0
check "churn: no message refused" "$(fl_refused churn)" 0
fl_wait_all 180 || echo "# not everything arrived"
fl_envelopes
fl_join churn
fl_check_once "churn" churn
n=$(fl_accepted churn)
echo "# churn: $n messages in $sessions sessions, $loads loads in ${t_loads}s"
check "churn: every message at cust-a or cust-b" \
    "$(fl_other churn "$FL_CUST_A" "$FL_CUST_B")" 0
# the customer matches the map the header's serial names
awk -F '\t' '
NR == FNR { map[$1] = ($2 == "A" ? "abuse@cust-a.example" : \
    "abuse@cust-b.example"); next }
{
	s = ""
	if (match($9, /serial=[0-9]+/))
		s = substr($9, RSTART + 7, RLENGTH - 7)
	if (!(s in map) || map[s] != $7)
		print $1, $7, s
}' "$PF_DIR/serials" "$PF_DIR/churn.join" >"$PF_DIR/churn.mismatch"
sed -n '1,3s/^/#   /p' "$PF_DIR/churn.mismatch"
check "churn: each customer is the one of the map its serial names" \
    "$(wc -l <"$PF_DIR/churn.mismatch" | tr -d ' ')" 0
nserial=$(sed -n 's/.*serial=\([0-9][0-9]*\).*/\1/p' "$PF_DIR/churn.join" |
    sort -u | wc -l | tr -d ' ')
echo "# churn: $nserial map serials seen, $(fl_count churn \
    "\$7 == \"$FL_CUST_A\"") at cust-a, $(fl_count churn \
    "\$7 == \"$FL_CUST_B\"") at cust-b"
if [ "$nserial" -ge 2 ]; then
	ok "churn: messages were decided on $nserial different maps"
else
	notok "churn: messages were decided on $nserial different maps"
fi
check_true "churn: the milter is still running" fl_milter_alive

# the map now in service
last=$(tail -n 1 "$PF_DIR/serials" | cut -f 2)
if [ "$last" = A ]; then cust=$FL_CUST_A; else cust=$FL_CUST_B; fi

# ------------------------------------------------- broken reloads (SIGHUP)
# hup PREFIX PATTERN: SIGHUP during traffic; wait for PATTERN in the log.
hup() {
	_n=$(grep -c -- "$2" "$FL_MILTER_LOG")
	rm -f "$PF_DIR/$1.stop"
	fl_flood_bg "$1" --sessions 10 --count 20 --per-session 5 \
	    --until "$PF_DIR/$1.stop"
	fl_sink_reach $(($(pf_sink_count) + 5)) 60
	kill -HUP "$PF_MILTER_PID"
	_end=$(($(date +%s) + 30))
	while [ "$(grep -c -- "$2" "$FL_MILTER_LOG")" -le "$_n" ] &&
	    [ "$(date +%s)" -lt "$_end" ]; do
		sleep 0.1
	done
	# some more traffic under what is in service after the signal
	_to=$(($(fl_accepted "$1") + 20))
	_end=$(($(date +%s) + 60))
	while [ "$(fl_accepted "$1")" -lt "$_to" ] &&
	    [ "$(date +%s)" -lt "$_end" ]; do
		sleep 0.1
	done
	touch "$PF_DIR/$1.stop"
	wait "$FL_BG"
}

rules=$PF_RUN/abuse.rules
conf=$PF_MILTER_CONF
cp "$rules" "$PF_DIR/rules.good"
cp "$conf" "$PF_DIR/conf.good"

# a rules file whose only rule does not compile
printf 'rule broken\n\tregion\t\ttext\n\tstrength\tstrong\n\tpattern\t\t(?<ip>unclosed\n' \
    >"$rules"
hup badrules "reload failed"
fl_log_has "reload failed" && fl_log_has "abuse.rules:[0-9]*:" &&
	ok "broken rules: the log says why (file:line) and that reload failed" ||
	notok "broken rules: the log says why (file:line) and that reload failed"
grep 'reload' "$FL_MILTER_LOG" | tail -n 3 | sed 's/^/#   /'
cp "$PF_DIR/rules.good" "$rules"

# a configuration with a bad line after a change of AbuseRecipients
{
	grep -iv '^AbuseRecipients' "$PF_DIR/conf.good"
	echo "AbuseRecipients other@provider.test"
	echo "MaxScanBytes lots"
} >"$conf"
hup badconf "abuse-milter.conf:[0-9]*:"
fl_log_has "abuse-milter.conf:[0-9]*:.*MaxScanBytes\|abuse-milter.conf:[0-9]*:.*lots" &&
	ok "broken configuration: the log names file, line and key" ||
	notok "broken configuration: the log names file, line and key"
grep 'abuse-milter.conf:' "$FL_MILTER_LOG" | tail -n 2 | sed 's/^/#   /'
cp "$PF_DIR/conf.good" "$conf"

hup goodconf "reloaded "
fl_log_has "reloaded .*generation" &&
	ok "repaired files: the reload succeeds" ||
	notok "repaired files: the reload succeeds"

fl_wait_all 120 || echo "# not everything arrived"
fl_envelopes
for p in badrules badconf goodconf; do
	fl_join $p
	check "$p: no message refused" "$(fl_refused $p)" 0
	fl_check_once "$p" $p
	check "$p: every message routed by the snapshot in service" \
	    "$(fl_other $p "$cust")" 0
done
check_true "reloads: the milter is still running" fl_milter_alive
check "sent == delivered (all transactions at the sink)" \
    "$(pf_sink_count | tr -d ' ')" "$(fl_total_accepted)"
fl_finish
