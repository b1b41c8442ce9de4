#!/bin/sh
# fuzz/run.sh - build the libFuzzer targets with clang and run each one for
# a bounded time.
#
# Called by `make fuzz` and `make fuzz-ci` (mk/fuzz.mk), which pass
# top_srcdir and top_builddir (absolute paths) and CLANG (clang; empty or
# missing: the run is skipped), and optionally:
#   FUZZ_SECONDS   seconds per target (default 300)
#   FUZZ_JOBS      targets run at the same time (default 1)
#   FUZZ_TARGETS   names to run (default: every fuzz/fuzz_*.c)
#   FUZZ_DIR       work directory (default $top_builddir/fuzz-build)
#
# The library is built again in its own configured directory
# ($FUZZ_DIR/build) with CC=clang and
# -fsanitize=fuzzer-no-link,address,undefined, and each target is linked
# with -fsanitize=fuzzer.  Each target keeps a growing corpus in
# $FUZZ_DIR/corpus/NAME and starts from seeds made by fuzz/seeds.sh from
# the project's own fixtures and from fuzz/regress/NAME.  A crash, a leak,
# an undefined behaviour, a broken property or a timeout (10 s) leaves its
# input in $FUZZ_DIR/crashes/ and makes the script exit 1.  Without clang
# (or without its libFuzzer runtime) the script says SKIP and exits 0.
set -u

: "${top_srcdir:?}" "${top_builddir:?}"
FUZZ_SECONDS=${FUZZ_SECONDS:-300}
FUZZ_JOBS=${FUZZ_JOBS:-1}
FUZZ_DIR=${FUZZ_DIR:-$top_builddir/fuzz-build}
CLANG=${CLANG:-$(command -v clang 2>/dev/null || true)}

if [ -z "$CLANG" ] || ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "fuzz: SKIP: clang not found"
    exit 77
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
mkdir -p "$FUZZ_DIR/build" "$FUZZ_DIR/bin" "$FUZZ_DIR/corpus" \
    "$FUZZ_DIR/crashes" "$FUZZ_DIR/logs" || exit 1

# libFuzzer is a separate package (libclang-rt-*-dev): test that it links.
probe=$FUZZ_DIR/bin/probe
cat >"$probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
PROBE
# shellcheck disable=SC2086
if ! "$CLANG" -fsanitize=fuzzer $SAN "$probe.c" -o "$probe" >/dev/null 2>&1
then
    echo "fuzz: SKIP: $CLANG cannot link -fsanitize=fuzzer (libclang-rt missing)"
    exit 77
fi

# 1. The library, with coverage instrumentation for libFuzzer.
b=$FUZZ_DIR/build
if [ ! -f "$b/Makefile" ]; then
    echo "fuzz: configuring $b with $CLANG"
    (cd "$b" && "$top_srcdir/configure" --quiet --enable-sanitizers \
        CC="$CLANG" \
        CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined") ||
        { echo "fuzz: FAIL: configure with $CLANG"; exit 1; }
fi
echo "fuzz: building the library with $CLANG"
if ! make -s -C "$b" -j2 lib/libabuse.la >"$FUZZ_DIR/logs/build.log" 2>&1
then
    cat "$FUZZ_DIR/logs/build.log"
    echo "fuzz: FAIL: the library does not build with $CLANG"
    exit 1
fi
FUZZ_CFLAGS="-g -O1 -fno-omit-frame-pointer -pthread $SAN \
-I$b -I$top_srcdir/lib -I$top_srcdir/fuzz $(make -s -C "$b" fuzz-print-cflags | tail -1)"
FUZZ_LIBS="$b/lib/.libs/libabuse.a $(make -s -C "$b" fuzz-print-libs | tail -1)"
failed=0

# 2. The targets.
if [ -z "${FUZZ_TARGETS:-}" ]; then
    FUZZ_TARGETS=$(cd "$top_srcdir/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
fi
for t in $FUZZ_TARGETS; do
    # shellcheck disable=SC2086
    if ! "$CLANG" $FUZZ_CFLAGS -fsanitize=fuzzer "$top_srcdir/fuzz/$t.c" \
        "$top_srcdir/fuzz/fuzzutil.c" $FUZZ_LIBS -o "$FUZZ_DIR/bin/$t"; then
        echo "fuzz: FAIL: $t does not build"
        failed=1
    fi
done
[ $failed -eq 0 ] || exit 1

# 3. Seeds from the project's fixtures.
rm -rf "$FUZZ_DIR/seeds"
sh "$top_srcdir/fuzz/seeds.sh" "$top_srcdir" "$FUZZ_DIR/seeds" || exit 1

# Longest input each target is given (bigger seeds are cut to it).
max_len() {
    case $1 in
    fuzz_ipaddr | fuzz_timeparse | fuzz_addr) echo 256 ;;
    fuzz_rules | fuzz_conf | fuzz_received | fuzz_charset) echo 16384 ;;
    *) echo 65536 ;;
    esac
}

# run_one NAME: fuzz one target; its exit status goes to logs/NAME.rc.
run_one() {
    t=$1
    mkdir -p "$FUZZ_DIR/corpus/$t"
    dict=""
    [ -f "$top_srcdir/fuzz/$t.dict" ] && dict="-dict=$top_srcdir/fuzz/$t.dict"
    seeds=""
    [ -d "$FUZZ_DIR/seeds/$t" ] && seeds="$FUZZ_DIR/seeds/$t"
    regress=""
    [ -d "$top_srcdir/fuzz/regress/$t" ] && regress="$top_srcdir/fuzz/regress/$t"
    # shellcheck disable=SC2086
    (
        cd "$FUZZ_DIR/logs" &&
            ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                "$FUZZ_DIR/bin/$t" -max_total_time="$FUZZ_SECONDS" \
                -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
                -print_final_stats=1 -close_fd_mask=1 \
                -artifact_prefix="$FUZZ_DIR/crashes/$t-" $dict \
                "$FUZZ_DIR/corpus/$t" $seeds $regress
    ) >"$FUZZ_DIR/logs/$t.log" 2>&1
    echo $? >"$FUZZ_DIR/logs/$t.rc"
}

echo "fuzz: running each target for ${FUZZ_SECONDS}s ($FUZZ_JOBS at a time)"
running=0
for t in $FUZZ_TARGETS; do
    run_one "$t" &
    running=$((running + 1))
    if [ $running -ge "$FUZZ_JOBS" ]; then
        wait
        running=0
    fi
done
wait

# 4. Results.
summary=$FUZZ_DIR/summary.txt
printf '%-16s %10s %8s %8s %7s %s\n' target execs cov ft corpus result \
    >"$summary"
for t in $FUZZ_TARGETS; do
    log=$FUZZ_DIR/logs/$t.log
    rc=$(cat "$FUZZ_DIR/logs/$t.rc" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    ncorp=$(ls "$FUZZ_DIR/corpus/$t" | wc -l)
    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="FAIL (exit $rc, see $log)"
        failed=1
    fi
    printf '%-16s %10s %8s %8s %7s %s\n' "$t" "${execs:-?}" "${cov:-?}" \
        "${ft:-?}" "$ncorp" "$result" >>"$summary"
done
cat "$summary"
if [ $failed -ne 0 ]; then
    echo "fuzz: FAIL: crashing inputs are in $FUZZ_DIR/crashes/"
    for t in $FUZZ_TARGETS; do
        rc=$(cat "$FUZZ_DIR/logs/$t.rc" 2>/dev/null || echo 1)
        [ "$rc" -eq 0 ] && continue
        echo "---- $t"
        grep -E 'ERROR|SUMMARY|fuzz: property|runtime error|artifact' \
            "$FUZZ_DIR/logs/$t.log" | head -20
    done
    exit 1
fi
exit 0
