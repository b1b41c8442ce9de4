#!/usr/bin/env python3
#
# loadgen.py - inputs and a paced SMTP client for bench/postfix.sh.
#
# Benchmark tooling only; the product never runs Python.
#
#	loadgen.py map N OUT.csv
#		write a map source of N IPv4 /28 prefixes from 10.0.0.0 up
#		(N <= 1048576), held by 100000 customers in turn
#	loadgen.py fixtures SAMPLES OUTDIR SIZE
#		write complaint fixtures of about SIZE bytes, made from the
#		sample complaints with their offending IP moved into
#		10.0.0.0/16, which the first 4096 prefixes of the map above
#		cover; prints the file names
#	loadgen.py latency [--raw OUT] HOST PORT RATE COUNT THREADS FROM RCPT FILE...
#		send COUNT messages (FILEs in turn) at RATE per second, open
#		loop, one SMTP session per message, and print
#		"sent=N failed=N rate=R p50_ms=X p90_ms=X p99_ms=X max_ms=X"
#		where a latency is connect to the reply to the final "."; with
#		--raw every latency (ms) is appended to OUT, one a line
#
import os
import re
import smtplib
import sys
import threading
import time

# sample file -> (offending IP in the sample, IP to use in the bench map)
FIXTURES = [
	("arf-spam.eml", "192.0.2.25", "10.0.2.25"),
	("spamcop.eml", "203.0.113.70", "10.0.113.70"),
	("firewall-log.eml", "198.51.100.23", "10.0.51.23"),
	("acns-copyright.eml", "203.0.113.100", "10.0.114.100"),
]

PAD = ("This paragraph pads the benchmark complaint to the size of a "
    "typical report; it names no address.\n")


def gen_map(n, out):
	if n > (1 << 20):
		sys.exit("at most 1048576 /28 prefixes fit in 10.0.0.0/8")
	base = 10 << 24
	with open(out, "w") as f:
		f.write("prefix,customer,address,valid_from,valid_until\n")
		for i in range(n):
			a = base + i * 16
			c = 100000 + i % 100000
			f.write("%d.%d.%d.%d/28,C%d,abuse@c%d.example,,\n" % (
			    a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
			    c, c))


def fixtures(samples, outdir, size):
	os.makedirs(outdir, exist_ok=True)
	for name, old, new in FIXTURES:
		with open(os.path.join(samples, name)) as f:
			text = f.read()
		text = text.replace(old, new)
		pad = ""
		while len(text) + len(pad) + len(PAD) <= size:
			pad += PAD
		# Padding goes into the last text before the end: after the
		# body of a single-part message, before the closing boundary
		# of a multipart one.
		m = re.search(r"\n--[^\n]*--\n?$", text)
		if m:
			text = text[:m.start() + 1] + pad + text[m.start() + 1:]
		else:
			text = text + pad
		path = os.path.join(outdir, name)
		with open(path, "w") as f:
			f.write(text)
		print(path)


def latency(argv):
	raw = None
	if len(argv) >= 2 and argv[0] == "--raw":
		raw = argv[1]
		argv = argv[2:]
	host, port, rate, count, nthreads = argv[0], int(argv[1]), \
	    float(argv[2]), int(argv[3]), int(argv[4])
	sender, rcpt, files = argv[5], argv[6], argv[7:]
	msgs = []
	for path in files:
		with open(path, "rb") as f:
			msgs.append(re.sub(rb"\r?\n", b"\r\n", f.read()))
	lock = threading.Lock()
	state = {"next": 0, "failed": 0}
	lat = []
	t0 = time.monotonic() + 0.2

	def worker():
		while True:
			with lock:
				i = state["next"]
				if i >= count:
					return
				state["next"] = i + 1
			due = t0 + i / rate
			now = time.monotonic()
			if due > now:
				time.sleep(due - now)
			start = time.monotonic()
			try:
				with smtplib.SMTP(host, port, timeout=60) as s:
					s.sendmail(sender, [rcpt], msgs[i % len(msgs)])
					end = time.monotonic()
			except (OSError, smtplib.SMTPException):
				with lock:
					state["failed"] += 1
				continue
			with lock:
				lat.append(end - start)

	threads = [threading.Thread(target=worker) for _ in range(nthreads)]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	elapsed = time.monotonic() - t0
	lat.sort()
	if raw is not None:
		with open(raw, "a") as f:
			for x in lat:
				f.write("%.3f\n" % (1000 * x))

	def pct(p):
		if not lat:
			return float("nan")
		return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))]

	print("sent=%d failed=%d rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
	    "max_ms=%.2f" % (len(lat), state["failed"], len(lat) / elapsed,
	    pct(0.50), pct(0.90), pct(0.99), 1000 * lat[-1] if lat else 0))


def main():
	if len(sys.argv) < 2:
		sys.exit("usage: loadgen.py map|fixtures|latency ...")
	cmd, argv = sys.argv[1], sys.argv[2:]
	if cmd == "map":
		gen_map(int(argv[0]), argv[1])
	elif cmd == "fixtures":
		fixtures(argv[0], argv[1], int(argv[2]))
	elif cmd == "latency":
		latency(argv)
	else:
		sys.exit("loadgen.py: unknown command " + cmd)


if __name__ == "__main__":
	main()
