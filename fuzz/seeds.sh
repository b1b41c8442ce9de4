#!/bin/sh
# fuzz/seeds.sh - make the seed corpora of the fuzz targets.
#
#	sh fuzz/seeds.sh SRCDIR OUTDIR
#
# Writes OUTDIR/fuzz_NAME/ for each target from the project's own files:
# the shipped rules, the test fixtures (t/fixtures, t/hostile), the samples
# and a few inputs written here.  Nothing comes from outside the source
# tree.  Files are named by their origin so that the seeds of one run can
# be compared with those of another.
set -u
src=${1:?usage: seeds.sh SRCDIR OUTDIR}
out=${2:?usage: seeds.sh SRCDIR OUTDIR}

mkdir -p "$out/fuzz_ipaddr" "$out/fuzz_rules" "$out/fuzz_conf" \
    "$out/fuzz_mapcsv" "$out/fuzz_complaint" "$out/fuzz_timeparse" \
    "$out/fuzz_received" "$out/fuzz_charset" "$out/fuzz_addr" || exit 1

# copy TARGET FILE...: copy existing regular files into the target's seeds.
copy() {
    t=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        name=$(echo "${f#"$src"/}" | tr '/' '_')
        cp "$f" "$out/$t/$name"
    done
}

# files DIR PATTERN: every file under DIR whose name matches PATTERN.
files() {
    [ -d "$1" ] && find "$1" -type f -name "$2" | sort
}

# Addresses and dates, one per seed.
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" >"$out/fuzz_ipaddr/line$n"
done <<'LIST'
192.0.2.1
198.51.100.255
203.0.113.0/24
0.0.0.0/0
2001:db8::1
2001:db8:0:0:1:0:0:1
2001:db8::/32
::ffff:192.0.2.1
::192.0.2.1
fe80::1%eth0
192.0.2[.]1
192[.]0[.]2[.]1
192.0.2(.)1
2001:db8[:]1
010.1.1.1
999.1.1.1
1.2.3.4.5
::ffff:999.1.1.1
2001:db8::/129
192.0.2.1/33
192.0.2.1/24
Thu, 8 Mar 2005 14:00:00 -0500
Thu, 8 Mar 2005 14:00:00 EST
2015-01-01T12:00:00Z
2015-01-01T12:00:00.5+01:00
2015-01-01 12:00:00 UTC
2015-01-01 12:00:00 +0100
Mon Jan  2 15:04:05 2006
2015-01-01
9999-12-31T23:59:59Z
1969-12-31T23:59:59Z
LIST

# Complaint dates, one per seed, one per form time_parse_span() reads.
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" >"$out/fuzz_timeparse/date$n"
done <<'LIST'
Thu, 5 Mar 2020 14:02:11 +0100 (CET)
Thu, 05 Mar 20 14:02:11 GMT
Thu, 5 Mar 2020 14:02:11 A
2020-03-05T14:02:11.5Z
2020-03-05 14:02:11,123
2020-03-05 14:02:11 UTC+01:00
Thu Mar  5 14:02:11 CET 2020
Thu  5 Mar 14:02:11 IST 2020
Thu 05 Mar 2020 02:11:00 PM CST
Mar  5 14:02:11
Dec 31 23:59:59
Feb 29 00:00:00
2020/03/05 14:02
05.03.2020 14:02:11
03/05/2020
12/31/2020 11:59 pm
05/Mar/2020:14:02:11 +0100
1583416931
1583416931123
2020-03-05
LIST

# Rules files.
copy fuzz_rules "$src"/rules/*.rules $(files "$src/t/fixtures" '*.rules') \
    $(files "$src/t/hostile" '*.rules')

cat >"$out/fuzz_rules/minimal.rules" <<'RULES'
# A small rules file in the abuse-rules(5) language.
define IPV4 (?:\d{1,3}\.){3}\d{1,3}
define IPV6 [0-9a-f:]{2,39}

rule arf-source-ip
    region report
    strength authoritative
    if-report-type abuse fraud
    pattern ^Source-IP:\s*(?<ip>%{IPV4}|%{IPV6})\s*$

rule text-ip-port
    region text attachment
    content-type text/* application/json
    strength strong
    unless-match ^X-Test:
    pattern \b(?<ip>%{IPV4}):(?<port>\d{1,5})\b \
        (?:at\s+(?<time>\S+))?

rule subject-ip
    region header:Subject
    strength weak
    pattern (?<ip>%{IPV4})

rule arrival-date
    region report
    pattern ^Arrival-Date:\s*(?<time>.+)$

rule catastrophic
    region embedded-text
    strength weak
    pattern ^(a+)+$(?<ip>x)
RULES

# Configuration files.
copy fuzz_conf $(files "$src/contrib" '*.conf') \
    $(files "$src/samples" '*.conf') $(files "$src/t/fixtures" '*.conf') \
    $(files "$src/t/hostile" '*.conf')
cat >"$out/fuzz_conf/minimal.conf" <<'CONF'
# abuse-milter.conf
Socket inet:8895@127.0.0.1
AbuseRecipients abuse@example.net, abuse@example.org
MapDirectory /var/lib/abuse-milter/map
LogLevel info
CONF

# Map sources.
copy fuzz_mapcsv $(files "$src/t/fixtures" '*.csv') $(files "$src/t/map" '*.csv') \
    $(files "$src/t/miltertest" '*.csv') $(files "$src/samples" '*.csv') \
    $(files "$src/t/hostile" '*.csv')
cat >"$out/fuzz_mapcsv/minimal.csv" <<'CSV'
prefix,customer,address,valid_from,valid_until,ports
192.0.2.0/24,cust1,abuse@cust1.example,,,
198.51.100.0/25,cust2,"noc@cust2.example",2015-01-01T00:00:00Z,,
198.51.100.0/25,cust3,abuse@cust3.example,,,1024-65535
2001:db8::/48,cust1,abuse@cust1.example,,2030-01-01T00:00:00Z,
CSV

# Complaints.
copy fuzz_complaint $(files "$src/t/fixtures" '*.eml') \
    $(files "$src/t/miltertest" '*.eml') $(files "$src/samples" '*.eml')
# The hostile complaints (some are big: the fuzzer cuts them to -max_len,
# the regression replay reads them whole).
if [ -f "$src/t/hostile/mkhostile.sh" ]; then
    sh "$src/t/hostile/mkhostile.sh" "$out/fuzz_complaint/hostile" || exit 1
    for f in "$out/fuzz_complaint/hostile"/*; do
        mv "$f" "$out/fuzz_complaint/t_hostile_$(basename "$f")"
    done
    rmdir "$out/fuzz_complaint/hostile"
fi
cat >"$out/fuzz_complaint/arf.eml" <<'EML'
From: fbl@example.com
To: abuse@example.net
Subject: FW: spam report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b1"

--b1
Content-Type: text/plain

This is an email abuse report for an email message received from IP
192.0.2.10 on Thu, 8 Mar 2005 14:00:00 -0500.

--b1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Source-IP: 192.0.2.10
Arrival-Date: Thu, 8 Mar 2005 14:00:00 EST

--b1
Content-Type: message/rfc822

Received: from mail.example.org (mail.example.org [198.51.100.7])
	by mx.example.com with ESMTP id abc; Thu, 8 Mar 2005 13:59:58 -0500
From: spammer@example.org
Subject: buy now
Content-Transfer-Encoding: base64

SGVsbG8sIHRoaXMgaXMgc3BhbS4K

--b1--
EML

# Received chains: the unfolded Received fields of each complaint fixture,
# and a chain of each MTA family.
for f in $(files "$src/t/fixtures" '*.eml') $(files "$src/samples" '*.eml'); do
    name=$(echo "${f#"$src"/}" | tr '/' '_')
    awk '/^[ \t]/ { if (cur != "") cur = cur " " substr($0, 2); next }
        { if (cur ~ /^Received:/) print cur; cur = $0 }
        END { if (cur ~ /^Received:/) print cur }' "$f" \
        >"$out/fuzz_received/$name"
    [ -s "$out/fuzz_received/$name" ] || rm -f "$out/fuzz_received/$name"
done
cat >"$out/fuzz_received/families" <<'HDRS'
Received: from mx.example.net (mx.example.net [198.51.100.2]) by mbox.example.net (Postfix) with ESMTP id 1; Mon, 4 Mar 2024 10:00:02 +0000
Received: from [192.0.2.44] (203.0.113.71) by EXCH2.example.com (198.51.100.9) with Microsoft SMTP Server (version=TLS1_2) id 15.1.2; Mon, 4 Mar 2024 10:00:01 +0000
Received: from [203.0.113.71]:4321 (helo=[192.0.2.44]) by mail.example.org with esmtpsa (Exim 4.96) (envelope-from <a@example.org>) id 1r; Mon, 4 Mar 2024 10:00:00 +0000
Received: from 127.0.0.1 (EHLO [192.0.2.44]) (203.0.113.71) by smtp.mail.yahoo.com with ESMTPA; Mon, 4 Mar 2024 09:59:59 +0000
Received: from unknown (HELO mail.example.org) (user@[IPv6:2001:db8::7]) by mx.example.org with SMTP; Mon, 4 Mar 2024 09:59:58 +0000
Received: from helo.example.org (host.example.org [203.0.113.5] (may be forged)) by mx.example.org (8.17.1/8.17.1) with ESMTP id x; Mon, 4 Mar 2024 09:59:57 +0000
Received: from mx.example.org ([127.0.0.1]) by localhost (mx.example.org [127.0.0.1]) (amavisd-new, port 10024) with ESMTP id y; Mon, 4 Mar 2024 09:59:56 +0000
Received: from mail-sor-f41.example.com (mail-sor-f41.example.com. [2001:db8::41]) by mx.google.com with SMTPS id z; Mon, 4 Mar 2024 09:59:55 +0000
HDRS
# Mailboxes and SMTP paths, one per seed.
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" >"$out/fuzz_addr/line$n"
done <<'LIST'
abuse@c1001.example
<abuse@Provider.TEST>
<"abuse"@provider.test>
<@relay.example,@r2.example:abuse@provider.test>
<abuse@provider.test.>
<abuse+tag@provider.test> SIZE=100
"first last"@c1099.example
"a\"b"@c1.example
noc@[192.0.2.1]
noc@[IPv6:2001:db8::1]
user%c1@provider.test
host!user@provider.test
<"a@b"@c1.example>
<>
LIST

# Charsets: a cap byte, a charset name, LF, the text (see fuzz_charset.c).
# charset SEED CAP NAME TEXT: write one seed (TEXT is a printf format).
charset() {
    { printf "\\$(printf '%03o' "$2")%s\n" "$3"; printf "$4"; } \
        >"$out/fuzz_charset/$1"
}
charset utf16le-bom 0 "" \
    '\377\376I\000P\000:\000 \0001\000.\0002\000\n\000'
charset utf16be-nobom 0 utf-16 '\000I\000P\000:\000 \0001\000.\0002'
charset utf16le-nobom 64 "" \
    'I\000P\000,\0001\0009\0002\000.\0000\000.\0002\000.\0001\000'
charset utf32le 0 "" '\377\376\000\000A\000\000\000'
charset utf8-bom 0 utf-8 '\357\273\277Source-IP: 192.0.2.1'
charset latin1 0 iso-8859-1 'Adresse IP source : 192.0.2.1 \351t\351'
charset cp1252 8 windows-1252 '\200\200\200\223quoted\224'
charset koi8r 0 KOI8-R '\372\301\313\301\332 192.0.2.1'
charset sjis 0 Shift_JIS '\203e\203X\203g 192.0.2.1'
charset iso2022jp 0 ISO-2022-JP '\033$B%%F%%9%%H\033(B 192.0.2.1'
charset big5 0 big5 '\264\372\270\325 192.0.2.1'
charset gb2312 0 gb2312 '\262\342\312\324 192.0.2.1'
charset unknown 0 x-no-such-charset 'caf\351 192.0.2.1'
charset broken-utf8 0 iso-8859-15 '\244 and \377'
charset ew-b 0 "" \
    '=?utf-8?B?MTkyLjAuMi4x?= and =?iso-8859-1?q?caf=E9_?= =?ISO-8859-1?Q?x?='
charset ew-split 0 "" \
    '=?utf-8?B?w6k=?= =?utf-8?B?4oKs?= =?x-bad?B?QQ==?= =?utf-8?X?a?= =?utf-8?Q?a'
charset ew-lang 0 "" \
    '=?utf-8*en?Q?a=0Ab?= (=?koi8-r?B?+sHLwdo=?=)'
exit 0
