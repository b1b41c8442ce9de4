#!/bin/sh
# test_fuzz_regress.sh - replay every fuzz target over its regression inputs
# (fuzz/regress/NAME/, inputs that once crashed or broke a property) and its
# seed corpus (fuzz/seeds.sh), with the normal build's main() instead of
# libFuzzer.  In the sanitizer build this runs under ASan and UBSan.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"

targets="fuzz_ipaddr fuzz_rules fuzz_conf fuzz_mapcsv fuzz_complaint \
    fuzz_timeparse fuzz_received fuzz_charset fuzz_addr"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzzregress.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! sh "$top_srcdir/fuzz/seeds.sh" "$top_srcdir" "$tmp/seeds" >"$tmp/log" 2>&1
then
    echo "1..0 # SKIP cannot make the seeds: $(head -1 "$tmp/log")"
    exit 77
fi

n=0
set -- $targets
echo "1..$#"
for t in $targets; do
    n=$((n + 1))
    prog=$top_builddir/fuzz/$t
    dirs=""
    [ -d "$tmp/seeds/$t" ] && dirs="$tmp/seeds/$t"
    [ -d "$top_srcdir/fuzz/regress/$t" ] && dirs="$dirs $top_srcdir/fuzz/regress/$t"
    count=$(find $dirs -type f 2>/dev/null | wc -l)
    # shellcheck disable=SC2086
    if [ -x "$prog" ] && TMPDIR=$tmp FUZZ_RULES=$top_srcdir/rules/abuse.rules \
        "$prog" $dirs >"$tmp/$t.out" 2>&1; then
        echo "ok $n - $t runs $count regression and seed inputs cleanly"
    else
        echo "not ok $n - $t on its regression and seed inputs"
        sed 's/^/# /' "$tmp/$t.out" 2>/dev/null | tail -30
    fi
done
