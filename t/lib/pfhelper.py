#!/usr/bin/env python3
#
# pfhelper.py - small helpers for the Postfix test harness (t/lib/postfix.sh).
#
# Test tooling only; the product never runs Python.
#
#	pfhelper.py port [N]
#		print N (default 1) free TCP ports on 127.0.0.1, one a line
#	pfhelper.py wait-port HOST PORT SECONDS
#		exit 0 once something accepts connections on HOST:PORT
#	pfhelper.py wait-unix PATH SECONDS
#		exit 0 once something accepts connections on socket PATH
#	pfhelper.py send [--msgid ID] HOST PORT FROM RCPT[,RCPT...] FILE...
#		send each FILE over SMTP with that envelope (one session per
#		file); an mbox "From " first line is dropped, bare LF becomes
#		CRLF; with --msgid the first top-level Message-ID is replaced
#		by <ID> (added when missing).  Prints
#		"FILE<TAB>CODE<TAB>REPLY" per file; exits 1 if any was refused.
#	pfhelper.py send-list HOST PORT FROM RCPT[,RCPT...] LIST
#		the same for each "FILE<TAB>MSGID" line of LIST
#	pfhelper.py parse SINKDIR
#		read the smtp-sink -d dumps in SINKDIR and print one line per
#		message id: ID<TAB>RCPTS<TAB>NDUMPS<TAB>NROUTE<TAB>ROUTE
#		(RCPTS: the envelope recipients of every dump of that message,
#		lowercased, sorted, comma separated; ROUTE: the X-Abuse-Route
#		header values joined by " | ")
#	pfhelper.py count SINKDIR
#		print the number of dumps in SINKDIR
#	pfhelper.py dkim-intact ORIG DUMP
#		exit 0 when every field the DKIM-Signature of ORIG signs, and
#		the signature, are unchanged in DUMP and its body still has
#		the signed hash (a DKIM verifier would still pass it)
#
import base64
import hashlib
import os
import re
import smtplib
import socket
import sys
import time


def free_ports(n):
	socks = []
	ports = []
	try:
		for _ in range(n):
			s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
			s.bind(("127.0.0.1", 0))
			socks.append(s)
			ports.append(s.getsockname()[1])
	finally:
		for s in socks:
			s.close()
	return ports


def wait_port(host, port, seconds):
	end = time.monotonic() + seconds
	while time.monotonic() < end:
		try:
			with socket.create_connection((host, port), timeout=1):
				return True
		except OSError:
			time.sleep(0.05)
	return False


def wait_unix(path, seconds):
	end = time.monotonic() + seconds
	while time.monotonic() < end:
		try:
			with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
				s.settimeout(1)
				s.connect(path)
				return True
		except OSError:
			time.sleep(0.05)
	return False


MSGID_RE = re.compile(rb"^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*",
    re.IGNORECASE | re.MULTILINE)


def set_msgid(data, msgid):
	data = data.replace(b"\r\n", b"\n")
	end = data.find(b"\n\n")
	if end < 0:
		head, body = data, b""
		if not head.endswith(b"\n"):
			head += b"\n"
	else:
		head, body = data[:end + 1], data[end + 1:]
	line = b"Message-ID: <" + msgid.encode() + b">\n"
	head, n = MSGID_RE.subn(line, head, count=1)
	if n == 0:
		head = line + head
	return head + body


def rcpt(s, r):
	"""RCPT TO one recipient; one given as "<...>" goes as it is written
	(a quoted local part, a source route), not as smtplib rewrites it."""
	if r.startswith("<"):
		return s.docmd("RCPT", "TO:" + r)
	return s.rcpt(r)


def send(argv):
	msgid = None
	if len(argv) >= 2 and argv[0] == "--msgid":
		msgid = argv[1]
		argv = argv[2:]
	if len(argv) < 5:
		sys.exit("usage: pfhelper.py send [--msgid ID] HOST PORT FROM RCPTS FILE...")
	jobs = [(path, msgid) for path in argv[4:]]
	sys.exit(send_jobs(argv[0], int(argv[1]), argv[2], argv[3], jobs))


def send_list(argv):
	if len(argv) != 5:
		sys.exit("usage: pfhelper.py send-list HOST PORT FROM RCPTS LIST")
	jobs = []
	with open(argv[4]) as f:
		for line in f:
			fields = line.rstrip("\n").split("\t")
			if fields[0]:
				jobs.append((fields[0], fields[1] if len(fields) > 1 else None))
	sys.exit(send_jobs(argv[0], int(argv[1]), argv[2], argv[3], jobs))


def session(argv):
	"""One SMTP session, several transactions: each line of SCRIPT is
	RCPTS<TAB>FILE<TAB>MSGID (a message) or RCPTS<TAB>RSET (MAIL and
	RCPT, then RSET: a transaction given up before DATA)."""
	if len(argv) != 4:
		sys.exit("usage: pfhelper.py session HOST PORT FROM SCRIPT")
	host, port, sender = argv[0], int(argv[1]), argv[2]
	with open(argv[3]) as f:
		steps = [l.rstrip("\n").split("\t") for l in f if l.strip()]
	status = 0
	with smtplib.SMTP(host, port, timeout=120) as s:
		s.ehlo("client.test")
		for step in steps:
			s.mail(sender)
			for r in [r for r in step[0].split(",") if r]:
				code, resp = rcpt(s, r)
				if code != 250:
					status = 1
			if step[1] == "RSET":
				s.rset()
				print("RSET\t250\t")
				continue
			with open(step[1], "rb") as m:
				data = m.read()
			data = set_msgid(data, step[2])
			data = re.sub(rb"\r?\n", b"\r\n", data)
			try:
				code, resp = s.data(data)
			except smtplib.SMTPResponseException as e:
				code, resp = e.smtp_code, e.smtp_error
			if code != 250:
				status = 1
			print("%s\t%d\t%s" % (step[1], code,
			    resp.decode("utf-8", "replace").replace("\n", " ")))
	sys.exit(status)


def send_jobs(host, port, sender, rcpts, jobs):
	rcpts = [r for r in rcpts.split(",") if r]
	status = 0
	for path, msgid in jobs:
		with open(path, "rb") as f:
			data = f.read()
		if data.startswith(b"From "):
			data = data[data.find(b"\n") + 1:]
		if msgid is not None:
			data = set_msgid(data, msgid)
		data = re.sub(rb"\r?\n", b"\r\n", data)
		try:
			with smtplib.SMTP(host, port, timeout=120) as s:
				s.ehlo("client.test")
				s.mail(sender)
				for r in rcpts:
					code, resp = rcpt(s, r)
					if code != 250:
						raise smtplib.SMTPResponseException(code, resp)
				code, resp = s.data(data)
		except smtplib.SMTPResponseException as e:
			code, resp = e.smtp_code, e.smtp_error
		except (OSError, smtplib.SMTPException) as e:
			code, resp = 0, str(e).encode()
		if code != 250:
			status = 1
		print("%s\t%d\t%s" % (path, code,
		    resp.decode("utf-8", "replace").replace("\n", " ")))
		sys.stdout.flush()
	return status


def unfold(value):
	return re.sub(r"\r?\n[ \t]+", " ", value).strip()


def read_dump(path):
	"""Return (rcpts, headers) of one smtp-sink dump.

	smtp-sink writes its own records (X-Client-Addr:, X-Mail-Args:, one
	X-Rcpt-Args: per RCPT, ...) as header lines before the message
	header, so the whole head parses as one header section.  Callers
	read dumps once the Postfix queue is empty, when every transaction
	is complete."""
	with open(path, "rb") as f:
		data = f.read()
	text = data.decode("utf-8", "replace").replace("\r\n", "\n")
	rcpts = []
	headers = []
	# smtp-sink records come first, then the message header.
	end = text.find("\n\n")
	head = text if end < 0 else text[:end + 1]
	cur = None
	for line in head.split("\n"):
		if line[:1] in (" ", "\t") and cur is not None:
			cur[1] += "\n" + line
			continue
		if ":" in line:
			name, value = line.split(":", 1)
			cur = [name.strip().lower(), value]
			headers.append(cur)
		else:
			cur = None
	for name, value in headers:
		if name == "x-rcpt-args":
			m = re.search(r"<([^>]*)>", value)
			addr = m.group(1) if m else value.split()[0]
			rcpts.append(addr.strip().lower())
	return rcpts, [(n, unfold(v)) for n, v in headers]


def dump_files(sinkdir):
	out = []
	for root, _dirs, files in os.walk(sinkdir):
		for name in files:
			out.append(os.path.join(root, name))
	return sorted(out)


def parse(sinkdir):
	msgs = {}
	order = []
	for path in dump_files(sinkdir):
		rcpts, headers = read_dump(path)
		msgid = "-"
		for name, value in headers:
			if name == "message-id":
				msgid = value.strip().strip("<>")
				break
		routes = [v for n, v in headers if n == "x-abuse-route"]
		if msgid not in msgs:
			msgs[msgid] = [set(), 0, []]
			order.append(msgid)
		m = msgs[msgid]
		m[0].update(rcpts)
		m[1] += 1
		m[2].extend(routes)
	for msgid in order:
		rcpts, ndumps, routes = msgs[msgid]
		route = " | ".join(routes).replace("\t", " ") or "-"
		print("%s\t%s\t%d\t%d\t%s" % (msgid, ",".join(sorted(rcpts)) or "-",
		    ndumps, len(routes), route))


def relaxed_header(value):
	return re.sub(r"[ \t]+", " ", re.sub(r"\r?\n", "", value)).strip()


def relaxed_body(body):
	lines = [re.sub(r"[ \t]+", " ", l).rstrip(" ")
	    for l in body.replace("\r\n", "\n").split("\n")]
	while lines and lines[-1] == "":
		lines.pop()
	return "".join(l + "\r\n" for l in lines)


def split_message(path):
	"""Return (fields, body) of a message or a dump: fields as
	(lowercase name, raw value) in order."""
	with open(path, "rb") as f:
		text = f.read().decode("utf-8", "replace").replace("\r\n", "\n")
	end = text.find("\n\n")
	head, body = (text, "") if end < 0 else (text[:end + 1], text[end + 2:])
	fields = []
	for line in head.split("\n"):
		if line[:1] in (" ", "\t") and fields:
			fields[-1][1] += "\n" + line
		elif ":" in line:
			name, value = line.split(":", 1)
			fields.append([name.strip().lower(), value])
	return fields, body


def dkim_intact(argv):
	"""dkim-intact ORIG DUMP: every field the DKIM-Signature of ORIG
	signs (h=) and the signature itself are unchanged in DUMP, in
	number and in value (relaxed), and the body still has the hash bh=.
	Prints what differs; exit status 0 when nothing does."""
	orig, _ = split_message(argv[0])
	got, body = split_message(argv[1])
	sig = [v for n, v in orig if n == "dkim-signature"]
	if len(sig) != 1:
		sys.exit("no DKIM-Signature in " + argv[0])
	tags = dict(t.strip().split("=", 1) for t in
	    relaxed_header(sig[0]).replace(" ", "").split(";") if "=" in t)
	bad = 0
	for name in sorted(set(tags["h"].lower().split(":")) |
	    {"dkim-signature"}):
		a = [relaxed_header(v) for n, v in orig if n == name]
		b = [relaxed_header(v) for n, v in got if n == name]
		if a != b:
			print("field %s: %r became %r" % (name, a, b))
			bad = 1
	bh = base64.b64encode(hashlib.sha256(
	    relaxed_body(body).encode("utf-8")).digest()).decode()
	if bh != tags["bh"]:
		print("body hash %s, signed %s" % (bh, tags["bh"]))
		bad = 1
	sys.exit(bad)


def main():
	if len(sys.argv) < 2:
		sys.exit("usage: pfhelper.py port|wait-port|send|send-list|session|parse|count|dkim-intact ...")
	cmd, argv = sys.argv[1], sys.argv[2:]
	if cmd == "port":
		for p in free_ports(int(argv[0]) if argv else 1):
			print(p)
	elif cmd == "wait-port":
		sys.exit(0 if wait_port(argv[0], int(argv[1]), float(argv[2])) else 1)
	elif cmd == "wait-unix":
		sys.exit(0 if wait_unix(argv[0], float(argv[1])) else 1)
	elif cmd == "send":
		send(argv)
	elif cmd == "session":
		session(argv)
	elif cmd == "send-list":
		send_list(argv)
	elif cmd == "parse":
		parse(argv[0])
	elif cmd == "dkim-intact":
		dkim_intact(argv)
	elif cmd == "count":
		print(len(dump_files(argv[0])))
	else:
		sys.exit("pfhelper.py: unknown command " + cmd)


if __name__ == "__main__":
	main()
