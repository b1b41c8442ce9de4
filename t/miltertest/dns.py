#!/usr/bin/env python3
"""dns.py - a tiny DNS responder on loopback for the SPF tests of
test_miltertest.sh, so that no test touches the network.

    dns.py ZONEFILE ADDRESS PORT [READYFILE]

ZONEFILE lines: "NAME TXT text", "NAME A 192.0.2.1" or "NAME DROP"
(never answered: a timeout).  Other names get NXDOMAIN; other types of a
known name an empty answer.  READYFILE is created once the socket is
bound.  Runs until killed.
"""
import socket
import struct
import sys


def load(path):
    zone = {}
    with open(path) as f:
        for line in f:
            parts = line.split(None, 2)
            if len(parts) < 2 or line.startswith("#"):
                continue
            name = parts[0].lower().rstrip(".")
            data = parts[2].strip() if len(parts) > 2 else ""
            zone.setdefault(name, []).append((parts[1].upper(), data))
    return zone


def parse_question(msg):
    pos, labels = 12, []
    while msg[pos] != 0:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    qtype, _ = struct.unpack("!HH", msg[pos + 1:pos + 5])
    return ".".join(labels).lower(), qtype, msg[12:pos + 5]


def rdata(rtype, data):
    if rtype == "A":
        return 1, socket.inet_aton(data)
    chunks = [data[i:i + 255].encode() for i in range(0, len(data), 255)]
    return 16, b"".join(bytes([len(c)]) + c for c in chunks or [b""])


def answer(zone, msg):
    qid = struct.unpack("!H", msg[:2])[0]
    name, qtype, question = parse_question(msg)
    records = zone.get(name)
    if records is None:
        return struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question
    if any(t == "DROP" for t, _ in records):
        return None
    answers = []
    for t, data in records:
        code, rd = rdata(t, data)
        if code == qtype:
            answers.append(struct.pack("!HHHIH", 0xC00C, code, 1, 60,
                                       len(rd)) + rd)
    head = struct.pack("!HHHHHH", qid, 0x8180, 1, len(answers), 0, 0)
    return head + question + b"".join(answers)


def main():
    zone = load(sys.argv[1])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((sys.argv[2], int(sys.argv[3])))
    if len(sys.argv) > 4:
        open(sys.argv[4], "w").close()
    while True:
        msg, peer = sock.recvfrom(4096)
        try:
            reply = answer(zone, msg)
        except (IndexError, struct.error, ValueError):
            continue
        if reply is not None:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
