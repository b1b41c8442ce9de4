#!/bin/sh
#
# check_deb.sh DIST.tar.gz - the Debian package, built, installed, run
# and purged the way a postmaster would (make check-deb, as root).
#
# 1. dpkg-buildpackage -us -uc -b in an unpacked copy of the
#    distribution, then lintian on the .deb (its output as TAP comments;
#    an error fails);
# 2. dpkg -i: the user, the directories and their modes, the conffile,
#    the rules, the unit, the man pages, README.Debian;
# 3. the provider's values filled into the packaged configuration, a map
#    loaded by abuse-map into the packaged map directory, abuse-milter -n;
# 4. the daemon started through the unit's own ExecStart line (no systemd
#    needed): it runs as abuse-milter, and only group postfix may connect;
# 5. a private Postfix (t/lib/postfix.sh) pointed at the packaged socket
#    routes one sample complaint and keeps one at the desk;
# 6. dpkg -r keeps the configuration and the map; dpkg -P leaves nothing.
#
# Prints TAP.  SKIPs (exit 77) when not root, without dpkg-buildpackage,
# lintian or Postfix, or when abuse-milter is installed on this machine by
# something else than an earlier run of this script (it would be purged).
# Safe to run again: an installation left by an interrupted run is
# purged first.  Environment: top_srcdir, top_builddir, as for the tests.

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
DIST=${1:?usage: check_deb.sh DIST.tar.gz}

. "$top_srcdir/t/lib/postfix.sh"
. "$top_srcdir/t/lib/tap.sh"

PKG=abuse-milter
CONF=/etc/abuse-milter/abuse-milter.conf
UNIT=/lib/systemd/system/abuse-milter.service
SOCKDIR=/var/spool/postfix/abuse-milter
SOCK=$SOCKDIR/abuse-milter.sock
MAPDIR=/var/lib/abuse-milter/map
MARK=/var/lib/abuse-milter/.check-deb
DESK=abuse@provider.test
samples=$top_srcdir/samples

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}
bail() {
	echo "Bail out! $*"
	exit 1
}

# installed: 0 when the package is installed (even half)
installed() {
	dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null |
	    grep -q ' installed$\| half-\| unpacked$'
}

pf_require || skip "$PF_WHY"
for p in dpkg-buildpackage lintian dh fakeroot; do
	command -v $p >/dev/null 2>&1 ||
		skip "$p is not installed (apt-get install devscripts debhelper lintian fakeroot)"
done
if installed && [ ! -f "$MARK" ]; then
	skip "$PKG is installed on this machine; this check would purge it"
fi
if [ -d /run/systemd/system ] && systemctl -q is-active "$PKG" 2>/dev/null
then
	skip "$PKG.service is running under systemd"
fi

# what an interrupted run left (its marker says so): purged first, so that
# the package is checked as a first installation
if installed; then
	dpkg -P "$PKG" >/dev/null 2>&1 ||
		bail "cannot purge the $PKG an earlier run left installed"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/check-deb.XXXXXX") || exit 1
chmod 755 "$W"
MPID=""
cleanup() {
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null && sleep 1 &&
	    kill -9 "$MPID" 2>/dev/null
	pf_cleanup
	rm -rf "$W"
}
pf_setup || bail "cannot make the Postfix instance directory"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. Build and lintian.
tar -xzf "$DIST" -C "$W" || bail "cannot unpack $DIST"
src=$(find "$W" -mindepth 1 -maxdepth 1 -type d -name "$PKG-*" | head -n 1)
[ -n "$src" ] || bail "no $PKG-* directory in $DIST"
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
deb=$W/${PKG}_${version}_$arch.deb
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
    dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1
rc=$?
[ $rc = 0 ] && [ -f "$deb" ]
tap $? "dpkg-buildpackage -us -uc -b builds ${PKG}_${version}_$arch.deb" \
    "$W/build.log"
[ -f "$deb" ] || { tail -n 40 "$W/build.log" | sed 's/^/# /'; bail "no package"; }
lintian "$deb" >"$W/lintian.out" 2>&1
sed 's/^/# lintian: /' "$W/lintian.out"
! grep -q '^E: ' "$W/lintian.out"
tap $? "lintian reports no error"

# 2. Install.  A user abuse-milter made before is the administrator's:
# purge leaves it.
had_user=$(getent passwd abuse-milter)
dpkg -i "$deb" >"$W/install.log" 2>&1
tap $? "dpkg -i installs the package" "$W/install.log"
installed || bail "the package is not installed"
: >"$MARK"
# mode OWNER:GROUP MODE PATH: check a path's owner and mode
mode() {
	check "$3 is $1, mode $2" "$(stat -c '%U:%G %a' "$3" 2>&1)" "$1 $2"
}
check "system user abuse-milter, group abuse-milter" \
    "$(id -gn abuse-milter 2>&1) $(getent passwd abuse-milter | cut -d: -f7)" \
    "abuse-milter /usr/sbin/nologin"
mode abuse-milter:postfix 750 "$SOCKDIR"
mode root:abuse-milter 750 "$MAPDIR"
mode abuse-milter:abuse-milter 750 /run/abuse-milter
dpkg-query -W -f='${Conffiles}\n' "$PKG" | grep -q "^ $CONF "
tap $? "$CONF is a conffile"
grep -q '^#AbuseRecipients ' "$CONF" && grep -q '^UserID abuse-milter:postfix$' "$CONF"
tap $? "the configuration leaves the provider's values to fill in"
abuse-milter -n >"$W/n0.out" 2>&1
rc=$?
grep -q 'AbuseRecipients is not set' "$W/n0.out"
tap $(( rc != 0 ? $? : 1 )) "abuse-milter -n, before they are filled in, says AbuseRecipients is not set" "$W/n0.out"
check_true "the shipped rules in /usr/share/abuse-milter/" \
    test -s /usr/share/abuse-milter/abuse.rules
check_true "the unit is installed and enabled" test -f "$UNIT" -a \
    -L /etc/systemd/system/multi-user.target.wants/abuse-milter.service
# README.Debian: dh_compress compresses a document past 4 kB
readme=/usr/share/doc/abuse-milter/README.Debian
[ -f "$readme" ] || readme=$readme.gz
check_true "the man pages and README.Debian" test \
    -f /usr/share/man/man8/abuse-milter.8.gz -a \
    -f /usr/share/man/man5/abuse-milter.conf.5.gz -a \
    -f /usr/share/man/man8/abuse-map.8.gz -a \
    -f "$readme"

# 3. Configure as the postmaster would, load a map, check.
sed -i -e "s|^#AbuseRecipients .*|AbuseRecipients $DESK|" \
    -e 's|^SPFPolicy .*|SPFPolicy off|' -e 's|^Syslog yes|Syslog no|' "$CONF"
abuse-map load -q -m "$MAPDIR" "$samples/map.csv" >"$W/map.out" 2>&1
tap $? "abuse-map load into $MAPDIR" "$W/map.out"
abuse-milter -n >"$W/n.out" 2>&1
tap $? "abuse-milter -n accepts the packaged configuration, rules and map" \
    "$W/n.out"
sed 's/^/# /' "$W/n.out"

# 4. The unit's ExecStart line, as root; the daemon drops to its user.
execstart=$(sed -n 's/^ExecStart=//p' "$UNIT")
check "the unit's ExecStart" "$execstart" "/usr/sbin/abuse-milter -f -c $CONF"
rm -f "$SOCK"
# shellcheck disable=SC2086
$execstart >"$W/milter.log" 2>&1 &
MPID=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ] && kill -0 "$MPID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
check_true "the daemon listens on $SOCK" test -S "$SOCK"
check "the daemon runs as abuse-milter" \
    "$(ps -o user= -p "$MPID" 2>&1 | tr -d ' ')" abuse-milter
mode abuse-milter:postfix 770 "$SOCK"
connect='import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])'
# a python3 any user may run (not one under root's home)
py=/usr/bin/python3
[ -x "$py" ] || py=$PYTHON3
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$py" -c "$connect" "$SOCK" 2>"$W/nobody.err"
grep -q PermissionError "$W/nobody.err"
tap $? "another user (nobody) cannot connect to the socket" "$W/nobody.err"
setpriv --reuid=postfix --regid=postfix --clear-groups \
    "$py" -c "$connect" "$SOCK" 2>"$W/connect.err"
tap $? "postfix, with no other group, can connect" "$W/connect.err"

# 5. A private Postfix at the packaged socket: one routed, one kept.
pf_sink_start || bail "smtp-sink does not start"
pf_init "unix:$SOCK"
pf_start || bail "Postfix does not start"
pf_send "$DESK" "$samples/arf-spam.eml" deb-route@test >>"$W/send.out" 2>&1
pf_send "$DESK" "$samples/two-customers.eml" deb-keep@test >>"$W/send.out" 2>&1
pf_wait 2 60 || { pf_maillog_tail 20; sed 's/^/# /' "$W/milter.log"; }
check "a sample complaint is routed to its customer" \
    "$(pf_rcpts deb-route@test)" "abuse@c1001.example"
check "a complaint naming two customers stays at the desk" \
    "$(pf_rcpts deb-keep@test)" "$DESK"
grep -q 'deb-keep\|action=keep' "$W/milter.log"
tap $? "the daemon logs the kept complaint" "$W/milter.log"
pf_stop
kill -TERM "$MPID"
wait "$MPID"
tap $? "SIGTERM stops the daemon cleanly" "$W/milter.log"
MPID=""

# 6. Remove, then purge.
uid=$(id -u abuse-milter)
dpkg -r "$PKG" >"$W/remove.log" 2>&1
tap $? "dpkg -r removes the package" "$W/remove.log"
check_true "dpkg -r keeps the configuration, the map and the user" \
    test -f "$CONF" -a -L "$MAPDIR/current" -a ! -e /usr/sbin/abuse-milter
getent passwd abuse-milter >/dev/null
tap $? "dpkg -r keeps the user abuse-milter"
dpkg -P "$PKG" >"$W/purge.log" 2>&1
tap $? "dpkg -P purges the package" "$W/purge.log"
left=""
for p in /etc/abuse-milter /var/lib/abuse-milter "$SOCKDIR" \
    /run/abuse-milter /usr/share/abuse-milter /usr/share/doc/abuse-milter \
    /usr/sbin/abuse-milter /usr/sbin/abuse-map "$UNIT" \
    /etc/systemd/system/multi-user.target.wants/abuse-milter.service; do
	[ -e "$p" ] || [ -L "$p" ] && left="$left $p"
done
check "dpkg -P leaves no file behind" "$left" ""
owned=$(find /etc /var /run /usr /tmp -xdev -uid "$uid" 2>/dev/null | head -n 5)
check "no file owned by the user's uid $uid is left" "$owned" ""
if [ -z "$had_user" ]; then
	check "dpkg -P removes the user and group abuse-milter it added" \
	    "$(getent passwd abuse-milter; getent group abuse-milter)" ""
else
	check_true "dpkg -P keeps the user abuse-milter it did not add" \
	    getent passwd abuse-milter
fi
installed
tap $(( $? != 0 ? 0 : 1 )) "dpkg knows the package no more"
tap_end
