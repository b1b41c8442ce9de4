#!/usr/bin/env python3
"""variants.py - attribution by classes: everyday variants of complaints.

    python3 t/variants/variants.py --srcdir SRC --builddir BUILD
        [--corpus DIR] [--seed N] [--show N] [--keep-tmp]

    make check-variants [CORPUS=DIR] [VARIANTS_SEED=N]
        [VARIANTS_ALLOW_FAIL=1]

From seeds whose decision is known it derives variants by class, each
with the outcome that follows from the seed's, decides them all with
`abuse-milter -t -a TIME -c CONF` (a few invocations, many files each,
against a map loaded with `abuse-map load` in a temporary directory) and
checks one invariant: no variant routes to a customer other than its
expected one (a misroute), and no variant expected to stay at the desk
routes (a false route).  A keep where a route was expected is a miss:
counted and shown, never a failure.

Seeds:
  - t/fixtures/read/*.eml, their decisions in expected.ref, map.csv;
  - t/variants/fixtures/*.eml (expected.tsv), whose customers and the
    reassigned prefixes of class d are in t/variants/map.csv (the map of
    this run is t/fixtures/read/map.csv extended by it);
  - the corpus (truth.tsv, map.csv) when --corpus names one: read in
    memory, its variants written only under the temporary directory.

Classes (the expected outcome follows from the seed's: "unchanged" means
the seed's route or a keep, a keep seed stays a keep):
  a  the hand-off hop (the Received hop naming the seed's address)
     rewritten in each MTA dialect: unchanged
  b  the same with a HELO literal naming another customer: unchanged
  c  a strong candidate of another customer added (a labelled line, an
     attached earlier complaint, a second hand-off in another attached
     message, a table row): keep
  d  the incident time moved across a reassignment (t/variants/map.csv:
     203.0.113.112/28 and 2001:db8:7::/48 change holder at T) in each
     date dialect: the holder at that time, or keep; a time that only
     the reported message's Date: gives must not route to the earlier
     holder
  e  the complaint wrapped in a bounce (Postfix, Exim, Exchange), an
     auto-reply or a customer's reply: keep
  f  parts re-encoded (base64, quoted-printable, UTF-16, ISO-8859-1):
     unchanged
  g  forwarded inline or as an attachment: unchanged
and "seed": the seeds themselves.

Prints a table per class, the failing variants (at most --show), and a
last line "check-variants: N variants, M misroutes, F false routes".
Exits 1 on any misroute or false route, 2 on a usage or setup problem.
VARIANTS_ALLOW_FAIL=1 in the environment reports the failures and exits
0 (until the decision passes them all).  Deterministic for a --seed.
Standard library only.
"""

import argparse
import base64
import calendar
import csv
import email
import email.generator
import email.policy
import io
import ipaddress
import json
import os
import quopri
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The reassignment of class d: the holders change at T; the complaints
# arrive at ARRIVAL_D (after T, so a decision that ignores the incident
# time routes to the later holder).
T_REASSIGN = calendar.timegm((2024, 6, 15, 12, 0, 0))
ARRIVAL_D = T_REASSIGN + 20 * 86400
REASSIGNED = [
    # (an address, earlier holder, later holder)
    ("203.0.113.117", "quebec", "romeo"),
    ("2001:db8:7::17", "sierra", "tango"),
]
ARRIVAL_FIXTURES = 1700000000  # as in t/test_dryrun.sh and expected.ref
PROVIDER = "provider.example"
CHUNK = 2000  # files per abuse-milter invocation

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


# ------------------------------------------------------------------ map

def parse_time(s):
    """An RFC 3339 time of map.csv, or None when empty."""
    s = s.strip()
    if not s:
        return None
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


class IPMap:
    """map.csv in memory: who holds an address at a time."""

    def __init__(self, text):
        self.rows = []
        for r in csv.DictReader(io.StringIO(text)):
            self.rows.append({
                "net": ipaddress.ip_network(r["prefix"].strip(),
                                            strict=False),
                "customer": r["customer"].strip(),
                "address": r["address"].strip(),
                "from": parse_time(r.get("valid_from") or ""),
                "until": parse_time(r.get("valid_until") or ""),
                "ports": (r.get("ports") or "").strip(),
            })

    def holders(self, ip, when):
        """The customers of the longest prefix holding ip at when."""
        ip = ipaddress.ip_address(ip)
        best, found = -1, set()
        for r in self.rows:
            if r["net"].version != ip.version or ip not in r["net"]:
                continue
            if r["from"] is not None and when < r["from"]:
                continue
            if r["until"] is not None and when >= r["until"]:
                continue
            if r["net"].prefixlen > best:
                best, found = r["net"].prefixlen, set()
            if r["net"].prefixlen == best:
                found.add(r["customer"])
        return found

    def address(self, customer):
        for r in self.rows:
            if r["customer"] == customer:
                return r["address"]
        return "abuse@%s.example" % customer.lower()

    def plain_hosts(self, exclude):
        """(customer, ip) for customers holding an address alone at every
        time and on every port, one address each."""
        out = {}
        for r in self.rows:
            c = r["customer"]
            if c in exclude or c in out or r["from"] or r["until"] or \
                    r["ports"]:
                continue
            net = r["net"]
            ip = net[0] if net.num_addresses == 1 else \
                net[min(5, net.num_addresses - 1)]
            if all(self.holders(ip, t) == {c} for t in (0, 2 ** 31)):
                out[c] = str(ip)
        return sorted(out.items())


# ------------------------------------------------------------ messages

def split_message(text):
    """(header block, body) of a message in LF form; the header block
    ends without its blank line."""
    i = text.find("\n\n")
    if i < 0:
        return text.rstrip("\n"), ""
    return text[:i], text[i + 2:]


def header_value(headers, name):
    m = re.search(r"(?im)^%s:[ \t]*((?:.*)(?:\n[ \t].*)*)" % re.escape(name),
                  headers)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def remove_headers(headers, names):
    """The header block without the fields named (and their
    continuations), and the removed fields."""
    keep, gone, drop = [], [], False
    for line in headers.split("\n"):
        if line[:1] in (" ", "\t"):
            (gone if drop else keep).append(line)
            continue
        name = line.split(":", 1)[0].strip().lower()
        drop = name in names
        (gone if drop else keep).append(line)
    return "\n".join(keep), "\n".join(gone)


def boundary_of(headers):
    ct = header_value(headers, "Content-Type")
    if not re.match(r"(?i)\s*multipart/", ct):
        return None
    m = re.search(r'(?i)boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))', ct)
    return (m.group(1) or m.group(2)) if m else None


def add_part(text, part, rng):
    """The message with one more MIME part (its headers, a blank line,
    its body) at the end of the top-level multipart, made multipart/mixed
    first when it is not."""
    headers, body = split_message(text)
    b = boundary_of(headers)
    if b is not None:
        close = "--" + b + "--"
        i = body.rfind(close)
        if i >= 0:
            return headers + "\n\n" + body[:i] + "--" + b + "\n" + part + \
                "\n" + body[i:]
    rest, moved = remove_headers(headers, ("content-type",
                                           "content-transfer-encoding",
                                           "mime-version"))
    moved_lines = [l for l in moved.split("\n")
                   if not l.lower().startswith("mime-version")]
    first = "\n".join(l for l in moved_lines if l) or \
        "Content-Type: text/plain"
    nb = "=_variant_%08x" % rng.getrandbits(32)
    return (rest + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
            'boundary="%s"\n\n--%s\n%s\n\n%s\n--%s\n%s\n--%s--\n'
            % (nb, nb, first, body, nb, part, nb))


def readable_text(text):
    """What a mail reader shows of a message: the decoded text parts and
    the headers of embedded messages, for quoting and inline forwards."""
    msg = email.message_from_string(text, policy=email.policy.compat32)
    out = []
    for part in msg.walk():
        ct = part.get_content_type()
        if part is not msg and ct == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                out.append("".join("%s: %s\n" % (k, v)
                                   for k, v in inner[0].items()))
            continue
        if ct in ("message/feedback-report", "message/delivery-status") \
                and isinstance(part.get_payload(), list):
            out.append("\n".join("".join("%s: %s\n" % kv for kv in m.items())
                                 for m in part.get_payload()))
            continue
        if part.get_content_maintype() == "text" or \
                ct == "message/feedback-report" or \
                ct == "message/delivery-status":
            raw = part.get_payload(decode=True)
            if raw is None:
                raw = str(part.get_payload()).encode("latin-1", "replace")
            cs = part.get_content_charset() or "latin-1"
            try:
                out.append(raw.decode(cs, "replace"))
            except LookupError:
                out.append(raw.decode("latin-1"))
    return "\n".join(out)


def rfc5322_date(t, zone_min=0, name=None):
    lt = time.gmtime(t + zone_min * 60)
    zone = name or "%s%02d%02d" % ("-" if zone_min < 0 else "+",
                                   abs(zone_min) // 60, abs(zone_min) % 60)
    return "%s, %d %s %d %02d:%02d:%02d %s" % (
        DAYS[lt.tm_wday], lt.tm_mday, MONTHS[lt.tm_mon - 1], lt.tm_year,
        lt.tm_hour, lt.tm_min, lt.tm_sec, zone)


# ------------------------------------------------- class a, b: the hop

# Each dialect: a Received field for a client ip with a reverse name
# (or None), a HELO name, the receiving host "by" and the date.  From
# samples of each MTA's own header.
def hop_postfix(ip, rdns, helo, by, date, rng):
    lit = "IPv6:" + ip if ":" in ip else ip
    return ("Received: from %s (%s [%s])\n\tby %s (Postfix) with ESMTPS id "
            "4Vx%06X\n\tfor <user@%s>; %s"
            % (helo, rdns or "unknown", lit, by, rng.getrandbits(24),
               by.split(".", 1)[-1], date))


def hop_sendmail(ip, rdns, helo, by, date, rng):
    lit = "IPv6:" + ip if ":" in ip else ip
    inner = "%s [%s]" % (rdns, lit) if rdns else "[%s]" % lit
    return ("Received: from %s (%s)\n\tby %s (8.17.1/8.17.1) with ESMTP id "
            "44F9%06x\n\tfor <user@%s>; %s"
            % (helo, inner, by, rng.getrandbits(24), by.split(".", 1)[-1],
               date))


def hop_exim(ip, rdns, helo, by, date, rng):
    port = ":%d" % rng.randint(1024, 65535) if rng.random() < 0.5 else ""
    lead = rdns if rdns else "[%s]" % ip
    return ("Received: from %s ([%s]%s helo=%s)\n\tby %s with esmtps "
            "(TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t"
            "(envelope-from <bounce@sender.example>)\n\t"
            "id 1s%04x-000Ab-1x\n\tfor user@%s; %s"
            % (lead, ip, port, helo, by, rng.getrandbits(16),
               by.split(".", 1)[-1], date))


def hop_exchange(ip, rdns, helo, by, date, rng):
    return ("Received: from %s (%s) by %s (10.167.242.%d) with Microsoft "
            "SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256"
            "_GCM_SHA384) id 15.20.7452.22 via Frontend\n Transport; %s"
            % (helo, ip, by, rng.randint(1, 254), date))


def hop_qmail(ip, rdns, helo, by, date, rng):
    return ("Received: from %s (HELO %s) (%s)\n  by %s with SMTP; %s"
            % (rdns or "unknown", helo, ip, by, date))


def hop_gmail(ip, rdns, helo, by, date, rng):
    return ("Received: from %s (%s. [%s])\n        by %s with ESMTPS id "
            "a%x-20020a05600c\n        for <user@%s>\n        "
            "(Google Transport Security);\n        %s"
            % (helo, rdns or "unknown", ip, by, rng.getrandbits(32),
               by.split(".", 1)[-1], date))


def hop_yahoo(ip, rdns, helo, by, date, rng):
    return ("Received: from %s (EHLO %s)\n by %s with SMTP; %s"
            % (ip, helo, by, date))


def hop_opensmtpd(ip, rdns, helo, by, date, rng):
    lit = "IPv6:" + ip if ":" in ip else ip
    return ("Received: from %s (%s [%s])\n\tby %s (OpenSMTPD) with ESMTPS "
            "id %08x (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO)\n\t"
            "for <user@%s>;\n\t%s"
            % (helo, rdns or "unknown", lit, by, rng.getrandbits(32),
               by.split(".", 1)[-1], date))


def hop_haraka(ip, rdns, helo, by, date, rng):
    return ("Received: from %s (%s [%s])\n\tby %s (Haraka/3.0.3) with "
            "ESMTPS id 6A1B%04X-4E5F-4A6B-8C7D-9E0F1A2B3C4D.1\n\t"
            "envelope-from <bounce@sender.example>\n\t(version=TLSv1.3 "
            "cipher=TLS_AES_256_GCM_SHA384);\n\t%s"
            % (rdns or "Unknown", helo, ip, by, rng.getrandbits(16), date))


DIALECTS = [("postfix", hop_postfix), ("sendmail", hop_sendmail),
            ("exim", hop_exim), ("exchange", hop_exchange),
            ("qmail", hop_qmail), ("gmail", hop_gmail),
            ("yahoo", hop_yahoo), ("opensmtpd", hop_opensmtpd),
            ("haraka", hop_haraka)]

RECEIVED_RE = re.compile(r"(?im)^Received:[^\n]*(?:\n[ \t][^\n]*)*")


def find_handoff(text, ip):
    """The span of the first Received field naming ip, or None."""
    after = r"(?![\w.:])" if ":" in ip else r"(?![\w.])"
    pat = re.compile(r"(?:(?<=IPv6:)|(?<![\w.:]))%s%s" % (re.escape(ip),
                                                       after))
    for m in RECEIVED_RE.finditer(text):
        if pat.search(m.group(0)):
            return m
    return None


def class_ab(seed, others, rng):
    if not seed.ip:
        return
    m = find_handoff(seed.text, seed.ip)
    if m is None:
        return
    hop = m.group(0)
    by = re.search(r"\bby\s+([A-Za-z0-9.-]+)", hop)
    by = by.group(1) if by else "mx.reporter.example"
    date = hop.rsplit(";", 1)[1].strip() if ";" in hop else \
        rfc5322_date(ARRIVAL_FIXTURES)
    date = re.sub(r"\s+", " ", date)
    fm = re.search(r"(?i)\bfrom\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})", hop)
    name = fm.group(1) if fm else "mail.sender.example"
    other = [ip for c, ip in others if c not in seed.customers]
    for dname, fn in DIALECTS:
        for style in ("rdns", "unknown"):
            rdns = name if style == "rdns" else None
            new = fn(seed.ip, rdns, name, by, date, rng)
            yield ("a", "%s-%s" % (dname, style),
                   seed.text[:m.start()] + new + seed.text[m.end():],
                   seed.expect)
        if other:
            lit = rng.choice(other)
            helo = "[IPv6:%s]" % lit if ":" in lit else "[%s]" % lit
            new = fn(seed.ip, name, helo, by, date, rng)
            yield ("b", dname,
                   seed.text[:m.start()] + new + seed.text[m.end():],
                   seed.expect)


# ----------------------------------------- class c: another candidate

def earlier_complaint(ip, rng):
    return ("Content-Type: message/rfc822\nContent-Disposition: attachment"
            "\n\nFrom: Abuse Reports <reports@watch.example>\n"
            "To: abuse@%s\nSubject: Abuse report #%d\nDate: %s\n\n"
            "Our sensors saw an attack.\n\nOffending IP: %s\n"
            % (PROVIDER, rng.randint(1000, 9999),
               rfc5322_date(ARRIVAL_FIXTURES - 86400), ip))


def second_handoff(ip, by, rng):
    lit = "IPv6:" + ip if ":" in ip else ip
    return ("Content-Type: message/rfc822\n\n"
            "Received: from mail.other.example (mail.other.example [%s])\n"
            "\tby %s (Postfix) with ESMTP id 9Q%04X; %s\n"
            "From: promo@other.example\nTo: user@reporter.example\n"
            "Subject: Another one\nDate: %s\n\nBuy now.\n"
            % (lit, by, rng.getrandbits(16),
               rfc5322_date(ARRIVAL_FIXTURES - 3600),
               rfc5322_date(ARRIVAL_FIXTURES - 3700)))


def table_row(ip):
    return ('Content-Type: text/csv; name="events.csv"\n'
            'Content-Disposition: attachment; filename="events.csv"\n\n'
            '"timestamp","ip","port","type"\n'
            '"2023-11-14 20:00:00","%s","4444","scan"\n' % ip)


def class_c(seed, others, rng):
    # Only a routed seed: a candidate added to a complaint that names no
    # customer may rightly route to it.
    other = [(c, ip) for c, ip in others if c not in seed.customers]
    if not other or seed.expect[0] != "route":
        return
    by = "mx.reporter.example"
    if seed.ip:
        m = find_handoff(seed.text, seed.ip)
        b = re.search(r"\bby\s+([A-Za-z0-9.-]+)", m.group(0)) if m else None
        by = b.group(1) if b else by
    keep = ("keep", None)
    c, ip = rng.choice(other)
    label = "Content-Type: text/plain\n\nAlso seen:\nOffending IP: %s\n" % ip
    headers, body = split_message(seed.text)
    if boundary_of(headers) is None and not re.search(
            r"(?im)^Content-Transfer-Encoding:[ \t]*(base64|quoted)", headers):
        yield ("c", "labelled-line",
               headers + "\n\nOffending IP: %s\n\n" % ip + body, keep)
    else:
        yield ("c", "labelled-part", add_part(seed.text, label, rng), keep)
    c, ip = rng.choice(other)
    yield ("c", "earlier-complaint",
           add_part(seed.text, earlier_complaint(ip, rng), rng), keep)
    c, ip = rng.choice(other)
    yield ("c", "second-handoff",
           add_part(seed.text, second_handoff(ip, by, rng), rng), keep)
    c, ip = rng.choice(other)
    yield ("c", "table-row", add_part(seed.text, table_row(ip), rng), keep)


# ---------------------------------------------------- class d: time

# (name, zone-explicit, format(t)): the dialects of a written time.
TIME_DIALECTS = [
    ("rfc5322-num", True, lambda t: rfc5322_date(t, 120)),
    ("rfc5322-EDT", True, lambda t: rfc5322_date(t, -240, "EDT")),
    ("rfc5322-PDT", True, lambda t: rfc5322_date(t, -420, "PDT")),
    ("rfc5322-GMT", True, lambda t: rfc5322_date(t, 0, "GMT")),
    ("rfc5322-CEST-comment", True,
     lambda t: rfc5322_date(t, 120) + " (CEST)"),
    ("rfc5322-CEST", True, lambda t: rfc5322_date(t, 120, "CEST")),
    ("date1-UTC", True, lambda t: time.strftime(
        "%a %b %e %H:%M:%S UTC %Y", time.gmtime(t))),
    ("date1-CEST", True, lambda t: time.strftime(
        "%a %b %e %H:%M:%S CEST %Y", time.gmtime(t + 7200))),
    ("date1-EDT", True, lambda t: time.strftime(
        "%a %b %e %H:%M:%S EDT %Y", time.gmtime(t - 14400))),
    ("syslog", False, lambda t: time.strftime(
        "%b %e %H:%M:%S", time.gmtime(t))),
    ("ymd-slash", False, lambda t: time.strftime(
        "%Y/%m/%d %H:%M:%S", time.gmtime(t))),
    ("dmy-dot", False, lambda t: time.strftime(
        "%d.%m.%Y %H:%M:%S", time.gmtime(t))),
    ("dmy-dot-UTC", True, lambda t: time.strftime(
        "%d.%m.%Y %H:%M:%S UTC", time.gmtime(t))),
    ("epoch", True, lambda t: "%d" % t),
    ("iso-nozone", False, lambda t: time.strftime(
        "%Y-%m-%d %H:%M:%S", time.gmtime(t))),
    ("rfc3339", True, lambda t: time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))),
]


def shape_text(ip, when):
    return ("From: Security Team <security@watch.example>\nTo: abuse@%s\n"
            "Subject: Attack from your network\nDate: %s\n\n"
            "Hello,\n\nwe saw an attack on our servers.\n\n"
            "Offending IP: %s\nTime of the incident: %s\n\nRegards\n"
            % (PROVIDER, rfc5322_date(ARRIVAL_D), ip, when))


def shape_arf(ip, when):
    return ("From: FBL <fbl@mailbox.example>\nTo: abuse@%s\n"
            "Subject: FW: report\nDate: %s\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=feedback-report; "
            'boundary="arf"\n\n--arf\nContent-Type: text/plain\n\n'
            "An abuse report.\n\n--arf\n"
            "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
            "User-Agent: fbl/1\nVersion: 1\nSource-IP: %s\n"
            "Arrival-Date: %s\n\n--arf--\n"
            % (PROVIDER, rfc5322_date(ARRIVAL_D), ip, when))


def shape_ssh(ip, when):
    return ("From: Admin <admin@university.example>\nTo: abuse@%s\n"
            "Subject: SSH attack\nDate: %s\n\nFrom our auth.log:\n\n"
            "%s gate sshd[911]: Failed password for root from %s port 4242 "
            "ssh2\n" % (PROVIDER, rfc5322_date(ARRIVAL_D), when, ip))


def shape_xarf(ip, when):
    return ("From: X-ARF <reports@honeynet.example>\nTo: abuse@%s\n"
            "Subject: abuse report\nDate: %s\nMIME-Version: 1.0\n"
            "X-XARF: PLAIN\n"
            'Content-Type: multipart/mixed; boundary="x"\n\n--x\n'
            "Content-Type: text/plain\n\nAn X-ARF report.\n\n--x\n"
            'Content-Type: text/plain; name="report.txt"\n\n'
            "Reported-From: reports@honeynet.example\nCategory: abuse\n"
            "Report-Type: login-attack\nVersion: 0.2\nDate: %s\n"
            "Source-Type: %s\nSource: %s\nPort: 22\n--x--\n"
            % (PROVIDER, rfc5322_date(ARRIVAL_D), when,
               "ipv6" if ":" in ip else "ipv4", ip))


def shape_csv(ip, when):
    return ("From: Scans <reports@scanwatch.example>\nTo: abuse@%s\n"
            "Subject: Scan report\nDate: %s\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="s"\n\n--s\n'
            "Content-Type: text/plain\n\nThe report is attached.\n\n--s\n"
            'Content-Type: text/csv; name="report.csv"\n\n'
            '"timestamp","ip","port"\n"%s","%s","11211"\n--s--\n'
            % (PROVIDER, rfc5322_date(ARRIVAL_D), when, ip))


def shape_acns(ip, when):
    return ("From: Rights <notices@rights.example>\nTo: abuse@%s\n"
            "Subject: Notice of Claimed Infringement\nDate: %s\n\n"
            "- ----- Begin ACNS XML -----\n<Infringement>\n <Source>\n"
            "  <TimeStamp>%s</TimeStamp>\n  <IP_Address>%s</IP_Address>\n"
            "  <Port>6881</Port>\n </Source>\n</Infringement>\n"
            "- ----- End ACNS XML -----\n"
            % (PROVIDER, rfc5322_date(ARRIVAL_D), when, ip))


def shape_spamcop(ip, when):
    return ("From: SpamCop <spamcop@reports.example>\nTo: abuse@%s\n"
            "Subject: [SpamCop (http://%s/) id:1234]Buy now\nDate: %s\n\n"
            "- SpamCop V5 -\nThis message is brief for your comfort.\n\n"
            "Email from %s / %s\n" % (PROVIDER, ip.replace(":", "-"),
                                      rfc5322_date(ARRIVAL_D), ip, when))


SHAPES = [("text", shape_text), ("arf", shape_arf), ("ssh", shape_ssh),
          ("xarf", shape_xarf), ("csv", shape_csv), ("acns", shape_acns),
          ("spamcop", shape_spamcop)]


def shape_date_only(ip, when):
    """A feedback report whose only time is the spam's own Date: (the
    hand-off hop carries none)."""
    lit = "IPv6:" + ip if ":" in ip else ip
    return ("From: FBL <fbl@mailbox.example>\nTo: abuse@%s\n"
            "Subject: complaint\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=feedback-report; "
            'boundary="f"\n\n--f\nContent-Type: text/plain\n\nSpam.\n\n--f\n'
            "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
            "Version: 1\n\n--f\nContent-Type: message/rfc822\n\n"
            "Received: from mail.sender.example (mail.sender.example [%s])\n"
            "\tby mx2.mailbox.example (Postfix) with ESMTP id 5A5A\n"
            "From: deals@sender.example\nTo: user@mailbox.example\n"
            "Subject: Deals\nDate: %s\n\nDeals.\n--f--\n"
            % (PROVIDER, lit, when))


def class_d(imap):
    """(class, name, text, expect) of the time variants; all decided at
    ARRIVAL_D."""
    for ip, early, late in REASSIGNED:
        v = "v6" if ":" in ip else "v4"
        for dname, explicit, fmt in TIME_DIALECTS:
            offsets = (-3 * 86400, -3 * 3600, 3 * 3600, 3 * 86400) \
                if explicit else (-3 * 86400, 3 * 86400)
            for off in offsets:
                t = T_REASSIGN + off
                want = imap.holders(ip, t)
                assert len(want) == 1
                exp = ("route", want.pop())
                for sname, fn in SHAPES:
                    yield ("d", "%s-%s-%s%+dh" % (sname, dname, v,
                                                 off // 3600),
                           fn(ip, fmt(t)), exp)
        for off in (-3 * 86400, -3 * 3600, 3 * 3600, 3 * 86400):
            # The spammer's Date: says nothing the desk can trust: the
            # earlier holder never; the later one (the arrival's) or keep.
            yield ("d", "date-only-%s%+dh" % (v, off // 3600),
                   shape_date_only(ip, rfc5322_date(T_REASSIGN + off)),
                   ("route", late))


# ---------------------------------------------------- class e: wraps

def bounce_postfix(seed, rng):
    return ("From: MAILER-DAEMON@mx.%s (Mail Delivery System)\n"
            "To: abuse@%s\nSubject: Undelivered Mail Returned to Sender\n"
            "Date: %s\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status;\n"
            '\tboundary="B1.%d/mx"\n\n--B1.%d/mx\n'
            "Content-Description: Notification\nContent-Type: text/plain\n\n"
            "This is the mail system at host mx.%s.\n\nI'm sorry to have to "
            "inform you that your message could not\nbe delivered to one or "
            "more recipients.\n\n--B1.%d/mx\nContent-Description: Delivery "
            "report\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.%s\n\nFinal-Recipient: rfc822; "
            "gone@%s\nAction: failed\nStatus: 5.1.1\n\n--B1.%d/mx\n"
            "Content-Description: Undelivered Message\n"
            "Content-Type: message/rfc822\n\n%s\n--B1.%d/mx--\n"
            % (seed.domain, PROVIDER, rfc5322_date(ARRIVAL_FIXTURES),
               seed.n, seed.n, seed.domain, seed.n, seed.domain,
               seed.domain, seed.n, seed.text, seed.n))


def bounce_exim(seed, rng):
    return ("From: Mail Delivery System <Mailer-Daemon@mail.%s>\n"
            "To: abuse@%s\nSubject: Mail delivery failed: returning message "
            "to sender\nDate: %s\nX-Failed-Recipients: gone@%s\n"
            "Auto-Submitted: auto-replied\n\n"
            "This message was created automatically by mail delivery "
            "software.\n\nA message that you sent could not be delivered to "
            "one or more of its\nrecipients. This is a permanent error. The "
            "following address(es) failed:\n\n  gone@%s\n    Unrouteable "
            "address\n\n------ This is a copy of the message, including "
            "all the headers. ------\n\n%s"
            % (seed.domain, PROVIDER, rfc5322_date(ARRIVAL_FIXTURES),
               seed.domain, seed.domain, seed.text))


def bounce_exchange(seed, rng):
    subj = header_value(split_message(seed.text)[0], "Subject")
    return ("From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc"
            "36ab6ce41109e@%s>\nTo: abuse@%s\nSubject: Undeliverable: %s\n"
            "Date: %s\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status;\n"
            '\tboundary="_000_ex%d_"\n\n--_000_ex%d_\n'
            "Content-Type: text/plain; charset=us-ascii\n\n"
            "Delivery has failed to these recipients or groups:\n\n"
            "gone@%s\nThe email address you entered couldn't be found.\n\n"
            "--_000_ex%d_\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns;EX01.%s\n\nFinal-recipient: RFC822; gone@%s\n"
            "Action: failed\nStatus: 5.1.10\n\n--_000_ex%d_\n"
            "Content-Type: message/rfc822\n\n%s\n--_000_ex%d_--\n"
            % (seed.domain, PROVIDER, subj, rfc5322_date(ARRIVAL_FIXTURES),
               seed.n, seed.n, seed.domain, seed.n, seed.domain,
               seed.domain, seed.n, seed.text, seed.n))


def auto_reply(seed, rng):
    subj = header_value(split_message(seed.text)[0], "Subject")
    quoted = "".join("> " + l + "\n"
                     for l in readable_text(seed.text).split("\n"))
    return ("From: Support <support@%s>\nTo: abuse@%s\n"
            "Subject: Automatic reply: %s\nDate: %s\n"
            "Auto-Submitted: auto-replied\nX-Autoreply: yes\n\n"
            "Thank you for your message. We are out of the office until "
            "Monday.\n\n%s" % (seed.domain, PROVIDER, subj,
                               rfc5322_date(ARRIVAL_FIXTURES), quoted))


def customer_reply(seed, rng):
    subj = header_value(split_message(seed.text)[0], "Subject")
    quoted = "".join("> " + l + "\n"
                     for l in readable_text(seed.text).split("\n"))
    return ("From: Ops <ops@%s>\nTo: abuse@%s\nSubject: Re: %s\nDate: %s\n"
            "In-Reply-To: <complaint@%s>\n\nHello,\n\nwe have looked into "
            "it and the host is clean now.\n\nOn %s, abuse@%s wrote:\n%s"
            % (seed.domain, PROVIDER, subj, rfc5322_date(ARRIVAL_FIXTURES),
               PROVIDER, rfc5322_date(ARRIVAL_FIXTURES - 7200), PROVIDER,
               quoted))


def class_e(seed, rng):
    keep = ("keep", None)
    for name, fn in (("bounce-postfix", bounce_postfix),
                     ("bounce-exim", bounce_exim),
                     ("bounce-exchange", bounce_exchange),
                     ("auto-reply", auto_reply),
                     ("customer-reply", customer_reply)):
        yield ("e", name, fn(seed, rng), keep)


# ----------------------------------------------- class f: re-encoding

def reencode(text, how):
    msg = email.message_from_string(text, policy=email.policy.compat32)
    changed = False
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        raw = part.get_payload(decode=True)
        if raw is None:
            continue
        cs = part.get_content_charset() or "us-ascii"
        try:
            s = raw.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
        del part["Content-Transfer-Encoding"]
        if how == "base64":
            data, cte = base64.encodebytes(raw).decode("ascii"), "base64"
        elif how == "qp":
            data = quopri.encodestring(raw).decode("ascii")
            cte = "quoted-printable"
        elif how == "utf16":
            data = base64.encodebytes(s.encode("utf-16")).decode("ascii")
            cte = "base64"
            part.set_param("charset", "utf-16")
        else:
            b = (s + "\nR\u00e9f. n\u00b0 4411\n").encode("iso-8859-1",
                                                         "replace")
            data = quopri.encodestring(b).decode("ascii")
            cte = "quoted-printable"
            part.set_param("charset", "iso-8859-1")
        part.set_payload(data)
        part["Content-Transfer-Encoding"] = cte
        changed = True
    if not changed:
        return None
    out = io.StringIO()
    email.generator.Generator(out, mangle_from_=False,
                              maxheaderlen=0).flatten(msg)
    return out.getvalue()


def class_f(seed, rng):
    for how in ("base64", "qp", "utf16", "latin1"):
        v = reencode(seed.text, how)
        if v is not None:
            yield ("f", how, v, seed.expect)


# ------------------------------------------------ class g: forwards

def class_g(seed, rng):
    h = split_message(seed.text)[0]
    subj = header_value(h, "Subject")
    body = readable_text(seed.text)
    top = ("From: Helpdesk <helpdesk@partner.example>\nTo: abuse@%s\n"
           "Date: %s\n" % (PROVIDER, rfc5322_date(ARRIVAL_FIXTURES)))
    orig = "From: %s\nDate: %s\nSubject: %s\nTo: %s\n" % (
        header_value(h, "From"), header_value(h, "Date"), subj,
        header_value(h, "To"))
    yield ("g", "attachment",
           top + "Subject: Fwd: %s\nMIME-Version: 1.0\n"
           'Content-Type: multipart/mixed; boundary="fw"\n\n--fw\n'
           "Content-Type: text/plain\n\nForwarding this to you.\n\n--fw\n"
           "Content-Type: message/rfc822\n\n%s\n--fw--\n"
           % (subj, seed.text), seed.expect)
    yield ("g", "inline-gmail",
           top + "Subject: Fwd: %s\n\nSee below.\n\n---------- Forwarded "
           "message ---------\n%s\n%s" % (subj, orig, body), seed.expect)
    yield ("g", "inline-thunderbird",
           top + "Subject: Fwd: %s\n\n\n-------- Forwarded Message --------"
           "\n%s\n\n%s" % (subj, orig.replace(": ", ": \t"), body),
           seed.expect)
    yield ("g", "inline-outlook",
           top + "Subject: FW: %s\n\nFYI\n\n-----Original Message-----\n"
           "%s\n%s" % (subj, orig, body), seed.expect)


# ------------------------------------------------------------ seeds

class Seed:
    def __init__(self, name, text, expect, ip, candidates, imap, n):
        self.name = name
        self.text = text.replace("\r\n", "\n")
        self.expect = expect
        self.ip = ip
        # The customers the seed names (expected or among its candidates):
        # "another customer" is none of these.
        self.customers = set(candidates)
        if expect[1]:
            self.customers.add(expect[1])
        addr = imap.address(expect[1]) if expect[1] else \
            "abuse@customer.example"
        self.domain = addr.rsplit("@", 1)[-1]
        self.n = n


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def fixture_seeds(src, imap):
    fix = os.path.join(src, "t", "fixtures", "read")
    seeds = []
    with open(os.path.join(fix, "expected.ref")) as f:
        for n, line in enumerate(f):
            j = json.loads(line)
            exp = ("route", j["customer"]) if j["action"] == "route" else \
                ("keep", None)
            cands = set()
            for c in j.get("candidates", []):
                cands |= imap.holders(c["ip"], ARRIVAL_FIXTURES)
            seeds.append(Seed("read-" + j["file"][:-4],
                              read_text(os.path.join(fix, j["file"])),
                              exp, j["ip"], cands, imap, n))
    own = os.path.join(src, "t", "variants", "fixtures")
    with open(os.path.join(own, "expected.tsv")) as f:
        for n, r in enumerate(csv.DictReader(f, delimiter="\t")):
            exp = ("route", r["customer"]) if r["expect"] == "route" else \
                ("keep", None)
            seeds.append(Seed("own-" + r["file"][:-4],
                              read_text(os.path.join(own, r["file"])),
                              exp, r["ip"] or None, set(), imap, 100 + n))
    return seeds


def corpus_seeds(corpus, imap):
    seeds = []
    with open(os.path.join(corpus, "truth.tsv"), newline="") as f:
        for n, r in enumerate(csv.DictReader(f, delimiter="\t")):
            if not r.get("file"):
                continue
            exp = ("route", r["customer"]) if r["expect"] == "route" else \
                ("keep", None)
            ips = [x for x in re.split(r"[\s,;]+", r.get("ips") or "") if x]
            cands = set()
            for x in ips + [x for x in re.split(r"[\s,;]+",
                                                r.get("decoys") or "") if x]:
                try:
                    cands |= imap.holders(x, int(time.time()))
                except ValueError:
                    pass
            name = "corpus-%03d" % n
            seeds.append(Seed(name, read_text(os.path.join(corpus,
                                                           r["file"])),
                              exp, ips[0] if ips and exp[0] == "route"
                              else None, cands, imap, 1000 + n))
    return seeds


def variants_of(seed, others, rng):
    yield ("seed", "original", seed.text, seed.expect)
    for gen in (class_ab(seed, others, rng), class_c(seed, others, rng),
                class_e(seed, rng), class_f(seed, rng), class_g(seed, rng)):
        for v in gen:
            yield v


# ------------------------------------------------------------- run

def die(msg):
    """A setup problem: exit 2, whatever VARIANTS_ALLOW_FAIL says."""
    print("check-variants: " + msg, file=sys.stderr)
    sys.exit(2)


def load_map(builddir, csv_text, where):
    os.makedirs(where)
    src = os.path.join(where, "map.csv")
    with open(src, "w") as f:
        f.write(csv_text)
    tool = os.path.join(builddir, "tools", "abuse-map")
    r = subprocess.run([tool, "load", "-q", "-m", os.path.join(where, "db"),
                        src], capture_output=True, text=True)
    if r.returncode != 0:
        die("abuse-map load failed:\n" + r.stdout + r.stderr)
    return os.path.join(where, "db")


def decide(builddir, rules, mapdir, files, arrival, tmp, own_domain):
    """{file: (action, customer)} by abuse-milter -t -a ARRIVAL."""
    conf = os.path.join(tmp, "conf-%d" % len(os.listdir(tmp)))
    with open(conf, "w") as f:
        f.write("Syslog no\nLogLevel error\nMapDirectory %s\nRulesFile %s\n"
                "SPFPolicy off\nRateLimit none\n" % (mapdir, rules))
        if own_domain:
            f.write("AbuseRecipients abuse@%s\n" % own_domain)
    milter = os.path.join(builddir, "milter", "abuse-milter")
    got = {}
    for i in range(0, len(files), CHUNK):
        r = subprocess.run([milter, "-c", conf, "-t", "-a", "@%d" % arrival]
                           + files[i:i + CHUNK], capture_output=True,
                           text=True)
        if r.returncode not in (0, 1) or not r.stdout:
            die("abuse-milter -t exited %d:\n%s"
                % (r.returncode, r.stderr[:2000]))
        for line in r.stdout.splitlines():
            j = json.loads(line)
            got[j["file"]] = (j["action"], j["customer"])
    return got


def write_variants(root, items):
    """Write (name, cls, kind, text, expect) under root; return
    [(path, cls, kind, expect)]."""
    out = []
    for name, cls, kind, text, expect in items:
        d = os.path.join(root, cls)
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, "%s.%s.eml" % (name, kind))
        with open(p, "wb") as f:
            f.write(text.encode("latin-1", "replace") if all(
                ord(ch) < 256 for ch in text) else text.encode("utf-8"))
        out.append((p, cls, kind, expect))
    return out


def generate(seeds, others, rng):
    for s in seeds:
        for cls, kind, text, exp in variants_of(s, others, rng):
            yield (s.name, cls, kind, text, exp)


CLASSES = ["seed", "a", "b", "c", "d", "e", "f", "g"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--srcdir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--builddir", default=".")
    ap.add_argument("--corpus", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=40)
    ap.add_argument("--keep-tmp", action="store_true")
    ap.add_argument("--kinds", action="store_true",
                    help="also count by kind within each class")
    a = ap.parse_args()
    src = os.path.abspath(a.srcdir)
    bd = os.path.abspath(a.builddir)
    for p in ("milter/abuse-milter", "tools/abuse-map"):
        if not os.access(os.path.join(bd, p), os.X_OK):
            print("check-variants: %s is not built in %s" % (p, bd),
                  file=sys.stderr)
            return 2
    rules = os.path.join(src, "rules", "abuse.rules")
    rng = random.Random(a.seed)
    start = time.time()
    tmp = tempfile.mkdtemp(prefix="variants.")
    try:
        rows = []  # (path, cls, kind, expect, got)
        # 1. The project's fixtures and ours, against their map extended
        #    by ours; the time class at its own arrival.
        fix_csv = read_text(os.path.join(src, "t", "fixtures", "read",
                                         "map.csv"))
        own_csv = read_text(os.path.join(src, "t", "variants", "map.csv"))
        text = fix_csv.rstrip("\n") + "\n" + \
            "".join(own_csv.splitlines(True)[1:])
        imap = IPMap(text)
        mapdir = load_map(bd, text, os.path.join(tmp, "map-fix"))
        others = imap.plain_hosts({"reporter"})
        seeds = fixture_seeds(src, imap)
        items = write_variants(os.path.join(tmp, "fix"),
                               generate(seeds, others, rng))
        got = decide(bd, rules, mapdir, [p for p, *_ in items],
                     ARRIVAL_FIXTURES, tmp, PROVIDER)
        rows += [(p, c, k, e, got.get(p)) for p, c, k, e in items]
        items = write_variants(os.path.join(tmp, "time"),
                               (("own-time",) + v for v in class_d(imap)))
        got = decide(bd, rules, mapdir, [p for p, *_ in items], ARRIVAL_D,
                     tmp, PROVIDER)
        rows += [(p, c, k, e, got.get(p)) for p, c, k, e in items]
        # 2. The corpus, when present, against its own map.
        if a.corpus and os.path.isfile(os.path.join(a.corpus, "truth.tsv")):
            ctext = read_text(os.path.join(a.corpus, "map.csv"))
            cmap = IPMap(ctext)
            cdir = load_map(bd, ctext, os.path.join(tmp, "map-corpus"))
            seeds = corpus_seeds(a.corpus, cmap)
            items = write_variants(os.path.join(tmp, "corpus"),
                                   generate(seeds, cmap.plain_hosts(set()),
                                            rng))
            got = decide(bd, rules, cdir, [p for p, *_ in items],
                         int(time.time()), tmp, None)
            rows += [(p, c, k, e, got.get(p)) for p, c, k, e in items]
        elif a.corpus:
            print("check-variants: no corpus at %s (skipped)" % a.corpus)
        if a.kinds:
            report_kinds(rows)
        return report(rows, tmp, a.show, time.time() - start)
    finally:
        if a.keep_tmp:
            print("check-variants: variants kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report_kinds(rows):
    """Misroutes and false routes per class and kind (the dialect, the
    position, the wrap), with their variants."""
    k = {}
    for path, cls, kind, exp, got in rows:
        if cls == "d":
            kind = re.sub(r"^(?:text|arf|ssh|xarf|csv|acns|spamcop)-|"
                          r"-v[46][+-]\d+h$", "", kind)
        key = (cls, kind)
        n = k.setdefault(key, [0, 0, 0])
        o = outcome(exp, got)
        n[0] += 1
        n[1] += o in ("misroute", "false-route")
        n[2] += o == "miss"
    print("%-6s %-24s %8s %8s %8s" % ("class", "kind", "variants", "wrong",
                                      "missed"))
    for (cls, kind), n in sorted(k.items()):
        print("%-6s %-24s %8d %8d %8d" % (cls, kind, *n))


def outcome(exp, got):
    """right, miss (a keep where a route was expected), keep, misroute or
    false-route."""
    action, cust = got if got else ("missing", None)
    if action == "keep":
        return "miss" if exp[0] == "route" else "keep"
    if action == "route" and exp[0] == "keep":
        return "false-route"
    if action == "route" and cust == exp[1]:
        return "right"
    return "misroute"  # another customer, or no answer at all


def seed_of(path):
    return os.path.basename(path).split(".", 1)[0]


def report(rows, tmp, show, elapsed):
    """Print the table and the failures; the exit status."""
    failed_seeds = {seed_of(p) for p, c, k, e, g in rows
                    if c == "seed" and outcome(e, g) in ("misroute",
                                                         "false-route")}
    stats = {c: [0] * 7 for c in CLASSES}
    fails = []
    for path, cls, kind, exp, got in rows:
        s = stats[cls]
        o = outcome(exp, got)
        s[0] += 1
        s[1] += o == "right"
        s[2] += o in ("keep", "miss")
        s[3] += o == "miss"
        s[4] += o == "misroute"
        s[5] += o == "false-route"
        if o in ("misroute", "false-route"):
            s[6] += seed_of(path) in failed_seeds
            fails.append((path, cls, exp, got))
    print("%-6s %8s %7s %7s %7s %9s %11s %11s" % (
        "class", "variants", "right", "kept", "missed", "misroutes",
        "falseroutes", "seed-fails"))
    for c in CLASSES:
        print("%-6s %8d %7d %7d %7d %9d %11d %11d" % (c, *stats[c]))
    tot = [sum(stats[c][i] for c in CLASSES) for i in range(7)]
    print("%-6s %8d %7d %7d %7d %9d %11d %11d" % ("all", *tot))
    print("(kept includes missed: a keep where a route was expected; "
          "seed-fails: failures\n whose seed fails unchanged too)")
    for path, cls, exp, got in fails[:show]:
        print("FAIL %s class %s expected %s got %s" % (
            os.path.relpath(path, tmp), cls,
            "route " + exp[1] if exp[0] == "route" else "keep",
            "route " + str(got[1]) if got and got[0] == "route" else
            (got[0] if got else "nothing")))
    if len(fails) > show:
        print("... and %d more" % (len(fails) - show))
    print("check-variants: %.0f s" % elapsed)
    print("check-variants: %d variants, %d misroutes, %d false routes"
          % (tot[0], tot[4], tot[5]))
    if tot[4] + tot[5] == 0:
        return 0
    if os.environ.get("VARIANTS_ALLOW_FAIL") == "1":
        print("check-variants: failures allowed (VARIANTS_ALLOW_FAIL=1)")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
