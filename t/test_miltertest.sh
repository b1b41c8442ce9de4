#!/bin/sh
#
# test_miltertest.sh - the real abuse-milter daemon driven by miltertest.
#
# Builds a small map from t/miltertest/map.csv with abuse-map, starts the
# daemon in the foreground on a local socket in a temporary directory
# (as nobody when the test runs as root), runs each Lua script of
# t/miltertest/ with miltertest (they share t/miltertest/common.lua), and
# checks -n, -t, -s, the log line, the counters, SIGHUP reloads (a broken
# file keeps the old configuration) and a clean stop.  Prints TAP; SKIPs
# (exit 77) when miltertest is not installed.

srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
MT_DIR=$srcdir/t/miltertest
MILTER=$builddir/milter/abuse-milter
MAPTOOL=$builddir/tools/abuse-map
MILTERTEST=${MILTERTEST:-$(command -v miltertest 2>/dev/null)}

if [ -z "$MILTERTEST" ] || [ ! -x "$MILTERTEST" ]; then
	echo "1..0 # SKIP miltertest is not installed (apt-get install miltertest)"
	exit 77
fi
for p in "$MILTER" "$MAPTOOL"; do
	if [ ! -x "$p" ]; then
		echo "Bail out! $p is not built"
		exit 1
	fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/abuse-miltertest.XXXXXX") || exit 1
PID=""
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	[ -f "$T/dns.pid" ] && kill "$(cat "$T/dns.pid")" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

N=0
FAILED=0
ok() {
	N=$((N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
		FAILED=1
	fi
}
diag() {
	sed 's/^/# /' "$@"
}

# The daemon drops to nobody and re-reads its files on a reload: it gets
# copies in $T, readable whatever the permissions of the source tree.
chmod 755 "$T"
mkdir "$T/run"
cp "$srcdir/rules/abuse.rules" "$T/abuse.rules" || exit 1
chmod 644 "$T/abuse.rules"
USER_OPT=""
if [ "$(id -u)" = 0 ]; then
	USER_OPT="-u nobody"
	chown nobody "$T/run"
fi
SOCK=$T/run/milter.sock
CONF=$T/abuse-milter.conf

write_conf() {
	cat >"$CONF" <<EOF
# written by test_miltertest.sh
Socket local:$SOCK
Syslog no
LogLevel info
AbuseRecipients abuse@provider.test, security@provider.test $1
MapDirectory $T/map
RulesFile $T/abuse.rules
KeepCopy archive@provider.test
KeepSenders police.example
SPFPolicy off
RateLimit 3/1h
StatsFile $T/run/stats.prom
StatsInterval 1
EOF
}

# The map, the configuration, -n.
"$MAPTOOL" load -q -m "$T/map" "$MT_DIR/map.csv" >"$T/map.out" 2>&1
ok $? "abuse-map load builds the test map"
write_conf ""
"$MILTER" -c "$CONF" -n >"$T/n.out" 2>&1
rc=$?
ok $rc "abuse-milter -n accepts the configuration, rules and map"
[ $rc = 0 ] || diag "$T/n.out"

printf 'Socket local:%s\nSPFPolicy maybe\n' "$SOCK" >"$T/bad.conf"
"$MILTER" -c "$T/bad.conf" -n >"$T/bad.out" 2>&1
rc=$?
grep -q "^$T/bad.conf:2: SPFPolicy: \"maybe\"" "$T/bad.out"
ok $(( rc == 1 ? $? : 1 )) "abuse-milter -n: a bad value fails, named FILE:LINE"

# The dry run reads the same configuration.
"$MILTER" -c "$CONF" -t "$MT_DIR/arf-c1.eml" "$MT_DIR/noip.eml" \
    >"$T/t.out" 2>"$T/t.err"
rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$T/t.out")" -eq 2 ] &&
    head -n 1 "$T/t.out" | grep -q '"action":"route"' &&
    head -n 1 "$T/t.out" | grep -q '"customer":"C1"' &&
    tail -n 1 "$T/t.out" | grep -q '"reason":"no-ip"'
rc=$?
ok $rc "abuse-milter -t: one decision per file"
[ $rc = 0 ] || diag "$T/t.out" "$T/t.err"
grep -q "configuration $CONF, rules $T/abuse.rules, map $T/map" "$T/t.err"
ok $? "abuse-milter -t says which configuration, rules and map it used"
"$MILTER" -c "$T/none.conf" -t "$MT_DIR/arf-c1.eml" >"$T/t2.out" 2>&1
rc=$?
grep -q "looked for the configuration in $T/none.conf" "$T/t2.out" &&
    grep -q "to look elsewhere: -c CONFIG" "$T/t2.out"
ok $(( rc == 1 ? $? : 1 )) "abuse-milter -t without its configuration: says where it looked and how to point it elsewhere"
[ $rc = 1 ] || diag "$T/t2.out"

# The build tree's binary without -c: the tree's configuration, when none
# is installed.
"$MILTER" -t "$srcdir/samples/arf-spam.eml" >"$T/tree.out" 2>"$T/tree.err"
rc=$?
if grep -q "using the build tree's configuration" "$T/tree.err"; then
	[ $rc = 0 ] && grep -q '"action":"route".*"customer":"C1001"' \
	    "$T/tree.out"
	ok $? "without -c, the build tree's binary reads the tree's rules and sample map"
	[ $rc = 0 ] || diag "$T/tree.out" "$T/tree.err"
else
	dflt=$(sed -n 's/.*looked for the configuration in \([^ ]*\) (the default).*/\1/p' "$T/tree.err")
	if [ -n "$dflt" ] && [ ! -e "$dflt" ]; then
		ok 1 "without -c, the build tree's binary reads the tree's rules and sample map"
		diag "$T/tree.err"
	else
		N=$((N + 1))
		echo "ok $N - the build tree's configuration # SKIP a configuration is installed: $(head -n 1 "$T/tree.err")"
	fi
fi

if [ -n "$USER_OPT" ]; then
	# the same configuration with a rules file nobody may not read
	cp "$T/abuse.rules" "$T/private.rules" && chmod 600 "$T/private.rules"
	sed -e "s|^RulesFile .*|RulesFile $T/private.rules|" "$CONF" \
	    >"$T/private.conf"
	echo "UserID nobody" >>"$T/private.conf"
	"$MILTER" -c "$T/private.conf" -n >"$T/n2.out" 2>&1
	rc=$?
	grep -q "^$T/private.rules: RulesFile: user nobody cannot read it after dropping privileges" "$T/n2.out"
	ok $(( rc == 1 ? $? : 1 )) "abuse-milter -n: warns that UserID cannot read the rules file"
	[ $rc = 1 ] || diag "$T/n2.out"

	# UserID user:group keeps the user's own login group: a rules file
	# only that group may read stays readable
	lg=$(id -gn nobody)
	og=$(getent group daemon >/dev/null && echo daemon || echo root)
	cp "$T/abuse.rules" "$T/group.rules" &&
	    chown root:"$lg" "$T/group.rules" && chmod 640 "$T/group.rules"
	sed -e "s|^RulesFile .*|RulesFile $T/group.rules|" "$CONF" \
	    >"$T/group.conf"
	echo "UserID nobody:$og" >>"$T/group.conf"
	"$MILTER" -c "$T/group.conf" -n >"$T/n3.out" 2>&1
	rc=$?
	! grep -q "cannot read it after dropping" "$T/n3.out"
	ok $(( rc == 0 ? $? : 1 )) "abuse-milter -n: UserID nobody:$og still reads a file of nobody's group $lg"
	[ $rc = 0 ] || diag "$T/n3.out"
fi

if [ "$(id -u)" = 0 ]; then
	"$MILTER" -f -c "$CONF" >"$T/root.out" 2>&1
	rc=$?
	grep -q "refusing to run as root" "$T/root.out"
	ok $(( rc != 0 ? $? : 1 )) "started as root without UserID: refuses"
fi

# Start the daemon.
# shellcheck disable=SC2086
"$MILTER" -f -c "$CONF" $USER_OPT >"$T/milter.log" 2>&1 &
PID=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
[ -S "$SOCK" ]
ok $? "the daemon listens on $SOCK"
if [ ! -S "$SOCK" ]; then
	diag "$T/milter.log"
	echo "Bail out! the daemon did not start"
	exit 1
fi
if [ -n "$USER_OPT" ]; then
	[ "$(ps -o user= -p "$PID" | tr -d ' ')" = nobody ]
	ok $? "the daemon runs as nobody, not root"
fi

# run_lua SCRIPT [NAME=VALUE]...: run one script, number its results.
run_lua() {
	script=$1
	shift
	defs=""
	for d in "$@"; do
		defs="$defs -D $d"
	done
	# shellcheck disable=SC2086
	"$MILTERTEST" -D "SOCKET=${MT_SOCKET:-local:$SOCK}" \
	    -D "HELPER=$MT_DIR/common.lua" \
	    -D "FIXTURES=$MT_DIR" $defs -s "$MT_DIR/$script" \
	    >"$T/lua.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*)
			ok 0 "$script: ${line#ok - }" ;;
		"not ok - "*)
			ok 1 "$script: ${line#not ok - }" ;;
		*)
			echo "# $line" ;;
		esac
	done <"$T/lua.out"
	ok $rc "$script ran to the end"
}

for s in negotiate.lua route.lua keep.lua recipients.lua header.lua policy.lua \
    ratelimit.lua; do
	run_lua $s
done

# Eight sessions at once (threads share the snapshot, the counters and
# the map).
i=0
pids=""
while [ $i -lt 8 ]; do
	"$MILTERTEST" -D "SOCKET=local:$SOCK" -D "HELPER=$MT_DIR/common.lua" \
	    -D "FIXTURES=$MT_DIR" -s "$MT_DIR/keep.lua" >"$T/par.$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p"
done
cat "$T"/par.* >"$T/par.all"
[ "$(grep -c '^ok - ' "$T/par.all")" -eq 128 ] &&
    ! grep -q '^not ok' "$T/par.all"
rc=$?
ok $rc "eight concurrent sessions all decided alike"
[ $rc = 0 ] || diag "$T/par.all"

# The log line of a routed complaint.
grep -q "ROUTE1: action=route reason=route rule=arf-source-ip ip=192.0.2.10 port=- time=2026-11-26T09:00:00Z customer=C1 to=<noc@c1.example> serial=1" "$T/milter.log"
ok $? "one log line per complaint, with the queue ID"
grep -q "HELD1: action=keep reason=held rule=law-enforcement-en ip=192.0.2.10 .*customer=C1 to=- " "$T/milter.log"
ok $? "the log line of a held complaint names the keep rule"
grep "HELD1:" "$T/milter.log" | sed 's/^/# /'

# Reload: a new abuse recipient after SIGHUP; a broken file changes
# nothing.
run_lua reload.lua PHASE=before
write_conf "desk@provider.test"
kill -HUP "$PID"
i=0
while ! grep -q "reloaded" "$T/milter.log" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "reloaded $CONF" "$T/milter.log"
ok $? "SIGHUP reloads the configuration"
run_lua reload.lua PHASE=after
echo "Frobnicate yes" >>"$CONF"
kill -USR1 "$PID"
i=0
while ! grep -q "reload failed" "$T/milter.log" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "$CONF:14: unknown key \"Frobnicate\"" "$T/milter.log"
ok $? "SIGUSR1 with a broken file: the error is logged with FILE:LINE"
run_lua reload.lua PHASE=after-broken-reload
kill -0 "$PID"
ok $? "the daemon still runs"

# Counters: written every StatsInterval, and on SIGUSR2.
kill -USR2 "$PID"
sleep 1.5
grep -q '^abuse_milter_messages_total{action="route",reason="route"} [1-9]' \
    "$T/run/stats.prom" &&
    grep -q '^abuse_milter_messages_total{action="keep",reason="rate-limit"} 1$' \
    "$T/run/stats.prom" &&
    grep -q '^abuse_milter_rule_decisions_total{rule="arf-source-ip",action="keep",reason="auto-submitted"} 1$' \
    "$T/run/stats.prom" &&
    grep -q '^abuse_milter_reloads_total{result="error"} 1$' \
    "$T/run/stats.prom" &&
    grep -q '^abuse_milter_rule_decisions_total{rule="law-enforcement-en",action="keep",reason="held"} [1-9]' \
    "$T/run/stats.prom" &&
    grep -q '^abuse_milter_messages_total{action="keep",reason="held"} [1-9]' \
    "$T/run/stats.prom"
rc=$?
ok $rc "StatsFile holds the counters in the Prometheus text format"
[ $rc = 0 ] || diag "$T/run/stats.prom"
sed '$d' "$CONF" >"$CONF.ok"
"$MILTER" -c "$CONF.ok" -s >"$T/s.out" 2>&1
grep -q '^abuse_milter_rule_hits_total{rule="arf-source-ip"} ' "$T/s.out"
ok $? "abuse-milter -s prints the counters"

# A reload that may not read the rules as the daemon's user says so.
if [ -n "$USER_OPT" ]; then
	cat "$CONF.ok" >"$CONF"
	chmod 600 "$T/abuse.rules"
	kill -HUP "$PID"
	i=0
	while ! grep -q "cannot read $T/abuse.rules" "$T/milter.log" &&
	    [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "reload: cannot read $T/abuse.rules as user nobody: permission denied; the old configuration stays" "$T/milter.log" &&
	    [ "$(grep -c 'old configuration stays\|reload failed' "$T/milter.log")" = 2 ]
	ok $? "a reload that cannot read the rules as nobody says so plainly, once"
	chmod 644 "$T/abuse.rules"
	kill -0 "$PID"
	ok $? "the daemon still runs, on the old configuration"
fi

# Over TCP: a second daemon on a loopback port replies at every step and
# routes alike.
TPORT=$("${PYTHON3:-python3}" "$srcdir/t/lib/pfhelper.py" port 1 2>/dev/null)
if [ -n "$TPORT" ]; then
	sed -e "s|^Socket .*|Socket inet:$TPORT@127.0.0.1|" \
	    -e "s|^StatsFile .*|StatsFile none|" "$CONF.ok" >"$T/tcp.conf"
	# shellcheck disable=SC2086
	"$MILTER" -f -c "$T/tcp.conf" $USER_OPT >"$T/tcp.log" 2>&1 &
	TPID=$!
	"${PYTHON3:-python3}" "$srcdir/t/lib/pfhelper.py" wait-port 127.0.0.1 \
	    "$TPORT" 10
	ok $? "a daemon listens on 127.0.0.1:$TPORT"
	MT_SOCKET=inet:$TPORT@127.0.0.1
	run_lua negotiate_tcp.lua
	run_lua route.lua
	MT_SOCKET=""
	kill -TERM "$TPID"
	wait "$TPID"
	ok $? "the TCP daemon stops cleanly"
	[ $FAILED != 0 ] && diag "$T/tcp.log"
else
	N=$((N + 1))
	echo "ok $N - over TCP # SKIP no free port"
fi

# fault_run CALLS SCRIPT: run SCRIPT against a second daemon in which the
# libmilter calls CALLS fail (t/faults/milter_fail.c, preloaded); its log
# is left in $T/fault.log.
FAULT_SO=$builddir/t/faults/milter_fail.so
fault_run() {
	FSOCK=$T/fault.sock
	rm -f "$FSOCK"
	sed -e "s|^Socket .*|Socket local:$FSOCK|" \
	    -e "s|^StatsFile .*|StatsFile none|" "$CONF.ok" >"$T/fault.conf"
	# shellcheck disable=SC2086
	MILTER_FAIL=$1 \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    LD_PRELOAD=$FAULT_SO "$MILTER" -f -c "$T/fault.conf" $USER_OPT \
	    >"$T/fault.log" 2>&1 &
	FPID=$!
	i=0
	while [ ! -S "$FSOCK" ] && [ $i -lt 100 ] &&
	    kill -0 "$FPID" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	MT_SOCKET=local:$FSOCK
	run_lua "$2"
	MT_SOCKET=""
	kill -TERM "$FPID"
	wait "$FPID"
}

if [ -f "$FAULT_SO" ]; then
	# a route whose recipient cannot be added keeps the complaint and
	# removes nothing
	fault_run addrcpt addfail.lua
	grep -q "ADDFAIL1: cannot add recipient: message stays at the abuse desk" \
	    "$T/fault.log"
	ok $? "add failed: the log says the message stays at the desk"
	[ $FAILED != 0 ] && diag "$T/fault.log"
	# a route whose sender cannot be changed goes on with the reporter's
	fault_run chgfrom chgfail.lua
	grep -q "CHGFAIL1: cannot change the sender: routed with the reporter's" \
	    "$T/fault.log" &&
	    grep -q "CHGFAIL1: action=route reason=route" "$T/fault.log"
	ok $? "sender change failed: logged, and the complaint is routed"
	[ $FAILED != 0 ] && diag "$T/fault.log"
else
	N=$((N + 1))
	echo "not ok $N - the fault library $FAULT_SO is not built"
	FAILED=$((FAILED + 1))
fi

# Stop.
kill -TERM "$PID"
i=0
while kill -0 "$PID" 2>/dev/null && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$PID"
rc=$?
PID=""
ok $rc "SIGTERM stops the daemon cleanly"
grep -q "stopped" "$T/milter.log"
ok $? "the stop is logged"
if [ $FAILED != 0 ]; then
	echo "# daemon log:"
	diag "$T/milter.log"
fi

# SPF: a second daemon with SPFPolicy route-unless-fail, in private
# mount and network namespaces where /etc/resolv.conf names a DNS server
# on loopback (dns.py), so that the test never touches the network.
spf_skip=""
if [ "$(id -u)" != 0 ]; then
	spf_skip="needs root for private namespaces"
elif ! command -v unshare >/dev/null 2>&1 ||
    ! command -v ip >/dev/null 2>&1; then
	spf_skip="needs unshare(1) and ip(8)"
elif [ -z "${PYTHON3:-}" ] && ! PYTHON3=$(command -v python3); then
	spf_skip="needs python3"
elif ! unshare --mount --net true 2>/dev/null; then
	spf_skip="namespaces are not permitted here"
fi
if [ -n "$spf_skip" ]; then
	N=$((N + 1))
	echo "ok $N - SPF against a loopback DNS server # SKIP $spf_skip"
else
	mkdir "$T/spf"
	[ -n "$USER_OPT" ] && chown nobody "$T/spf"
	SOCK=$T/spf/milter.sock
	sed -e "s|^Socket .*|Socket local:$SOCK|" \
	    -e "s|^SPFPolicy .*|SPFPolicy route-unless-fail|" \
	    -e "s|^StatsFile .*|StatsFile none|" "$CONF.ok" >"$T/spf.conf"
	echo "SPFTimeout 1" >>"$T/spf.conf"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	    >"$T/resolv.conf"
	# shellcheck disable=SC2016
	unshare --mount --net sh -c '
		ip link set lo up || exit 1
		mount --bind "$1/resolv.conf" /etc/resolv.conf || exit 1
		"$2" "$3" "$4" 127.0.0.1 53 "$1/dns.ready" &
		echo $! >"$1/dns.pid"
		i=0
		while [ ! -f "$1/dns.ready" ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		shift 4
		exec "$@"' sh "$T" "$PYTHON3" "$MT_DIR/dns.py" \
	    "$MT_DIR/spf.zone" "$MILTER" -f -c "$T/spf.conf" $USER_OPT \
	    >"$T/spf.log" 2>&1 &
	PID=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null
	do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$SOCK" ]
	ok $? "SPF: the daemon listens, with a DNS server on loopback"
	if [ -S "$SOCK" ]; then
		run_lua spf.lua
		grep -q "action=keep reason=spf-fail .* spf=fail" "$T/spf.log"
		ok $? "SPF: the log line gives the SPF result"
	fi
	kill -TERM "$PID" 2>/dev/null
	i=0
	while kill -0 "$PID" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	wait "$PID"
	ok $? "SPF: the daemon stops cleanly"
	PID=""
	[ -f "$T/dns.pid" ] && kill "$(cat "$T/dns.pid")" 2>/dev/null
	[ $FAILED != 0 ] && diag "$T/spf.log"
fi
echo "1..$N"
