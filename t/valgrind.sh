#!/bin/sh
# valgrind.sh - run the programs under valgrind memcheck (`make
# check-valgrind`).  Prints TAP; exits 1 when valgrind reports an error
# (--error-exitcode=99) or a definite leak, or a program misbehaves.
#
#   1. abuse-map load (a good source and a refused one), lookup, dump, stat;
#   2. the dry run, `abuse-milter -t` and t/dryrun_driver, over the sample
#      complaints and every hostile complaint of t/hostile/mkhostile.sh;
#   3. `abuse-milter -n` (configuration, rules and map check);
#   4. the daemon itself under valgrind behind a private Postfix
#      (t/lib/postfix.sh) receiving every sample complaint, then stopped
#      with SIGTERM so that valgrind checks for leaks at exit.
# Without valgrind it says SKIP and exits 0; the Postfix part is skipped
# (reported as such) where a private Postfix cannot run.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/t/lib/tap.sh"
VALGRIND=${VALGRIND:-$(command -v valgrind 2>/dev/null || true)}

if [ -z "$VALGRIND" ] || [ ! -x "$VALGRIND" ]; then
    echo "check-valgrind: SKIP: valgrind not found"
    exit 0
fi
MILTER=$top_builddir/milter/abuse-milter
MAPTOOL=$top_builddir/tools/abuse-map
DRIVER=$top_builddir/t/dryrun_driver
RULES=$top_srcdir/rules/abuse.rules
for f in "$MILTER" "$MAPTOOL" "$DRIVER"; do
    if [ ! -x "$f" ]; then
        echo "check-valgrind: FAIL: $f not built"
        exit 1
    fi
done

VG="$VALGRIND -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite --show-leak-kinds=definite \
--num-callers=30 --child-silent-after-fork=yes --vgdb=no \
--suppressions=$top_srcdir/t/valgrind.supp"

vgtmp=$(mktemp -d "${TMPDIR:-/tmp}/valgrind.XXXXXX") || exit 1
chmod 755 "$vgtmp"

# vg NAME EXPECTED-EXIT COMMAND...: run COMMAND under valgrind; passes when
# it exits EXPECTED-EXIT and valgrind printed no error.
vg() {
    name=$1
    want=$2
    shift 2
    # shellcheck disable=SC2086
    $VG --log-file="$vgtmp/$name.vg" "$@" >"$vgtmp/$name.out" 2>&1
    rc=$?
    if [ $rc -eq "$want" ] && [ ! -s "$vgtmp/$name.vg" ]; then
        tap 0 "$name: exit $rc, no memcheck error"
    else
        cat "$vgtmp/$name.out" >>"$vgtmp/$name.vg"
        tap 1 "$name: exit $rc (want $want)" "$vgtmp/$name.vg"
    fi
}

sh "$top_srcdir/t/hostile/mkhostile.sh" "$vgtmp/hostile" || exit 1
hdr='prefix,customer,address,valid_from,valid_until'
printf '%s\n192.0.2.0/24,H1,"abuse@h1.example\r\nBcc: victim@example.com",,\n' \
    "$hdr" >"$vgtmp/bad.csv"

# 1. The map tool.
vg "abuse-map load" 0 "$MAPTOOL" load -q -m "$vgtmp/map" "$top_srcdir/samples/map.csv"
vg "abuse-map load (refused source)" 1 "$MAPTOOL" load -q -m "$vgtmp/map" "$vgtmp/bad.csv"
vg "abuse-map load (hostile map)" 0 "$MAPTOOL" load -q -m "$vgtmp/hmap" "$top_srcdir/t/hostile/map.csv"
vg "abuse-map lookup" 0 "$MAPTOOL" lookup -m "$vgtmp/map" 192.0.2.25 2001:db8:1000::1
vg "abuse-map dump" 0 "$MAPTOOL" dump -m "$vgtmp/map"
vg "abuse-map stat" 0 "$MAPTOOL" stat -m "$vgtmp/map"

# 2. The dry run.
cat >"$vgtmp/abuse-milter.conf" <<CONF
MapDirectory $vgtmp/map
RulesFile $RULES
AbuseRecipients abuse@provider.test
Syslog no
SPFPolicy off
CONF
sed "s|^MapDirectory .*|MapDirectory $vgtmp/hmap|" "$vgtmp/abuse-milter.conf" \
    >"$vgtmp/hostile.conf"
vg "abuse-milter -t samples" 0 "$MILTER" -c "$vgtmp/abuse-milter.conf" -t \
    "$top_srcdir"/samples/*.eml
vg "abuse-milter -t hostile" 0 "$MILTER" -c "$vgtmp/hostile.conf" -t \
    "$vgtmp"/hostile/*.eml
vg "dryrun_driver hostile" 0 "$DRIVER" -r "$RULES" -m "$vgtmp/hmap" \
    -a 1773133200 "$vgtmp"/hostile/*.eml

# 3. The configuration check.
vg "abuse-milter -n" 0 "$MILTER" -c "$vgtmp/abuse-milter.conf" -n

# 4. The daemon behind a private Postfix.
. "$top_srcdir/t/lib/postfix.sh"
pf_vg_stop() {
    [ -n "${vgpid:-}" ] || return 0
    kill -TERM "$vgpid" 2>/dev/null
    i=0
    while kill -0 "$vgpid" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    wait "$vgpid"
    vgrc=$?
    vgpid=""
}
if ! pf_require; then
    tap_skip "daemon behind Postfix: $PF_WHY"
else
    pf_programs
    pf_setup || exit 1
    trap 'pf_vg_stop; pf_cleanup; rm -rf "$vgtmp"' EXIT
    pf_map_load "$top_srcdir/samples/map.csv" || exit 1
    # the daemon refuses to run as root
    pf_milter_config UserID "$PF_MAILOWNER"
    # as pf_milter_start, with valgrind in front of the daemon
    # shellcheck disable=SC2086
    $VG --log-file="$vgtmp/daemon.vg" "$PF_MILTER" -f -c "$PF_MILTER_CONF" \
        >>"$PF_DIR/abuse-milter.log" 2>&1 &
    vgpid=$!
    vgrc=""
    i=0
    until pf_wait_socket "$(pf_milter_socket)" 1 >/dev/null 2>&1; do
        i=$((i + 1))
        if ! kill -0 "$vgpid" 2>/dev/null || [ $i -ge 120 ]; then
            break
        fi
    done
    if ! pf_wait_socket "$(pf_milter_socket)" 1; then
        tap 1 "abuse-milter starts under valgrind" "$PF_DIR/abuse-milter.log"
    else
        pf_sink_start && pf_init "$(pf_milter_socket)" && pf_start ||
            { echo "Bail out! Postfix does not start"; exit 1; }
        sent=0
        for f in "$top_srcdir"/samples/*.eml; do
            pf_send abuse@provider.test "$f" "vg-$(basename "$f")@test" \
                >>"$PF_DIR/send.out" 2>&1
            sent=$((sent + 1))
        done
        pf_wait "$sent" 300
        tap $? "Postfix delivers all $sent samples through the daemon under valgrind"
        nroute=$(pf_envelopes | awk -F '\t' '$5 ~ /^route/' | wc -l)
        [ "$nroute" -gt 0 ]
        tap $? "the daemon under valgrind routed $nroute of them"
        pf_vg_stop
        [ "$vgrc" = 0 ] && [ ! -s "$vgtmp/daemon.vg" ]
        tap $? "the daemon exits 0 on SIGTERM with no memcheck error (exit $vgrc)" \
            "$vgtmp/daemon.vg"
    fi
fi

echo "1..$TAP_N"
if [ "$TAP_FAILED" -ne 0 ]; then
    echo "check-valgrind: FAIL: $TAP_FAILED of $TAP_N"
    [ -z "${PF_DIR:-}" ] && rm -rf "$vgtmp"
    exit 1
fi
echo "check-valgrind: PASS: $TAP_N"
[ -z "${PF_DIR:-}" ] && rm -rf "$vgtmp"
exit 0
