#!/bin/sh
#
# test_faults_map.sh - the map directory of abuse-milter goes wrong while
# a real Postfix hands it complaints.
#
#   - no map directory when the milter starts: it starts, every complaint
#     stays at the desk (reason map-error); a map loaded later is taken
#     without a restart;
#   - the map directory deleted while 10 clients send: nothing is lost,
#     messages finished before are at the customer, later ones at the
#     customer of the map still open or at the desk;
#   - a new directory with a new map after that: its map is taken;
#   - the map directory replaced by one whose `current` names a file of
#     garbage and whose `generation` holds garbage, then by a plain file
#     of garbage, while clients send: the milter stays up, messages are at
#     the customer of the last sound map or at the desk;
#   - every message sent is delivered exactly once.
# SKIPs (exit 77) without root, Postfix, smtp-sink, python3 or the built
# programs.

. "$top_srcdir/t/faults/lib.sh"
fl_require

PF_SMTPD_MAXPROC=40
FL_NOMAP=1 fl_start
map=$PF_DIR/map

now() {
	date +%s.%N | cut -c 1-14
}

# more PREFIX N SECONDS: wait until N more messages of PREFIX arrived
# at the sink.
more() {
	fl_sink_reach $(($(pf_sink_count) + $2)) "$3" ||
		echo "# $1: slow traffic"
}

# ------------------------------------------------- no map at start
fl_flood nomap --sessions 5 --count 20
check "no map: no message refused" "$(fl_refused nomap)" 0
fl_wait_all 60 || echo "# not everything arrived"
fl_envelopes
fl_join nomap
fl_check_once "no map" nomap
check "no map: every message at the desk" \
    "$(fl_count nomap "\$7 == \"$FL_DESK\"")" 20
check "no map: X-Abuse-Route says map-error" \
    "$(fl_count nomap '$9 ~ /^keep; reason=map-error/')" 20
check_true "no map: the log says the map is missing" \
    fl_log_has "no map in service"

pf_map_load "$FL_DIR/map-a.csv" || bail "cannot build map A"
check_true "map loaded after start: taken without a restart" \
    fl_probe probea "$FL_CUST_A"
fl_flood loaded --sessions 5 --count 20
fl_wait_all 60 || echo "# not everything arrived"
fl_envelopes
fl_join loaded
fl_check_once "map loaded after start" loaded
check "map loaded after start: every message at cust-a" \
    "$(fl_count loaded "\$7 == \"$FL_CUST_A\"")" 20

# ------------------------------------------------- deleted under traffic
fl_flood_bg deleted --sessions 10 --count 10 --until "$PF_DIR/deleted.stop"
more deleted 30 60
t_del=$(now)
rm -rf "$map"
more deleted 60 60
touch "$PF_DIR/deleted.stop"
wait "$FL_BG"
check "deleted: no message refused" "$(fl_refused deleted)" 0
fl_wait_all 60 || echo "# not everything arrived"
fl_envelopes
fl_join deleted
fl_check_once "deleted" deleted
check "deleted: every message at cust-a or the desk" \
    "$(fl_other deleted "$FL_CUST_A" "$FL_DESK")" 0
before=$(fl_count deleted "\$6 < $t_del")
check "deleted: messages done before the deletion are at cust-a" \
    "$(fl_count deleted "\$6 < $t_del && \$7 == \"$FL_CUST_A\"")" "$before"
echo "# deleted: $before before, $(fl_count deleted "\$4 > $t_del && \
\$7 == \"$FL_CUST_A\"") after the deletion at cust-a (the open map), \
$(fl_count deleted "\$7 == \"$FL_DESK\"") at the desk"
check_true "deleted: the milter is still running" fl_milter_alive

# A new directory: its first map has serial 1 again, like the deleted one.
pf_map_load "$FL_DIR/map-b.csv" || bail "cannot build map B"
fl_probe recreated "$FL_CUST_B" 5
check "recreated directory: its new map is taken" $? 0
# one more load gives a serial the milter has not seen
pf_map_load "$FL_DIR/map-b.csv" || bail "cannot build map B"
check_true "recreated directory: the next map is taken" \
    fl_probe probeb "$FL_CUST_B"

# ------------------------------------------------- garbage under traffic
serial_b=$(fl_serial)
fl_flood_bg garbage --sessions 10 --count 10 --until "$PF_DIR/garbage.stop"
more garbage 30 60
t_garbage=$(now)
# a directory of garbage: `current` names a file that is no LMDB
mkdir "$PF_DIR/junk"
head -c 65536 /dev/urandom >"$PF_DIR/junk/map.9999.mdb"
ln -s map.9999.mdb "$PF_DIR/junk/current"
head -c 8 /dev/urandom >"$PF_DIR/junk/generation"
chown -R "$PF_MAILOWNER" "$PF_DIR/junk"
mv "$map" "$PF_DIR/map.gone"
mv "$PF_DIR/junk" "$map"
rm -rf "$PF_DIR/map.gone"
more garbage 40 60
# a plain file of garbage
rm -rf "$map"
head -c 65536 /dev/urandom >"$map"
more garbage 40 60
touch "$PF_DIR/garbage.stop"
wait "$FL_BG"
check "garbage: no message refused" "$(fl_refused garbage)" 0
fl_wait_all 60 || echo "# not everything arrived"
fl_envelopes
fl_join garbage
fl_check_once "garbage" garbage
check "garbage: every message at cust-b or the desk" \
    "$(fl_other garbage "$FL_CUST_B" "$FL_DESK")" 0
before=$(fl_count garbage "\$6 < $t_garbage")
check "garbage: messages done before the garbage are at cust-b" \
    "$(fl_count garbage "\$6 < $t_garbage && \$7 == \"$FL_CUST_B\"")" \
    "$before"
echo "# garbage: $(fl_count garbage "\$7 == \"$FL_CUST_B\"") at cust-b, \
$(fl_count garbage "\$7 == \"$FL_DESK\"") at the desk"
check_true "garbage: the milter is still running" fl_milter_alive

# a sound map again, in a new directory, with a serial the milter has
# not seen yet
rm -f "$map"
i=0
while [ "$(fl_serial)" -le "$serial_b" ] && [ $i -lt 10 ]; do
	pf_map_load "$FL_DIR/map-a.csv" || bail "cannot build map A"
	i=$((i + 1))
done
check_true "sound map again: taken" fl_probe proberestored "$FL_CUST_A"

check "sent == delivered (all transactions at the sink)" \
    "$(pf_sink_count | tr -d ' ')" "$(($(fl_total_accepted) + FL_EXTRA))"
fl_finish
