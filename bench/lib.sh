# bench/lib.sh - what the benchmark scripts share.  Source it after
# setting BENCH_NAME (the prefix of the script's messages).
#
#	say TEXT		a line on standard error
#	die TEXT		say it and exit 1
#	now			seconds since the epoch, with nanoseconds
#	median [DIGITS]		the median of the numbers on standard input
#	pct FILE P		percentile P (0..1) of the numbers in FILE

say() {
	echo "${BENCH_NAME:-bench}: $*" >&2
}
die() {
	say "$*"
	exit 1
}
now() {
	date +%s.%N
}
median() {
	sort -n | awk -v d="${1:-2}" '{ v[NR] = $1 }
	    END { if (NR == 0) exit; if (NR % 2) m = v[(NR + 1) / 2];
		else m = (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "%.*f\n", d, m }'
}
pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 }
	    END { i = int(p * NR); if (i < 1) i = 1; if (i > NR) i = NR;
		printf "%.2f", v[i] }'
}
