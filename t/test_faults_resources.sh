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
#   - huge complaints (30 MB, several at once): each is delivered whole;
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
# The evidence at the top, then 30 MB; 30 MB, then the evidence.
mb=30
nbig=2
[ "$FL_SLOW" = 1 ] && nbig=1
filler() {
	"$PYTHON3" -c '
import sys
line = b"x" * 76 + b"\n"
n = int(sys.argv[1]) * 1024 * 1024 // len(line)
sys.stdout.buffer.write(line * n)' "$1"
}
{
	cat "$FL_DIR/route.eml" | sed '$d'
	echo "--fault-boundary-1"
	echo "Content-Type: text/plain; charset=us-ascii"
	echo
	filler $mb
	echo "--fault-boundary-1--"
} >"$PF_DIR/big-top.eml"
{
	sed -n '1,/^$/p' "$FL_DIR/route.eml"
	echo "--fault-boundary-1"
	echo "Content-Type: text/plain; charset=us-ascii"
	echo
	filler $mb
	sed '1,/^$/d' "$FL_DIR/route.eml"
} >"$PF_DIR/big-late.eml"
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
check "huge, IP past MaxScanBytes: stays at the desk" \
    "$(fl_count biglate "\$7 == \"$FL_DESK\"")" $nbig
whole=$(find "$PF_SINK_DIR" -type f -size +$((mb * 1024))k | wc -l | tr -d ' ')
check "huge: delivered whole" "$whole" $((2 * nbig))
grow=$(((hwm1 - rss0) / 1024))
total=$((2 * nbig * size / 1048576))
echo "# huge: milter VmRSS ${rss0} kB before, ${rss1} kB after; VmHWM ${hwm0} -> ${hwm1} kB (+${grow} MB for ${total} MB of complaints at once)"
# Unbounded reading would keep the messages: $total MB.  Bounded, each
# message costs a few times MaxScanBytes at most.
limit=$((2 * nbig * 4 * 3 + 16))
if [ "$grow" -le "$limit" ]; then
	ok "huge: peak memory grew ${grow} MB (bound ${limit} MB)"
else
	notok "huge: peak memory grew ${grow} MB (bound ${limit} MB)"
fi
check_true "huge: the milter is still running" fl_milter_alive

check "sent == delivered (all transactions at the sink)" \
    "$(pf_sink_count | tr -d ' ')" "$(($(fl_total_accepted) + FL_EXTRA))"
fl_finish
