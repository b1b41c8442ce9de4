# lib.sh - what the fault-injection and load tests share: TAP output, a
# private Postfix with abuse-milter (t/lib/postfix.sh), concurrent
# senders (flood.py) and the checks that nothing was lost or doubled.
#
#	. "$top_srcdir/t/faults/lib.sh"
#	fl_require			# SKIPs without root, Postfix, ...
#	fl_start [KEY VALUE]...		# map A, milter (config overrides),
#					# sink, Postfix
#	fl_flood PREFIX OPTIONS...	# flood.py send; $PF_DIR/PREFIX.out
#	fl_wait_all			# every accepted message delivered
#	fl_join PREFIX			# $PF_DIR/PREFIX.join, see below
#	fl_check_once PREFIX		# sent == delivered, each exactly once
#
# The complaints (t/faults/*.eml) use documentation addresses only:
# route.eml names 192.0.2.25 (cust-a in map A, cust-b in map B),
# keep.eml names 192.0.2.50 and 198.51.100.200 (two customers) and
# noip.eml names no address.
#
# A test run is shortened when QUICK is set in the environment or the
# milter is built with AddressSanitizer (FL_SLOW is then 1); every check
# still runs, except that resident memory bounds are not asserted on an
# AddressSanitizer build (FL_ASAN is 1): its allocator keeps freed memory
# in quarantine and per-thread caches.

. "$top_srcdir/t/lib/postfix.sh"
. "$top_srcdir/t/lib/tap.sh"

FL_DIR=$top_srcdir/t/faults
FL_FLOOD=$FL_DIR/flood.py
FL_DESK=abuse@provider.test
FL_CUST_A=abuse@cust-a.example
FL_CUST_B=abuse@cust-b.example
FL_SLOW=0
FL_ASAN=0

# fl_skip REASON: the whole script cannot run here.
fl_skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

# fl_require: skip unless a private Postfix and the programs are there.
fl_require() {
	pf_require || fl_skip "$PF_WHY"
	pf_programs
	[ -n "$PF_MILTER" ] || fl_skip "milter/abuse-milter is not built"
	[ -n "$PF_MAPTOOL" ] || fl_skip "tools/abuse-map is not built"
	[ -f "$PF_RULES" ] || fl_skip "no rules file $PF_RULES"
	if grep -q __asan_init "$PF_MILTER" 2>/dev/null; then
		FL_ASAN=1
		FL_SLOW=1
	fi
	[ -n "${QUICK:-}" ] && FL_SLOW=1
	# AddressSanitizer's quarantine would hide what the memory checks
	# measure; keep it small (harmless without ASan).
	ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=16:malloc_context_size=5"
	export ASAN_OPTIONS
	# flood.py runs up to a few hundred threads
	ulimit -n 4096 2>/dev/null
	return 0
}

# check_mem NAME ACTUAL_KB LIMIT_KB: ACTUAL_KB <= LIMIT_KB; a SKIP on an
# AddressSanitizer build.
check_mem() {
	if [ "$FL_ASAN" = 1 ]; then
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $1 # SKIP memory of an AddressSanitizer build"
	elif [ "$2" -le "$3" ]; then
		ok "$1 ($2 kB, bound $3 kB)"
	else
		notok "$1 ($2 kB, bound $3 kB)"
	fi
}

# bail MESSAGE: stop the test with diagnostics.
bail() {
	echo "Bail out! $*"
	pf_maillog_tail 30
	[ -n "$PF_DIR" ] && [ -f "$PF_DIR/abuse-milter.log" ] &&
		tail -n 20 "$PF_DIR/abuse-milter.log" | sed 's/^/# /'
	exit 1
}

# fl_start [KEY VALUE]...: map A in $PF_DIR/map, the milter with the
# given configuration overrides, the sink and Postfix (milter timeouts
# of 5 s, process limits for $PF_SMTPD_MAXPROC sessions).
fl_start() {
	pf_setup || bail "cannot make the instance directory"
	FL_MILTER_LOG=$PF_DIR/abuse-milter.log
	if [ "${FL_NOMAP:-}" != 1 ]; then
		pf_map_load "$FL_DIR/map-a.csv" || bail "cannot build map A"
	fi
	pf_milter_config LogLevel notice "$@"
	pf_milter_start || bail "abuse-milter does not start"
	pf_sink_start || bail "smtp-sink does not start"
	pf_init "$(pf_milter_socket)"
	pf_set milter_connect_timeout=5s milter_command_timeout=5s \
	    milter_content_timeout=5s \
	    default_process_limit=$((PF_SMTPD_MAXPROC + 20)) \
	    smtpd_authorized_xclient_hosts=127.0.0.0/8 ||
		bail "cannot configure Postfix"
	pf_start || bail "Postfix does not start"
}

# fl_milter_pid: the pid of the running milter (empty if none).
fl_milter_pid() {
	[ -n "${PF_MILTER_PID:-}" ] && kill -0 "$PF_MILTER_PID" 2>/dev/null &&
		echo "$PF_MILTER_PID"
}

# fl_milter_alive: the milter started last is running.
fl_milter_alive() {
	[ -n "$(fl_milter_pid)" ]
}

# fl_lines FILE: number of lines of FILE, 0 if it is not there.
fl_lines() {
	if [ -f "$1" ]; then
		wc -l <"$1" | tr -d ' '
	else
		echo 0
	fi
}

# fl_flood PREFIX OPTIONS...: send with flood.py (options as flood.py
# send takes them; --rcpt defaults to the desk, --template to
# route.eml); records in $PF_DIR/PREFIX.out, summary in
# $PF_DIR/PREFIX.sum.  Returns flood.py's status.
fl_flood() {
	_fl_p=$1
	shift
	"$PYTHON3" "$FL_FLOOD" send 127.0.0.1 "$PF_PORT" --prefix "$_fl_p" \
	    --rcpt "$FL_DESK" --template "$FL_DIR/route.eml" \
	    --out "$PF_DIR/$_fl_p.out" "$@" >"$PF_DIR/$_fl_p.sum" 2>&1
}

# fl_flood_bg PREFIX OPTIONS...: fl_flood in the background; sets
# FL_BG to its pid.
fl_flood_bg() {
	fl_flood "$@" &
	FL_BG=$!
	pf_bg_add "$FL_BG"
}

# fl_accepted [PREFIX...]: number of messages the server accepted.
fl_accepted() {
	for _fl_p in "$@"; do
		cat "$PF_DIR/$_fl_p.out"
	done | awk -F '\t' '$3 == 250' | wc -l | tr -d ' '
}

# fl_refused [PREFIX...]: number of messages refused or failed.
fl_refused() {
	for _fl_p in "$@"; do
		cat "$PF_DIR/$_fl_p.out"
	done | awk -F '\t' '$3 != 250' | wc -l | tr -d ' '
}

# fl_total_accepted: accepted messages of every flood so far.
fl_total_accepted() {
	cat "$PF_DIR"/*.out 2>/dev/null | awk -F '\t' '$3 == 250' | wc -l |
	    tr -d ' '
}

# fl_wait_all [SECONDS]: wait until every accepted message of every
# flood (and FL_EXTRA more) is at the sink and the queue is empty.
fl_wait_all() {
	pf_wait $(($(fl_total_accepted) + ${FL_EXTRA:-0})) "${1:-120}"
}

# fl_sink_after SECONDS N: wait until the sink holds N transactions.
fl_sink_reach() {
	_fl_end=$(($(date +%s) + $2))
	while [ "$(pf_sink_count)" -lt "$1" ]; do
		[ "$(date +%s)" -ge "$_fl_end" ] && return 1
		sleep 0.05
	done
	return 0
}

# fl_envelopes: refresh $PF_DIR/env (pf_envelopes of the whole sink).
fl_envelopes() {
	pf_envelopes >"$PF_DIR/env"
}

# fl_join PREFIX: $PF_DIR/PREFIX.join, one line per message sent:
# ID TEMPLATE CODE SESSION_START MSG_START END RCPTS NDUMPS ROUTE
# (tab separated; RCPTS "-" and NDUMPS 0 when it never arrived).  Reads
# $PF_DIR/env (call fl_envelopes first).
fl_join() {
	awk -F '\t' -v OFS='\t' '
	FILENAME == env { r[$1] = $2; n[$1] = $3; h[$1] = $5; next }
	{
		id = $1
		print id, $2, $3, $4, $5, $6, (id in r ? r[id] : "-"),
		    (id in n ? n[id] : 0), (id in h ? h[id] : "-")
	}' env="$PF_DIR/env" "$PF_DIR/env" "$PF_DIR/$1.out" >"$PF_DIR/$1.join"
}

# fl_check_once NAME PREFIX...: every message of the floods was accepted
# and arrived exactly once (one transaction), and the sink holds nothing
# else of theirs.
fl_check_once() {
	_fl_name=$1
	shift
	_fl_bad=$(for _fl_p in "$@"; do cat "$PF_DIR/$_fl_p.join"; done |
	    awk -F '\t' '$3 != 250 || $8 != 1' | wc -l | tr -d ' ')
	_fl_sent=$(for _fl_p in "$@"; do cat "$PF_DIR/$_fl_p.join"; done |
	    wc -l | tr -d ' ')
	_fl_got=0
	for _fl_p in "$@"; do
		_fl_n=$(awk -F '\t' -v p="$_fl_p-" \
		    'index($1, p) == 1 { s += $3 } END { print s + 0 }' \
		    "$PF_DIR/env")
		_fl_got=$((_fl_got + _fl_n))
	done
	if [ "$_fl_bad" = 0 ] && [ "$_fl_sent" = "$_fl_got" ]; then
		ok "$_fl_name: sent $_fl_sent, delivered $_fl_got, each once"
	else
		notok "$_fl_name: sent $_fl_sent, delivered $_fl_got, each once"
		for _fl_p in "$@"; do cat "$PF_DIR/$_fl_p.join"; done |
		    awk -F '\t' '$3 != 250 || $8 != 1' | head -n 5 |
		    sed 's/^/#   /'
	fi
}

# fl_count PREFIX AWK-CONDITION: messages of PREFIX.join matching.
fl_count() {
	awk -F '\t' "$2" "$PF_DIR/$1.join" | wc -l | tr -d ' '
}

# fl_other PREFIX ALLOWED...: messages of PREFIX.join whose recipients
# are none of ALLOWED (comma-separated recipient lists); shows a few.
fl_other() {
	_fl_p=$1
	shift
	awk -F '\t' -v allow="$*" '
	BEGIN { n = split(allow, a, " "); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
	!($7 in ok) { print }' "$PF_DIR/$_fl_p.join" >"$PF_DIR/$_fl_p.other"
	head -n 3 "$PF_DIR/$_fl_p.other" | sed 's/^/#   /' >&2
	wc -l <"$PF_DIR/$_fl_p.other" | tr -d ' '
}

# fl_serial: the serial of the map in $PF_DIR/map, 0 if none.
fl_serial() {
	"$PF_MAPTOOL" stat -m "$PF_DIR/map" 2>/dev/null |
	    awk -F '\t' '$1 == "serial" { s = $2 } END { print s + 0 }'
}

# fl_probe PREFIX RCPT [TRIES]: send route.eml one at a time until one
# arrives at RCPT (each probe is accepted and delivered like any other
# message); 0 when one did.  Used to know that the milter serves a new
# map or is back, without assuming how long that takes.
fl_probe() {
	_fl_i=0
	while [ "$_fl_i" -lt "${3:-30}" ]; do
		_fl_i=$((_fl_i + 1))
		_fl_before=$(pf_sink_count)
		"$PYTHON3" "$FL_FLOOD" send 127.0.0.1 "$PF_PORT" \
		    --prefix "$1-$_fl_i" --rcpt "$FL_DESK" \
		    --template "$FL_DIR/route.eml" --count 1 \
		    >/dev/null 2>&1 || return 1
		FL_EXTRA=$((${FL_EXTRA:-0} + 1))
		fl_sink_reach $((_fl_before + 1)) 60 || return 1
		sleep 0.2
		pf_envelopes | awk -F '\t' -v id="$1-$_fl_i-1@faults.test" \
		    -v r="$2" '$1 == id && $2 == r { f = 1 } END { exit !f }' &&
			return 0
		sleep 0.3
	done
	return 1
}

# fl_log_has PATTERN: the milter log has a line matching PATTERN.
fl_log_has() {
	grep -q -- "$1" "$FL_MILTER_LOG"
}

# fl_finish: the TAP plan (at the end) and the exit status.
fl_finish() {
	tap_end
	exit $?
}
