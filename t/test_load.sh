#!/bin/sh
#
# test_load.sh - abuse-milter behind a real Postfix under 200 concurrent
# SMTP sessions for a bounded time (60 s, 30 s with QUICK or an ASan
# build).
#
# Three kinds of complaint in turn: one naming a customer's address
# (routed to cust-a), one naming two customers (kept at the desk), one
# naming no address (kept at the desk).  Checks that
#   - no message is refused, every one is delivered exactly once, each to
#     where its kind says;
#   - the milter's log has no error, warning, panic or fatal line and the
#     Postfix log no error, panic, fatal or milter warning;
#   - the milter's resident memory is flat after the warm-up (the first
#     third): it never grows by more than max(8 MB, 10 %) over its level
#     at the end of the warm-up (not asserted on an ASan build).
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs.

. "$top_srcdir/t/faults/lib.sh"
fl_require

sessions=200
duration=60
[ "$FL_SLOW" = 1 ] && duration=30
PF_SMTPD_MAXPROC=$((sessions + 20))
fl_start

pid=$(fl_milter_pid)
"$PYTHON3" "$FL_FLOOD" rss "$pid" 1 "$PF_DIR/rss" "$PF_DIR/rss.stop" &
pf_bg_add $!
t0=$(date +%s)
fl_flood load --sessions $sessions --count $sessions --per-session 10 \
    --duration $duration \
    --template "$FL_DIR/route.eml,$FL_DIR/keep.eml,$FL_DIR/noip.eml"
t1=$(date +%s)
touch "$PF_DIR/rss.stop"
sent=$(fl_accepted load)
echo "# load: $sent messages in $((t1 - t0)) s over $sessions sessions"
check "load: no message refused" "$(fl_refused load)" 0
fl_wait_all 300 || echo "# not everything arrived"
fl_envelopes
fl_join load
fl_check_once "load" load
check "load: complaints naming a customer routed to cust-a" \
    "$(fl_count load "\$2 == 0 && \$7 != \"$FL_CUST_A\"")" 0
check "load: complaints naming two customers kept at the desk" \
    "$(fl_count load "\$2 == 1 && (\$7 != \"$FL_DESK\" || \$9 !~ /reason=multi-customer/)")" 0
check "load: complaints naming no address kept at the desk" \
    "$(fl_count load "\$2 == 2 && (\$7 != \"$FL_DESK\" || \$9 !~ /reason=no-ip/)")" 0

# logs
grep -i 'error\|warning\|panic\|fatal' "$FL_MILTER_LOG" >"$PF_DIR/milter.bad"
sed -n '1,5s/^/#   /p' "$PF_DIR/milter.bad"
check "load: no error or warning in the milter's log" \
    "$(fl_lines "$PF_DIR/milter.bad")" 0
grep 'error\|panic\|fatal\|warning: milter' "$PF_LOG" >"$PF_DIR/maillog.bad"
sed -n '1,5s/^/#   /p' "$PF_DIR/maillog.bad"
check "load: no error, panic, fatal or milter warning in the mail log" \
    "$(fl_lines "$PF_DIR/maillog.bad")" 0
check "load: one decision logged per message" \
    "$(grep -c ': action=' "$FL_MILTER_LOG")" "$sent"

# memory: flat after the warm-up
awk -F '\t' -v w="$((duration / 3))" '
$1 <= w { base = $2 }
$1 > w && $2 > max { max = $2 }
{ last = $2 }
END { printf "%d %d %d\n", base, max, last }' "$PF_DIR/rss" >"$PF_DIR/rss.sum"
read base max last <"$PF_DIR/rss.sum"
margin=$((base / 10))
[ "$margin" -lt 8192 ] && margin=8192
echo "# load: milter VmRSS $base kB after warm-up, at most $max kB later, $last kB at the end ($(fl_lines "$PF_DIR/rss") samples)"
check_true "load: resident memory sampled" [ "$base" -gt 0 ]
check_mem "load: resident memory flat after warm-up (growth)" \
    $((max - base)) "$margin"
check_true "load: the milter is still running" fl_milter_alive
fl_finish
