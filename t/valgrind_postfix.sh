#!/bin/sh
# valgrind_postfix.sh - the real-Postfix integration test (t/test_postfix.sh)
# with the daemon under valgrind memcheck; part of `make check-valgrind`.
# Passes when the test passes and valgrind reports no memory error while
# the daemon routes and keeps complaints.  The test ends by killing the
# daemon with SIGKILL, so there is no leak check at exit here: the leak
# check of the daemon behind Postfix, stopped with SIGTERM, is part 4 of
# t/valgrind.sh.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
VALGRIND=${VALGRIND:-$(command -v valgrind 2>/dev/null || true)}
if [ -z "$VALGRIND" ]; then
    echo "valgrind_postfix: SKIP: valgrind not found"
    exit 0
fi
logs=$(mktemp -d "${TMPDIR:-/tmp}/vgpf.XXXXXX") || exit 1
chmod 777 "$logs"
trap 'rm -rf "$logs"' EXIT INT TERM
PF_MILTER_WRAPPER="$VALGRIND -q --leak-check=full \
--errors-for-leak-kinds=definite --show-leak-kinds=definite \
--num-callers=30 --vgdb=no --log-file=$logs/vg.%p \
--suppressions=$top_srcdir/t/valgrind.supp"
export PF_MILTER_WRAPPER
$SHELL "$top_srcdir/t/test_postfix.sh" >"$logs/tap" 2>&1
rc=$?
cat "$logs/tap"
bad=0
for f in "$logs"/vg.*; do
    [ -s "$f" ] || continue
    if grep -q 'definitely lost\|Invalid \|uninitialised\|Mismatched' "$f"; then
        echo "# valgrind: $f:"
        sed 's/^/#   /' "$f" | head -40
        bad=1
    fi
done
nfail=$(grep -c '^not ok' "$logs/tap")
echo "valgrind_postfix: t/test_postfix.sh exit $rc, $nfail failed, valgrind errors: $bad"
[ "$rc" -eq 0 ] && [ "$nfail" -eq 0 ] && [ "$bad" -eq 0 ]
