#!/usr/bin/env python3
#
# flood.py - many concurrent SMTP sessions for the fault and load tests
# (t/test_faults_*.sh, t/test_load.sh).  Test tooling only; the product
# never runs Python.
#
#	flood.py send HOST PORT [options]
#		--from ADDR		envelope sender
#		--rcpt ADDR[,ADDR...]	envelope recipients
#		--template FILE[,FILE...]  message i is made from template
#					i modulo the number of templates
#		--prefix P		message i gets Message-ID <P-i@faults.test>
#		--sessions S		concurrent sessions (threads), default 1
#		--count N		messages in all, default S
#		--per-session K		messages per session, default 1
#		--until FILE		go on past N until FILE exists
#		--duration SEC		go on past N until SEC seconds passed
#		--xclient ADDR		XCLIENT ADDR=ADDR (and a fixed HELO)
#					before the first message of a session
#		--out FILE		one line per message (see below)
#	Each message that was handed to the server is written to --out as
#	ID<TAB>TEMPLATE<TAB>CODE<TAB>SESSION_START<TAB>MSG_START<TAB>END<TAB>REPLY
#	(times in seconds since the epoch, CODE 0 when the connection
#	failed).  Prints "sent N refused M" on stdout; exits 1 if any
#	message was refused.
#	flood.py blackhole-udp HOST PORT PIDFILE [LOG]
#		bind a UDP socket on HOST:PORT, write PIDFILE, read and drop
#		every datagram (a DNS server that never answers), noting
#		"PEER LENGTH" for each in LOG; exits 3 when the address is
#		taken
#	flood.py rss PID INTERVAL OUT STOPFILE
#		append "SECONDS<TAB>VmRSS_kB<TAB>VmHWM_kB" of PID to OUT every
#		INTERVAL seconds until STOPFILE exists or PID is gone
#
import os
import re
import smtplib
import socket
import sys
import threading
import time

MSGID_RE = re.compile(rb"^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*",
    re.IGNORECASE | re.MULTILINE)


def load_template(path):
	"""Read a message file: header and body with LF line ends."""
	with open(path, "rb") as f:
		data = f.read()
	if data.startswith(b"From "):
		data = data[data.find(b"\n") + 1:]
	data = data.replace(b"\r\n", b"\n")
	end = data.find(b"\n\n")
	if end < 0:
		head, body = data, b""
		if not head.endswith(b"\n"):
			head += b"\n"
	else:
		head, body = data[:end + 1], data[end + 1:]
	head = MSGID_RE.sub(b"", head, count=1)
	return (head.replace(b"\n", b"\r\n"), body.replace(b"\n", b"\r\n"))


class Flood:
	def __init__(self, opts):
		self.o = opts
		self.lock = threading.Lock()
		self.next = 0
		self.sent = 0
		self.refused = 0
		self.t_start = time.time()
		self.templates = [load_template(p) for p in opts["template"]]
		self.out = open(opts["out"], "w") if opts["out"] else None

	def take(self):
		"""The index of the next message to send, or None when done."""
		o = self.o
		with self.lock:
			i = self.next
			if i >= o["count"]:
				if o["until"] and not os.path.exists(o["until"]):
					pass
				elif o["duration"] and \
				    time.time() - self.t_start < o["duration"]:
					pass
				else:
					return None
			self.next += 1
			return i + 1

	def message(self, i):
		n = (i - 1) % len(self.templates)
		head, body = self.templates[n]
		mid = "<%s-%d@faults.test>" % (self.o["prefix"], i)
		return mid[1:-1], n, (b"Message-ID: " + mid.encode() + b"\r\n" +
		    head + body)

	def record(self, mid, n, code, ts, t0, reply):
		t1 = time.time()
		reply = reply.decode("utf-8", "replace") if isinstance(reply,
		    bytes) else str(reply)
		reply = reply.replace("\n", " ").replace("\t", " ")
		with self.lock:
			if code == 250:
				self.sent += 1
			else:
				self.refused += 1
			if self.out:
				self.out.write("%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%s\n" %
				    (mid, n, code, ts, t0, t1, reply))
				self.out.flush()

	def session(self):
		"""One thread: sessions of up to per_session messages each."""
		o = self.o
		while True:
			i = self.take()
			if i is None:
				return
			ts = time.time()
			try:
				s = smtplib.SMTP(o["host"], o["port"], timeout=300)
			except (OSError, smtplib.SMTPException) as e:
				mid, n, _ = self.message(i)
				self.record(mid, n, 0, ts, ts, str(e))
				continue
			k = 0
			try:
				s.ehlo("client.test")
				if o["xclient"]:
					code, resp = s.docmd("XCLIENT",
					    "ADDR=%s HELO=client.test" %
					    o["xclient"])
					if code != 220:
						raise smtplib.SMTPResponseException(
						    code, resp)
					s.ehlo("client.test")
				while True:
					mid, n, data = self.message(i)
					t0 = time.time()
					try:
						code, resp = self.one(s, data)
					except smtplib.SMTPResponseException as e:
						code, resp = e.smtp_code, e.smtp_error
					self.record(mid, n, code, ts, t0, resp)
					i = None
					if code != 250:
						s.rset()
					k += 1
					if k >= o["per_session"]:
						break
					i = self.take()
					if i is None:
						break
			except (OSError, smtplib.SMTPException) as e:
				if i is not None:
					mid, n, _ = self.message(i)
					self.record(mid, n, 0, ts, ts, str(e))
			try:
				s.quit()
			except (OSError, smtplib.SMTPException):
				s.close()

	def one(self, s, data):
		o = self.o
		code, resp = s.mail(o["from"])
		if code != 250:
			raise smtplib.SMTPResponseException(code, resp)
		for r in o["rcpt"]:
			code, resp = s.rcpt(r)
			if code != 250:
				raise smtplib.SMTPResponseException(code, resp)
		return s.data(data)

	def run(self):
		threads = [threading.Thread(target=self.session)
		    for _ in range(self.o["sessions"])]
		for t in threads:
			t.start()
		for t in threads:
			t.join()
		if self.out:
			self.out.close()
		print("sent %d refused %d" % (self.sent, self.refused))
		return 1 if self.refused else 0


def send(argv):
	o = {"host": argv[0], "port": int(argv[1]), "from": "complainant@reporter.test",
	    "rcpt": [], "template": [], "prefix": "m", "sessions": 1,
	    "count": None, "per_session": 1, "until": None, "duration": 0,
	    "xclient": None, "out": None}
	args = argv[2:]
	while args:
		k = args.pop(0)
		if not args:
			sys.exit("flood.py: %s needs a value" % k)
		v = args.pop(0)
		if k == "--from":
			o["from"] = v
		elif k == "--rcpt":
			o["rcpt"] = [r for r in v.split(",") if r]
		elif k == "--template":
			o["template"] = [t for t in v.split(",") if t]
		elif k == "--prefix":
			o["prefix"] = v
		elif k == "--sessions":
			o["sessions"] = int(v)
		elif k == "--count":
			o["count"] = int(v)
		elif k == "--per-session":
			o["per_session"] = int(v)
		elif k == "--until":
			o["until"] = v
		elif k == "--duration":
			o["duration"] = float(v)
		elif k == "--xclient":
			o["xclient"] = v
		elif k == "--out":
			o["out"] = v
		else:
			sys.exit("flood.py: unknown option " + k)
	if not o["rcpt"] or not o["template"]:
		sys.exit("flood.py send: --rcpt and --template are required")
	if o["count"] is None:
		o["count"] = o["sessions"]
	sys.exit(Flood(o).run())


def blackhole_udp(argv):
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	try:
		s.bind((argv[0], int(argv[1])))
	except OSError:
		sys.exit(3)
	with open(argv[2], "w") as f:
		f.write("%d\n" % os.getpid())
	log = open(argv[3], "a") if len(argv) > 3 else None
	while True:
		data, peer = s.recvfrom(65535)
		if log:
			log.write("%s %d\n" % (peer[0], len(data)))
			log.flush()


def status_kb(pid, name):
	with open("/proc/%s/status" % pid) as f:
		for line in f:
			if line.startswith(name + ":"):
				return int(line.split()[1])
	return 0


def rss(argv):
	pid, interval, out, stop = argv[0], float(argv[1]), argv[2], argv[3]
	t0 = time.time()
	with open(out, "a") as f:
		while not os.path.exists(stop):
			try:
				r = status_kb(pid, "VmRSS")
				h = status_kb(pid, "VmHWM")
			except OSError:
				break
			f.write("%.1f\t%d\t%d\n" % (time.time() - t0, r, h))
			f.flush()
			time.sleep(interval)


def main():
	if len(sys.argv) < 2:
		sys.exit("usage: flood.py send|blackhole-udp|rss ...")
	cmd, argv = sys.argv[1], sys.argv[2:]
	if cmd == "send":
		send(argv)
	elif cmd == "blackhole-udp":
		blackhole_udp(argv)
	elif cmd == "rss":
		rss(argv)
	else:
		sys.exit("flood.py: unknown command " + cmd)


if __name__ == "__main__":
	main()
