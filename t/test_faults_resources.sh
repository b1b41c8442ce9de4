#!/bin/sh
#
# test_faults_resources.sh - abuse-milter behind a real Postfix when its
# resources run short.
#
#   - LMDB reader slots exhausted: a helper (t/faults/hold_readers) holds
#     every slot of the reader table of the map in service, and of the
#     next map; 200 concurrent sessions are still routed, `abuse-map load`
#     still replaces the map and the milter takes the new one (the milter
#     opens generations without a lock file, so it needs no slot);
#   - huge complaints (a 30 MB screenshot, several at once): each is
#     delivered whole;
#     one naming its IP at the top is routed, one naming it only after
#     MaxScanBytes stays at the desk (the scan limit holds); the milter's
#     peak resident memory (VmHWM) grows by far less than the messages'
#     size;
#   - every message sent is delivered exactly once.
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs.

. "$top_srcdir/t/faults/lib.sh"
fl_require

HOLD=$top_builddir/t/faults/hold_readers
[ -x "$HOLD" ] || fl_skip "t/faults/hold_readers is not built"

sessions=200
PF_SMTPD_MAXPROC=$((sessions + 20))
fl_start MaxScanBytes 4M

# ------------------------------------------------ reader slots exhausted
# hold FILE NAME: fill the reader table of FILE; sets HOLD_PID and
# checks that the table is full.
hold() {
	rm -f "$PF_DIR/hold.in"
	mkfifo "$PF_DIR/hold.in"
	"$HOLD" "$1" <"$PF_DIR/hold.in" >"$PF_DIR/hold.$2" 2>&1 &
	HOLD_PID=$!
	pf_bg_add "$HOLD_PID"
	# keep the fifo open for writing: the helper holds until it closes
	exec 7>"$PF_DIR/hold.in"
	_end=$(($(date +%s) + 30))
	while ! grep -q '^held' "$PF_DIR/hold.$2" 2>/dev/null &&
	    [ "$(date +%s)" -lt "$_end" ]; do
		sleep 0.1
	done
	echo "# $2: $(cat "$PF_DIR/hold.$2")"
	check "$2: every reader slot of the map is held" \
	    "$(sed -n 's/^held [0-9]* //p' "$PF_DIR/hold.$2")" full
	# one more reader gets none
	"$HOLD" "$1" </dev/null >"$PF_DIR/hold2.$2" 2>&1
	check "$2: no slot is left for another reader" \
	    "$(cat "$PF_DIR/hold2.$2")" "held 0 full"
}

release() {
	exec 7>&-
	wait "$HOLD_PID"
}

gen=$PF_DIR/map/$(readlink "$PF_DIR/map/current")
hold "$gen" readers
fl_flood readers --sessions $sessions --count $sessions
check "readers full: no message refused" "$(fl_refused readers)" 0
# a new map while the slots of the one in service are held
pf_map_load "$FL_DIR/map-b.csv" || bail "cannot load map B"
check_true "readers full: abuse-map load replaces the map" \
    fl_probe probeb "$FL_CUST_B"
gen=$PF_DIR/map/$(readlink "$PF_DIR/map/current")
release
hold "$gen" readers-b
fl_flood readersb --sessions $sessions --count $sessions
check "readers full (map B): no message refused" "$(fl_refused readersb)" 0
fl_wait_all 120 || echo "# not everything arrived"
release
fl_envelopes
fl_join readers
fl_join readersb
fl_check_once "readers full" readers
check "readers full: every message at cust-a" \
    "$(fl_other readers "$FL_CUST_A")" 0
fl_check_once "readers full (map B)" readersb
check "readers full (map B): every message at cust-b" \
    "$(fl_other readersb "$FL_CUST_B")" 0

# ------------------------------------------------ huge complaints
# The evidence, then a 30 MB screenshot; a 30 MB screenshot, then the
# evidence (and no address in the Subject:).
mb=30
nbig=2
[ "$FL_SLOW" = 1 ] && nbig=1
# filler KB: base64 lines of about KB kilobytes
filler() {
	"$PYTHON3" -c '
import base64, sys
line = base64.b64encode(bytes(range(57))) + b"\n"
sys.stdout.buffer.write(line * (int(sys.argv[1]) * 1024 // len(line)))' "$1"
}
# part CONTENT-TYPE KB: a MIME part of filler
part() {
	echo "--fault-boundary-1"
	echo "Content-Type: $1"
	echo "Content-Transfer-Encoding: base64"
	echo
	filler "$2"
}
{
	sed '$d' "$FL_DIR/route.eml"
	part 'image/png; name="screen.png"' $((mb * 1024))
	echo "--fault-boundary-1--"
} >"$PF_DIR/big-top.eml"
{
	sed -n '1,/^$/p' "$FL_DIR/route.eml" |
	    sed 's/^Subject: .*/Subject: Abuse report/'
	part 'image/png; name="screen.png"' $((mb * 1024))
	sed '1,/^$/d' "$FL_DIR/route.eml"
} >"$PF_DIR/big-late.eml"
# a complaint with a long text part (1 MB) after the evidence
{
	sed '$d' "$FL_DIR/route.eml"
	echo "--fault-boundary-1"
	echo "Content-Type: text/plain; charset=us-ascii"
	echo
	"$PYTHON3" -c '
import sys
line = b"Mar 16 09:55:10 mx1 postfix/smtpd[3311]: lost connection after DATA\n"
sys.stdout.buffer.write(line * (1024 * 1024 // len(line)))'
	echo "--fault-boundary-1--"
} >"$PF_DIR/long-text.eml"
size=$(wc -c <"$PF_DIR/big-top.eml" | tr -d ' ')
echo "# huge: $nbig + $nbig complaints of $size bytes, MaxScanBytes 4M"

pid=$(fl_milter_pid)
kb() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}
rss0=$(kb "$pid" VmRSS)
hwm0=$(kb "$pid" VmHWM)
fl_flood bigtop --sessions $nbig --count $nbig \
    --template "$PF_DIR/big-top.eml" &
p1=$!
fl_flood biglate --sessions $nbig --count $nbig \
    --template "$PF_DIR/big-late.eml" &
p2=$!
pf_bg_add "$p1 $p2"
wait "$p1"
wait "$p2"
rss1=$(kb "$pid" VmRSS)
hwm1=$(kb "$pid" VmHWM)
check "huge: no message refused" "$(fl_refused bigtop biglate)" 0
fl_wait_all 300 || echo "# not everything arrived"
fl_envelopes
fl_join bigtop
fl_join biglate
fl_check_once "huge" bigtop biglate
check "huge, IP at the top: routed to cust-b (map B)" \
    "$(fl_count bigtop "\$7 == \"$FL_CUST_B\"")" $nbig
check "huge, IP past MaxScanBytes: stays at the desk (no-ip)" \
    "$(fl_count biglate "\$7 == \"$FL_DESK\" && \$9 ~ /reason=no-ip/")" $nbig
# the evidence past the limit is sound: read whole, it routes
awk 'tolower($1) != "maxscanbytes"' "$PF_MILTER_CONF" >"$PF_DIR/big.conf"
echo "MaxScanBytes 64M" >>"$PF_DIR/big.conf"
"$PF_MILTER" -c "$PF_DIR/big.conf" -t "$PF_DIR/big-late.eml" \
    >"$PF_DIR/big-late.json" 2>&1
check "huge, IP past MaxScanBytes: routed when read whole (dry run)" \
    "$(sed -n 's/.*"action":"\([a-z]*\)".*/\1/p' "$PF_DIR/big-late.json")" route
whole=$(find "$PF_SINK_DIR" -type f -size +$((mb * 1024))k | wc -l | tr -d ' ')
check "huge: delivered whole" "$whole" $((2 * nbig))
grow=$((hwm1 - rss0))
total=$((2 * nbig * size / 1048576))
echo "# huge: milter VmRSS ${rss0} kB before, ${rss1} kB after; VmHWM ${hwm0} -> ${hwm1} kB (+$((grow / 1024)) MB for ${total} MB of complaints at once)"
# Unbounded reading would keep the messages: $total MB.  Bounded, each
# message costs a few times MaxScanBytes (4 MB) at most.
check_mem "huge: peak memory growth bounded by the scan limit" \
    "$grow" $(((2 * nbig * 4 * 3 + 16) * 1024))
check_true "huge: the milter is still running" fl_milter_alive

fl_flood longtext --sessions 1 --count 1 --template "$PF_DIR/long-text.eml"
fl_wait_all 60 || echo "# not everything arrived"
fl_envelopes
fl_join longtext
fl_check_once "long text part" longtext
check "long text part after the evidence: routed to cust-b" \
    "$(cut -f 7,9 "$PF_DIR/longtext.join")" \
    "$FL_CUST_B	$(cut -f 9 "$PF_DIR/longtext.join")"

check "sent == delivered (all transactions at the sink)" \
    "$(pf_sink_count | tr -d ' ')" "$(($(fl_total_accepted) + FL_EXTRA))"
fl_finish
