/*
 * fuzz_mapcsv.c - fuzz target for the map source: the CSV reader and the
 * builder's checks.
 *
 * Every input is read record by record with the CSV reader (from memory),
 * checking what a record promises: at most CSV_MAX_FIELDS fields, each
 * NUL-terminated at its length, no NUL inside, and every byte passed to
 * the tap.  Then the input is built into a map in the target's temporary
 * directory with ipmap_build_file().  A refused source must say why with
 * "FILE:LINE: message" lines; a built map is dumped, the dump is built
 * into a second map and dumped again, and both dumps must be the same
 * (what the loader accepts it also writes back faithfully).  Both maps
 * are removed after each input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "fuzz.h"
#include "ipaddr.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "log.h"

/* Count the bytes the CSV reader passes to its tap. */
static void
tap_count(void *arg, const void *p, size_t len)
{
	*(size_t *)arg += len;
}

/* Read data as CSV and check every record. */
static void
check_csv(const uint8_t *data, size_t size)
{
	FILE			*fp;
	csv_t			*c;
	struct csv_record	 rec;
	size_t			 tapped = 0, i;
	int			 r, fatal = 0;
	unsigned long		 lastline = 0;

	if (size == 0)
		return;		/* fmemopen(3) wants a non-empty buffer */
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		fuzz_fail("fmemopen");
	if ((c = csv_open(fp, tap_count, &tapped)) == NULL)
		fuzz_fail("csv_open");
	for (;;) {
		r = csv_read(c, &rec);
		if (r == 0)
			break;
		if (r == -1) {
			if (csv_error(c) == NULL || *csv_error(c) == '\0')
				fuzz_fail("CSV error without a message");
			if (csv_errline(c) == 0)
				fuzz_fail("CSV error without a line");
			if (csv_fatal(c)) {
				fatal = 1;
				break;
			}
			continue;
		}
		if (rec.nfields == 0 || rec.nfields > CSV_MAX_FIELDS)
			fuzz_fail("record with a bad field count");
		if (rec.line < lastline || rec.line == 0)
			fuzz_fail("record line numbers go backwards");
		lastline = rec.line;
		for (i = 0; i < rec.nfields; i++) {
			if (rec.field[i] == NULL ||
			    rec.field[i][rec.len[i]] != '\0' ||
			    strlen(rec.field[i]) != rec.len[i])
				fuzz_fail("field not NUL-terminated at its length");
			if (rec.len[i] > CSV_MAX_RECORD)
				fuzz_fail("field longer than a record");
		}
	}
	if (!fatal && tapped != size)
		fuzz_fail("tap did not see every byte");
	csv_close(c);
	fclose(fp);
}

/* Dump the map in dir into b; 0, or -1 if it cannot be opened or read. */
static int
dump_map(const char *dir, char **out, size_t *outlen)
{
	ipmap_t	*map;
	FILE	*fp;
	char	 err[512];
	int	 rc;

	if ((map = ipmap_open(dir, err, sizeof(err))) == NULL)
		fuzz_fail("ipmap_open: out of memory");
	if ((fp = open_memstream(out, outlen)) == NULL)
		fuzz_fail("open_memstream");
	rc = ipmap_dump(map, fp, err, sizeof(err));
	if (fclose(fp) != 0)
		fuzz_fail("fclose memstream");
	ipmap_close(map);
	return rc;
}

/* Look a few addresses up in the map in dir; nothing may go wrong. */
static void
probe_map(const char *dir)
{
	static const char *const addrs[] = {
		"192.0.2.1", "198.51.100.200", "203.0.113.255", "0.0.0.0",
		"255.255.255.255", "2001:db8::1", "::", "ffff::"
	};
	struct ipmap_result	 res;
	struct ipaddr		 ip;
	ipmap_t			*map;
	size_t			 i;
	int			 r;

	if ((map = ipmap_open(dir, NULL, 0)) == NULL)
		fuzz_fail("ipmap_open: out of memory");
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		if (ipaddr_parse(addrs[i], strlen(addrs[i]), 0, &ip) != 0)
			fuzz_fail("probe address");
		r = ipmap_lookup(map, &ip, 1420070400, IPMAP_NO_PORT, &res);
		if (r == IPMAP_ERROR)
			fuzz_fail("lookup error in a freshly built map");
		if (r == IPMAP_FOUND && (memchr(res.address, '\0',
		    sizeof(res.address)) == NULL || res.address[0] == '\0'))
			fuzz_fail("found entry without an address");
		if (r == IPMAP_FOUND && strpbrk(res.address, "\r\n,<>") != NULL)
			fuzz_fail("map address with CR, LF, comma or <>");
		(void)ipmap_lookup(map, &ip, 1420070400, 25, &res);
	}
	ipmap_close(map);
}

/* Build the file at path into tmp/name; 0 or -1 (messages checked). */
static int
build(const char *name, const char *path)
{
	struct ipmap_build_opts	 opts;
	buf_t			 errs;
	char			 dir[4096];
	int			 n, rc;

	n = snprintf(dir, sizeof(dir), "%s/%s", fuzz_tmpdir(), name);
	if (n < 0 || (size_t)n >= sizeof(dir))
		fuzz_fail("path too long");
	memset(&opts, 0, sizeof(opts));
	opts.allow_empty = 1;
	opts.mapsize = 1024 * 1024;
	buf_init(&errs, 1024 * 1024);
	rc = ipmap_build_file(dir, path, &opts, &errs, NULL);
	if (rc == -1 && errs.len == 0)
		fuzz_fail("map refused without a message");
	if (rc == 0)
		probe_map(dir);
	buf_free(&errs);
	return rc;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_mapcsv", 0, 0);
	log_set_level(LOG_LVL_ERROR);
	(void)fuzz_tmpdir();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 dir[4096], *d1 = NULL, *d2 = NULL, *path;
	size_t		 l1 = 0, l2 = 0;
	int		 n;

	check_csv(data, size);

	path = strdup(fuzz_write_file("source.csv", data, size));
	if (path == NULL)
		fuzz_fail("strdup");
	if (build("map1", path) == 0) {
		n = snprintf(dir, sizeof(dir), "%s/map1", fuzz_tmpdir());
		if (n < 0 || (size_t)n >= sizeof(dir))
			fuzz_fail("path too long");
		if (dump_map(dir, &d1, &l1) == -1)
			fuzz_fail("a built map cannot be dumped");
		free(path);
		if ((path = strdup(fuzz_write_file("dump.csv", d1,
		    l1))) == NULL)
			fuzz_fail("strdup");
		if (build("map2", path) != 0)
			fuzz_fail("the dump of a map does not load");
		n = snprintf(dir, sizeof(dir), "%s/map2", fuzz_tmpdir());
		if (n < 0 || (size_t)n >= sizeof(dir))
			fuzz_fail("path too long");
		if (dump_map(dir, &d2, &l2) == -1)
			fuzz_fail("a rebuilt map cannot be dumped");
		if (l1 != l2 || memcmp(d1, d2, l1) != 0)
			fuzz_fail("dump, load, dump is not the same");
	}
	free(d1);
	free(d2);
	free(path);
	fuzz_remove("map1");
	fuzz_remove("map2");
	fuzz_remove("source.csv");
	fuzz_remove("dump.csv");
	return 0;
}
