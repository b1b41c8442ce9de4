#!/bin/sh
# tsan.sh - the concurrent tests under ThreadSanitizer (`make check-tsan`).
#
# Configures a separate build ($top_builddir/tsan-build, or $TSAN_DIR) with
# CC=clang and -fsanitize=thread, builds it, and runs the tests that use
# threads: the map read while it is replaced, the shared rate limiter,
# and the daemon driven by miltertest and by a private Postfix (each of
# these SKIPs by itself where it cannot run).  TSAN_TESTS overrides the
# list.  Any data race or lock-order problem fails the test that hit it
# (TSAN_OPTIONS halt_on_error=1).  Without clang the run says SKIP and
# exits 0.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
CLANG=${CLANG:-$(command -v clang 2>/dev/null || true)}
TSAN_DIR=${TSAN_DIR:-$top_builddir/tsan-build}
TSAN_TESTS=${TSAN_TESTS:-t/test_ipmap_concurrent t/test_ratelimit \
t/test_miltertest.sh t/test_postfix.sh}

if [ -z "$CLANG" ] || ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "check-tsan: SKIP: clang not found"
    exit 0
fi
mkdir -p "$TSAN_DIR" || exit 1
if [ ! -f "$TSAN_DIR/Makefile" ]; then
    echo "check-tsan: configuring $TSAN_DIR with $CLANG -fsanitize=thread"
    (cd "$TSAN_DIR" && "$top_srcdir/configure" --quiet CC="$CLANG" \
        CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=thread" \
        LDFLAGS="-fsanitize=thread") ||
        { echo "check-tsan: FAIL: configure"; exit 1; }
fi

# Keep only the tests this tree declares.
declared=$(make -s -C "$TSAN_DIR" fuzz-print-tests 2>/dev/null | tail -1)
tests=""
for t in $TSAN_TESTS; do
    case " $declared " in
    *" $t "*) tests="$tests $t" ;;
    *) echo "check-tsan: $t is not a test of this tree, left out" ;;
    esac
done
if [ -z "$tests" ]; then
    echo "check-tsan: FAIL: none of the concurrent tests exists"
    exit 1
fi

echo "check-tsan: building and running:$tests"
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 history_size=4 suppressions=$top_srcdir/t/tsan.supp"
export TSAN_OPTIONS
make -s -C "$TSAN_DIR" -j2 all >"$TSAN_DIR/tsan-build.log" 2>&1 ||
    { tail -30 "$TSAN_DIR/tsan-build.log"; echo "check-tsan: FAIL: build"; exit 1; }
make -C "$TSAN_DIR" check TESTS="$tests"
rc=$?
if [ $rc -ne 0 ]; then
    for t in $tests; do
        log=$TSAN_DIR/${t%.sh}.log
        grep -l 'ThreadSanitizer' "$log" >/dev/null 2>&1 &&
            grep -A30 'WARNING: ThreadSanitizer' "$log" | head -60
    done
    echo "check-tsan: FAIL"
    exit 1
fi
echo "check-tsan: PASS:$tests"
exit 0
