#!/bin/sh
# mkhostile.sh - write the hostile complaints listed in expected.tsv.
#
#	sh t/hostile/mkhostile.sh OUTDIR
#
# The big ones (1 MiB lines, 10,000 Received fields, 1,000 nested
# multiparts) are made here at test time rather than kept in the source
# tree.  Every complaint is an ARF report (RFC 5965) from a documentation
# network, varied in one hostile way.
set -eu
out=${1:?usage: mkhostile.sh OUTDIR}
mkdir -p "$out"

# top [EXTRA]: top-level header fields of a complaint, then the blank line.
top() {
    printf 'Received: from fbl.mailbox.example (fbl.mailbox.example [203.0.113.201])\n'
    printf '\tby mx.provider.test (Postfix) with ESMTP id 3F2A1C0D4E\n'
    printf '\tfor <abuse@provider.test>; Tue, 10 Mar 2026 09:15:02 +0000\n'
    printf 'From: Mailbox Feedback Loop <fbl@mailbox.example>\n'
    printf 'To: abuse@provider.test\n'
    printf 'Subject: FW: spam report%s\n' "${1:-}"
    printf 'Date: Tue, 10 Mar 2026 09:15:00 +0000\n'
    printf 'Message-ID: <hostile@fbl.mailbox.example>\n'
    printf 'MIME-Version: 1.0\n'
    printf 'Content-Type: multipart/report; report-type=feedback-report;\n'
    printf '\tboundary="%s"\n\n' "${BOUNDARY:-b1}"
}

# text: the human-readable first part (no address in it).
text() {
    printf -- '--b1\nContent-Type: text/plain; charset=us-ascii\n\n'
    printf 'This is an email abuse report for a message a subscriber marked as spam.\n\n'
}

# report IP: a feedback-report part naming IP.
report() {
    printf -- '--b1\nContent-Type: message/feedback-report\n\n'
    printf 'Feedback-Type: abuse\nUser-Agent: MailboxFBL/2.1\nVersion: 1\n'
    printf 'Original-Mail-From: <promo@shop.example>\n'
    printf 'Arrival-Date: Tue, 10 Mar 2026 08:59:12 +0000\n'
    printf 'Source-IP: %s\n' "$1"
    printf 'Reported-Domain: shop.example\n\n'
}

# embedded: the reported message, with no address in it.
embedded() {
    printf -- '--b1\nContent-Type: message/rfc822\n\n'
    printf 'From: "Shop Deals" <promo@shop.example>\nTo: user@mailbox.example\n'
    printf 'Subject: Earn money fast\nDate: Tue, 10 Mar 2026 08:59:10 +0000\n\n'
    printf 'Work from home and earn money fast.\n\n'
}

end() {
    printf -- '--b1--\n'
}

# arf FILE IP: a plain complaint naming IP.
arf() {
    { top; text; report "$2"; embedded; end; } >"$out/$1"
}

# bytes N CHAR: N copies of CHAR.
bytes() {
    head -c "$1" /dev/zero | tr '\0' "$2"
}

arf inject-ip.eml '192.0.2.77; customer=H2; to=victim@example.com'
{ top; text; printf -- '--b1\nContent-Type: message/feedback-report\n\n'
  printf 'Feedback-Type: abuse\nVersion: 1\n'
  printf 'Source-IP: 192.0.2.78\rBcc: victim@example.com\n\n'
  embedded; end; } >"$out/inject-crlf-ip.eml"
{ top; printf -- '--b1\nContent-Type: text/plain\n\n'
  printf 'Customer: H2 <abuse@h2.example>\nPlease forward to abuse@h2.example.\n\n'
  report 192.0.2.79; embedded; end; } >"$out/customer-named.eml"
{ top ' \000\000 nul'; text; report 192.0.2.80
  printf -- '--b1\nContent-Type: message/rfc822\n\nFrom: a@shop.example\n'
  printf 'Subject: x\000y\n\nbody\000with\000nul\000bytes\n\n'; end; } \
    >"$out/nul-bytes.eml"
{ top; text; printf -- '--b1\nContent-Type: message/feedback-report\n\n'
  printf 'Feedback-Type: abuse\nVersion: 1\nSource-IP: 192.0.2\000.81\n\n'
  embedded; end; } >"$out/nul-in-ip.eml"
{ top; text; report 192.0.2.82
  printf -- '--b1\nContent-Type: message/rfc822\n\nX-Long: '
  bytes 1048576 a
  printf '\nFrom: a@shop.example\nSubject: long\n\nbody\n\n'; end; } \
    >"$out/long-line-embedded.eml"
{ printf 'X-Long: '; bytes 1048576 b; printf '\n'
  top; text; report 192.0.2.83; embedded; end; } >"$out/long-line-top.eml"
{ top; text; report 192.0.2.84
  printf -- '--b1\nContent-Type: message/rfc822\n\n'
  awk 'BEGIN { for (i = 0; i < 10000; i++)
      printf "Received: from h%d.shop.example (h%d.shop.example [198.51.100.%d])\n\tby relay%d.mailbox.example with ESMTP; Tue, 10 Mar 2026 08:59:12 +0000\n", i, i, i % 250 + 1, i }'
  printf 'From: a@shop.example\nSubject: hops\n\nbody\n\n'; end; } \
    >"$out/received-10k-embedded.eml"
{ awk 'BEGIN { for (i = 0; i < 10000; i++)
      printf "Received: from h%d.provider.example (h%d.provider.example [198.51.100.%d])\n\tby mx.provider.test with ESMTP; Tue, 10 Mar 2026 09:15:02 +0000\n", i, i, i % 250 + 1 }'
  top; text; report 192.0.2.85; embedded; end; } >"$out/received-10k-top.eml"
{ awk 'BEGIN { for (i = 0; i < 10000; i++)
      printf "Received: from h%d.provider.example (h%d.provider.example [198.51.100.%d])\n\tby mx.provider.test with ESMTP; Tue, 10 Mar 2026 09:15:02 +0000\n", i, i, i % 250 + 1 }'
  printf 'From: someone@mailbox.example\nTo: abuse@provider.test\n'
  printf 'Subject: hello\n\nNothing to see here.\n'; } >"$out/received-10k-top-only.eml"
# nest N FIRST: multiparts nested N deep; with FIRST=report the report
# comes before the nest, else it is the innermost part.
nest() {
    awk -v n="$1" -v first="$2" 'BEGIN {
        if (first == "report") {
            printf "--b1\nContent-Type: message/feedback-report\n\n"
            printf "Feedback-Type: abuse\nVersion: 1\nSource-IP: 192.0.2.86\n\n"
        }
        # boundaries of one width: none is a prefix of another
        printf "--b1\nContent-Type: multipart/mixed; boundary=\"n0000\"\n\n"
        for (i = 0; i < n; i++)
            printf "--n%04d\nContent-Type: multipart/mixed; boundary=\"n%04d\"\n\n", i, i + 1
        printf "--n%04d\n", n
        if (first == "report")
            printf "Content-Type: text/plain\n\ndeep\n\n"
        else {
            printf "Content-Type: message/feedback-report\n\n"
            printf "Feedback-Type: abuse\nVersion: 1\nSource-IP: 192.0.2.87\n\n"
        }
        for (i = n; i >= 0; i--)
            printf "--n%04d--\n", i
        printf "--b1--\n"
    }'
}
{ top; text; nest 1000 inner; } >"$out/nest-1000-deep.eml"
{ top; text; nest 1000 report; } >"$out/nest-1000-after.eml"
{ top; text; report 192.0.2.88
  printf -- '--b1\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n'
  printf 'SGVsbG8s!!!@@@IHRo====aXMgaXMg\n%%%%%%c3BhbQ\nSGV\n'; end; } \
    >"$out/bad-base64.eml"
{ top; text; report 192.0.2.89
  printf -- '--b1\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n'
  printf 'broken =ZZ escape, =4 short, = lone, =\n=\n'; end; } \
    | sed '$d' >"$out/bad-qp.eml"
printf -- '--b1\nContent-Type: text/plain\n\nsoft break at the very end =' \
    >>"$out/bad-qp.eml"
{ top; text; report 192.0.2.90; embedded; } >"$out/unclosed-boundary.eml"
{ BOUNDARY=nope top; text; report 192.0.2.91; embedded; end; } \
    >"$out/boundary-never.eml"
arf ip-999.eml 999.1.1.1
arf ip-5-parts.eml 192.0.2.1.5
arf ip-mapped-bad.eml ::ffff:999.1.1.1
arf ip-mapped-good.eml ::ffff:192.0.2.90
arf ip-zone-link-local.eml 'fe80::1%eth0'
arf ip-zone-global.eml '2001:db8::1%eth0'
arf ip-leading-zero.eml 192.0.2.010
{ top; text; report 192.0.2.92; report 198.51.100.92; embedded; end; } \
    >"$out/two-customers.eml"
{ top; text; report 192.0.2.93; report 192.0.2.94; embedded; end; } \
    >"$out/same-customer-twice.eml"
