/*
 * test_ipmap.c - table-driven tests of map lookups: /0, /32, /128,
 * nested and adjacent prefixes, first and last addresses, IPv4-mapped
 * IPv6, validity boundaries, port splits and the ambiguous case; and of
 * a map that is missing, broken, replaced, and that must grow.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "tap.h"
#include "timeparse.h"

static const char source[] =
    "# nested and adjacent IPv4 prefixes\n"
    "prefix,customer,address,valid_from,valid_until,ports\n"
    "0.0.0.0/0,world,abuse@world.example,,,\n"
    "10.0.0.0/8,ten,abuse@ten.example,,,\n"
    "10.1.0.0/16,ten-one,noc@ten-one.example,,,\n"
    "10.1.2.0/24,ten-one-two,noc@112.example,,,\n"
    "10.1.3.0/24,ten-one-three,noc@113.example,,,\n"
    "10.1.2.7,host7,host7@example.com,,,\n"
    "255.255.255.255,bcast,b@example.com,,,\n"
    "# validity: from inclusive, until exclusive\n"
    "192.0.2.0/24,old,old@example.com,,2015-01-01T00:00:00Z,\n"
    "192.0.2.0/24,new,new@example.com,2015-01-01T00:00:00Z,"
        "2016-01-01T00:00:00Z,\n"
    "192.0.2.0/25,inner,inner@example.com,2017-01-01T00:00:00Z,,\n"
    "# ports\n"
    "198.51.100.0/24,natpool,nat@example.com,,,\n"
    "198.51.100.1,cgn-a,a@cgn.example,,,1024-2047\n"
    "198.51.100.1,cgn-b,b@cgn.example,,,2048-4095\n"
    "198.51.100.2,solo,solo@example.com,,,1024-2047\n"
    "198.51.100.3,same,same@example.com,,,1-100\n"
    "198.51.100.3,same,same@example.com,,,200-300\n"
    "198.51.100.4,later-ports,lp@example.com,2020-01-01T00:00:00Z,,1-100\n"
    "198.51.100.4,later-ports2,lp2@example.com,2020-01-01T00:00:00Z,,101-200\n"
    "198.51.100.4,early,early@example.com,,2020-01-01T00:00:00Z,\n"
    "# IPv6\n"
    "::/0,world6,abuse@world6.example,,,\n"
    "2001:db8::/32,doc,doc@example.com,,,\n"
    "2001:db8:1::/48,doc1,doc1@example.com,,,\n"
    "2001:db8:1::1,one,one@example.com,,,\n"
    "2001:db8:2::/48,doc2,doc2@example.com,,,\n"
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128,last6,l6@example.com,,,\n";

#define T2014	"2014-06-01T00:00:00Z"
#define T2015	"2015-01-01T00:00:00Z"
#define T2016	"2016-01-01T00:00:00Z"
#define T2018	"2018-01-01T00:00:00Z"
#define T2021	"2021-01-01T00:00:00Z"

static const struct {
	const char	*ip;
	const char	*when;
	int		 port;
	int		 status;
	const char	*customer;	/* when found */
	const char	*prefix;	/* when found */
} cases[] = {
	{ "10.1.2.7", T2014, -1, IPMAP_FOUND, "host7", "10.1.2.7/32" },
	{ "10.1.2.6", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.2.8", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.2.0", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.2.255", T2014, -1, IPMAP_FOUND, "ten-one-two", "10.1.2.0/24" },
	{ "10.1.3.0", T2014, -1, IPMAP_FOUND, "ten-one-three", "10.1.3.0/24" },
	{ "10.1.3.255", T2014, -1, IPMAP_FOUND, "ten-one-three",
	    "10.1.3.0/24" },
	{ "10.1.1.255", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.1.4.0", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.1.0.0", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.1.255.255", T2014, -1, IPMAP_FOUND, "ten-one", "10.1.0.0/16" },
	{ "10.0.255.255", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "10.2.0.0", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "10.0.0.0", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "10.255.255.255", T2014, -1, IPMAP_FOUND, "ten", "10.0.0.0/8" },
	{ "9.255.255.255", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "11.0.0.0", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "0.0.0.0", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "255.255.255.254", T2014, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "255.255.255.255", T2014, -1, IPMAP_FOUND, "bcast",
	    "255.255.255.255/32" },
	{ "::ffff:10.1.2.7", T2014, -1, IPMAP_FOUND, "host7", "10.1.2.7/32" },
	{ "::ffff:a01:206", T2014, -1, IPMAP_FOUND, "ten-one-two",
	    "10.1.2.0/24" },
	/* validity */
	{ "192.0.2.1", T2014, -1, IPMAP_FOUND, "old", "192.0.2.0/24" },
	{ "192.0.2.1", "2014-12-31T23:59:59Z", -1, IPMAP_FOUND, "old",
	    "192.0.2.0/24" },
	{ "192.0.2.1", T2015, -1, IPMAP_FOUND, "new", "192.0.2.0/24" },
	{ "192.0.2.1", "2015-12-31T23:59:59Z", -1, IPMAP_FOUND, "new",
	    "192.0.2.0/24" },
	{ "192.0.2.1", T2016, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	{ "192.0.2.200", T2015, -1, IPMAP_FOUND, "new", "192.0.2.0/24" },
	{ "192.0.2.1", T2018, -1, IPMAP_FOUND, "inner", "192.0.2.0/25" },
	{ "192.0.2.129", T2018, -1, IPMAP_FOUND, "world", "0.0.0.0/0" },
	/* ports */
	{ "198.51.100.1", T2014, -1, IPMAP_AMBIGUOUS, NULL, NULL },
	{ "198.51.100.1", T2014, 1024, IPMAP_FOUND, "cgn-a",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 2047, IPMAP_FOUND, "cgn-a",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 2048, IPMAP_FOUND, "cgn-b",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 4095, IPMAP_FOUND, "cgn-b",
	    "198.51.100.1/32" },
	{ "198.51.100.1", T2014, 4096, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.1", T2014, 1023, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.2", T2014, -1, IPMAP_FOUND, "solo", "198.51.100.2/32" },
	{ "198.51.100.2", T2014, 80, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.3", T2014, -1, IPMAP_FOUND, "same", "198.51.100.3/32" },
	{ "198.51.100.3", T2014, 150, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	{ "198.51.100.4", T2014, -1, IPMAP_FOUND, "early", "198.51.100.4/32" },
	{ "198.51.100.4", T2014, 50, IPMAP_FOUND, "early", "198.51.100.4/32" },
	{ "198.51.100.4", T2021, -1, IPMAP_AMBIGUOUS, NULL, NULL },
	{ "198.51.100.4", T2021, 50, IPMAP_FOUND, "later-ports",
	    "198.51.100.4/32" },
	{ "198.51.100.4", T2021, 150, IPMAP_FOUND, "later-ports2",
	    "198.51.100.4/32" },
	{ "198.51.100.4", T2021, 250, IPMAP_FOUND, "natpool",
	    "198.51.100.0/24" },
	/* IPv6 */
	{ "2001:db8:1::1", T2014, -1, IPMAP_FOUND, "one", "2001:db8:1::1/128" },
	{ "2001:db8:1::", T2014, -1, IPMAP_FOUND, "doc1", "2001:db8:1::/48" },
	{ "2001:db8:1::2", T2014, -1, IPMAP_FOUND, "doc1", "2001:db8:1::/48" },
	{ "2001:db8:1:ffff:ffff:ffff:ffff:ffff", T2014, -1, IPMAP_FOUND,
	    "doc1", "2001:db8:1::/48" },
	{ "2001:db8:2::", T2014, -1, IPMAP_FOUND, "doc2", "2001:db8:2::/48" },
	{ "2001:db8:3::", T2014, -1, IPMAP_FOUND, "doc", "2001:db8::/32" },
	{ "2001:db8::", T2014, -1, IPMAP_FOUND, "doc", "2001:db8::/32" },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", T2014, -1, IPMAP_FOUND,
	    "doc", "2001:db8::/32" },
	{ "2001:db9::", T2014, -1, IPMAP_FOUND, "world6", "::/0" },
	{ "::", T2014, -1, IPMAP_FOUND, "world6", "::/0" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", T2014, -1, IPMAP_FOUND,
	    "world6", "::/0" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", T2014, -1, IPMAP_FOUND,
	    "last6", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
};

/* Write text to path; 0 or -1. */
static int
write_file(const char *path, const char *text)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* Look up text ip at RFC 3339 time; status, customer into cust. */
static int
look(ipmap_t *map, const char *ip, const char *when, int port,
    struct ipmap_result *r)
{
	struct ipaddr	 a;
	int64_t		 t;

	if (ipaddr_parse(ip, strlen(ip), 0, &a) == -1 ||
	    time_parse_rfc3339(when, strlen(when), &t) == -1)
		return -99;
	return ipmap_lookup(map, &a, t, port, r);
}

int
main(void)
{
	struct ipmap_build_result res;
	struct ipmap_build_opts opts;
	struct ipmap_result r;
	char		 dir[256], mapdir[300], csv[400], err[512], pfx[64];
	char		 a[IPADDR_STRLEN], hash[80];
	const char	*tmp = getenv("TMPDIR");
	buf_t		 errs;
	ipmap_t		*map, *map2;
	size_t		 i;
	int		 st, rc;
	int64_t		 built;
	FILE		*fp;

	tap_plan(0);
	(void)tap_skip_all;
	snprintf(dir, sizeof(dir), "%s/test_ipmap.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	snprintf(mapdir, sizeof(mapdir), "%s/map", dir);
	snprintf(csv, sizeof(csv), "%s/src.csv", dir);

	/* No map yet: errors, not misses, and no crash. */
	map = ipmap_open(mapdir, err, sizeof(err));
	ok(map != NULL, "open of a missing map directory gives a handle");
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_ERROR,
	    "lookup without a map is an error");
	is_int(ipmap_serial(map), 0, "serial without a map is 0");
	ok(ipmap_info(map, &built, hash, sizeof(hash)) == -1,
	    "info without a map fails");

	/* Build, with a tiny first map size so that it has to grow: 1000
	 * more rows under 172.16.0.0/12 make it too big for 16 KB. */
	ok(write_file(csv, source) == 0, "source written");
	if ((fp = fopen(csv, "a")) != NULL) {
		for (i = 0; i < 1000; i++)
			fprintf(fp, "172.16.%zu.%zu/30,filler%zu,"
			    "filler%zu@example.com,,,\n", i / 64, i % 64 * 4, i,
			    i);
		fclose(fp);
	}
	memset(&opts, 0, sizeof(opts));
	opts.mapsize = 16384;
	buf_init(&errs, 1 << 20);
	rc = ipmap_build_file(mapdir, csv, &opts, &errs, &res);
	if (!ok(rc == 0, "the source loads"))
		diag("%s", errs.data);
	ok(res.regrown > 0, "a full map grew (MDB_MAP_FULL handled, %d times)",
	    res.regrown);
	is_int(res.serial, 1, "the first build has serial 1");

	/* The open handle picks the map up by itself (hint file). */
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "the handle opened before the map finds it");
	is_int(ipmap_serial(map), 1, "serial is 1");
	ok(ipmap_info(map, &built, hash, sizeof(hash)) == 0 &&
	    strlen(hash) == 64, "info gives the build time and a SHA-256");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		st = look(map, cases[i].ip, cases[i].when, cases[i].port, &r);
		if (!ok(st == cases[i].status, "%s at %s port %d: status %d",
		    cases[i].ip, cases[i].when, cases[i].port,
		    cases[i].status)) {
			diag("  got %d (%s)", st, st == IPMAP_FOUND ?
			    r.customer : "");
			continue;
		}
		if (st == IPMAP_AMBIGUOUS)
			is_int(r.serial, 1, "%s: ambiguous carries the serial",
			    cases[i].ip);
		if (st != IPMAP_FOUND)
			continue;
		ipaddr_format(&r.prefix, a, sizeof(a));
		snprintf(pfx, sizeof(pfx), "%s/%d", a, r.plen);
		is_str(r.customer, cases[i].customer, "%s: customer",
		    cases[i].ip);
		is_str(pfx, cases[i].prefix, "%s: matched prefix", cases[i].ip);
	}

	/* Result details. */
	look(map, "192.0.2.1", T2015, -1, &r);
	is_str(r.address, "new@example.com", "address is returned");
	is_int(r.valid_from, 1420070400, "valid_from is returned");
	is_int(r.valid_until, 1451606400, "valid_until is returned");
	is_int(r.port_lo, -1, "no ports: port_lo is -1");
	look(map, "198.51.100.1", T2015, 3000, &r);
	ok(r.port_lo == 2048 && r.port_hi == 4095, "ports are returned");
	look(map, "10.1.2.7", T2015, -1, &r);
	ok(r.valid_from == IPMAP_OPEN_END && r.valid_until == IPMAP_OPEN_END,
	    "open validity is IPMAP_OPEN_END");

	/* Replace the map: the handle moves to the new one. */
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,replaced,r@example.com\n") == 0, "second source");
	buf_reset(&errs);
	ok(ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "the second source loads");
	is_int(res.serial, 2, "serial 2");
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "lookup after the replacement");
	is_str(r.customer, "replaced", "the new map answers at once");
	is_int(r.serial, 2, "the answer carries serial 2");
	is_int(look(map, "192.0.2.1", T2014, -1, &r), IPMAP_NOTFOUND,
	    "a prefix of the old map only is gone");

	/* A bad source changes nothing. */
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.1/8,bad,bad@example.com\n") == 0, "bad source");
	buf_reset(&errs);
	is_int(ipmap_build_file(mapdir, csv, NULL, &errs, &res), -1,
	    "a bad source fails");
	ok(strstr(errs.data, ":2: prefix \"10.0.0.1/8\": host bits set") !=
	    NULL, "the error names line 2");
	is_int(look(map, "10.1.2.7", T2014, -1, &r), IPMAP_FOUND,
	    "the old map still answers");
	is_int(r.serial, 2, "still serial 2");

	/* A second handle in the same process. */
	map2 = ipmap_open(mapdir, err, sizeof(err));
	is_int(look(map2, "10.9.9.9", T2014, -1, &r), IPMAP_FOUND,
	    "a second handle works");
	ipmap_close(map2);
	is_int(look(map, "10.9.9.9", T2014, -1, &r), IPMAP_FOUND,
	    "the first handle still works after the second closed");

	/* Older generations are removed, the previous one is kept. */
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,third,t@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "third load");
	snprintf(csv, sizeof(csv), "%s/map.1.mdb", mapdir);
	ok(access(csv, F_OK) == -1, "generation 1 was removed");
	snprintf(csv, sizeof(csv), "%s/map.2.mdb", mapdir);
	ok(access(csv, F_OK) == 0, "generation 2 (the previous) is kept");

	/* Garbage in the directory: the map in service stays. */
	snprintf(csv, sizeof(csv), "%s/map.9.mdb", mapdir);
	write_file(csv, "this is not an LMDB file\n");
	snprintf(csv, sizeof(csv), "%s/current", mapdir);
	unlink(csv);
	if (symlink("map.9.mdb", csv) == -1)
		diag("symlink: %s", strerror(errno));
	map2 = ipmap_open(mapdir, err, sizeof(err));
	is_int(look(map2, "10.9.9.9", T2014, -1, &r), IPMAP_ERROR,
	    "a fresh handle on a garbage map answers error");
	ok(strlen(err) > 0, "open says why: %s", err);
	snprintf(csv, sizeof(csv), "%s/src.csv", dir);
	buf_reset(&errs);
	ok(ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "a good map is loaded over the garbage");
	is_int(res.serial, 10, "its serial is past the garbage's");
	is_int(look(map2, "10.9.9.9", T2014, -1, &r), IPMAP_FOUND,
	    "the handle recovers when a good map appears");
	ipmap_close(map2);

	/* A pinned thread stays on its generation until it unpins. */
	snprintf(csv, sizeof(csv), "%s/pin.csv", dir);
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-a,a@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "map A loaded");
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-a") == 0, "map A answers");
	is_int(ipmap_pin(map), res.serial, "pin returns the serial of A");
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-b,b@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "map B loaded while pinned");
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-a") == 0, "pinned: A still answers");
	ipmap_unpin(map);
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-b") == 0, "unpinned: B answers");

	/* A directory removed and built again reuses file names. */
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mapdir);
		ok(system(cmd) == 0, "map directory removed");
	}
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-c,c@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0,
	    "map C loaded into a new directory");
	is_int(res.serial, 1, "the new directory starts at serial 1");
	usleep(1100 * 1000);
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-c") == 0,
	    "the rebuilt directory's map is taken (got %s)", r.customer);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mapdir);
		ok(system(cmd) == 0, "map directory removed again");
	}
	buf_reset(&errs);
	ok(write_file(csv, "prefix,customer,address\n"
	    "10.0.0.0/8,pin-d,d@example.com\n") == 0 &&
	    ipmap_build_file(mapdir, csv, NULL, &errs, &res) == 0 &&
	    res.serial == 1, "map D loaded with the same serial and file name");
	usleep(1100 * 1000);
	ok(look(map, "10.1.1.1", T2014, -1, &r) == IPMAP_FOUND &&
	    strcmp(r.customer, "pin-d") == 0,
	    "a new file under the old name is taken (got %s)", r.customer);

	/* Dump. */
	snprintf(csv, sizeof(csv), "%s/dump.csv", dir);
	fp = fopen(csv, "w");
	ok(fp != NULL && ipmap_dump(map, fp, err, sizeof(err)) == 0,
	    "dump works");
	if (fp)
		fclose(fp);
	ipmap_close(map);
	buf_free(&errs);

	/* Clean up. */
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return tap_done();
}
