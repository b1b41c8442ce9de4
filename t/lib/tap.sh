# tap.sh - TAP lines for the shell tests.  Source it, then:
#
#	ok NAME			one passing test
#	notok NAME		one failing test
#	check NAME GOT WANT	ok when GOT = WANT, else notok with both shown
#	check_true NAME CMD...	ok when CMD succeeds
#	tap STATUS NAME [LOG]	ok when STATUS is 0, else notok with LOG shown
#	tap_skip NAME		one skipped test
#	tap_end			the plan (when it was not given first) and the
#				exit status: 0 when nothing failed
#
# TAP_N counts the tests written, TAP_FAILED the failures.

TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}
notok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		notok "$1"
		echo "#   got:      '$2'"
		echo "#   expected: '$3'"
	fi
}
check_true() {
	_tap_name=$1
	shift
	if "$@"; then
		ok "$_tap_name"
	else
		notok "$_tap_name"
	fi
}
tap() {
	if [ "$1" -eq 0 ]; then
		ok "$2"
	else
		notok "$2"
		[ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/# /' "$3" | head -40
	fi
	return 0
}
tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $*"
}
tap_end() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}
