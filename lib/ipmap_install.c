/*
 * ipmap_install.c - put in service a map generation built elsewhere
 * (abuse-map install); see ipmap_build.h.
 *
 * Several MX hosts must answer alike, so the map is built once, on one
 * host, and its generation file copied to the others.  Installing one:
 * under the directory's lock the file is copied beside the generations
 * (a temporary name, synced), opened as a reader opens a new generation
 * (format, metadata, every chunk), walked entry by entry (each decodes
 * and names a customer record, and there are as many as the metadata
 * says), then renamed to its own serial's name and put in service as a
 * load puts its own (ipmap_dir_swap).  A file that fails any check, or
 * whose serial is older than the map in service, is removed and the map
 * in service stays.  The file keeps the serial it was built with, so
 * every host that installed it reports the same one.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ipmap.h"
#include "ipmap_build.h"
#include "ipmap_build_int.h"
#include "ipmap_int.h"
#include "log.h"

/* Copy file src to dst (created, not there before) and sync it. */
static int
copy_file(const char *src, const char *dst, buf_t *errs)
{
	char	 blk[65536];
	ssize_t	 n, w, off;
	int	 in, out, rc = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		buf_printf(errs, "%s: %s\n", src, strerror(errno));
		return -1;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		buf_printf(errs, "%s: %s\n", dst, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, blk, sizeof(blk))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, blk + off, (size_t)(n - off))) <= 0)
				goto out;
	if (n == 0 && fsync(out) == 0)
		rc = 0;
out:
	if (rc == -1)
		buf_printf(errs, "%s: cannot copy to %s: %s\n", src, dst,
		    strerror(errno));
	close(in);
	if (close(out) == -1)
		rc = -1;
	return rc;
}

/* Count an entry of the generation being checked. */
static int
count_entry(void *arg, const struct ipmap_walk_ent *e)
{
	(void)e;
	(*(uint64_t *)arg)++;
	return 0;
}

/*
 * Check generation file name of dir as a reader would take it, and every
 * entry; its serial into *serial.  0, or -1 with a message in errs.
 */
static int
check_generation(const char *dir, const char *name, const char *src,
    uint64_t *serial, buf_t *errs)
{
	char	 err[512], v[32];
	uint64_t n = 0;
	ipmap_t	*map;
	int	 rc = -1;

	if ((map = ipmap_open_file(dir, name, err, sizeof(err))) == NULL) {
		buf_printf(errs, "%s: not a map generation: %s\n", src, err);
		return -1;
	}
	*serial = ipmap_serial(map);
	if (ipmap_walk(map, count_entry, &n, err, sizeof(err)) == -1)
		buf_printf(errs, "%s: %s\n", src, err);
	else if (ipmap_meta(map, "entries", v, sizeof(v)) != 1 ||
	    strtoull(v, NULL, 10) != n)
		buf_printf(errs, "%s: %" PRIu64 " entries, the map says %s\n",
		    src, n, v);
	else
		rc = 0;
	ipmap_close(map);
	return rc;
}

/*
 * Put the checked file tmp (of dir) in service as generation serial;
 * the one in service was old.  0, or -2 with a message in errs.
 */
static int
put_in_service(const char *dir, const char *tmp, uint64_t serial,
    uint64_t old, buf_t *errs)
{
	char	 name[64], from[PATH_MAX], to[PATH_MAX];

	if (snprintf(name, sizeof(name), "%s%" PRIu64 "%s", IPMAP_FILE_PREFIX,
	    serial, IPMAP_FILE_SUFFIX) >= (int)sizeof(name) ||
	    snprintf(from, sizeof(from), "%s/%s", dir, tmp) >=
	    (int)sizeof(from) ||
	    snprintf(to, sizeof(to), "%s/%s", dir, name) >= (int)sizeof(to)) {
		buf_printf(errs, "%s: path too long\n", dir);
		return -2;
	}
	if (rename(from, to) == -1 || ipmap_dir_swap(dir, name) == -1) {
		buf_printf(errs, "%s: cannot put %s in service: %s\n", dir,
		    name, strerror(errno));
		return -2;
	}
	if (ipmap_dir_hint(dir, serial) == -1)
		log_warn("%s: cannot update %s", dir, IPMAP_GENERATION);
	ipmap_dir_remove_old(dir, serial, old);
	return 0;
}

/* Check src against the map in service of dir and install it. */
static int
install_locked(const char *dir, const char *src, const char *tmp,
    const char *tmppath, uint64_t *serial, buf_t *errs)
{
	char	 curname[PATH_MAX];
	uint64_t old;

	if (copy_file(src, tmppath, errs) == -1)
		return -2;
	if (check_generation(dir, tmp, src, serial, errs) == -1)
		return -1;
	old = ipmap_dir_current(dir, curname, sizeof(curname));
	if (*serial == old) {
		buf_printf(errs, "%s: serial %" PRIu64 " is already in "
		    "service\n", src, old);
		return 1;
	}
	if (*serial < old) {
		buf_printf(errs, "%s: serial %" PRIu64 " is older than the map "
		    "in service (%" PRIu64 ")\n", src, *serial, old);
		return -1;
	}
	return put_in_service(dir, tmp, *serial, old, errs);
}

/* Install the generation file src in dir. */
int
ipmap_install(const char *dir, const char *src, uint64_t *serial,
    buf_t *errs)
{
	char	 tmp[64], tmppath[PATH_MAX];
	int	 lockfd, rc;

	*serial = 0;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		buf_printf(errs, "%s: cannot create: %s\n", dir,
		    strerror(errno));
		return -2;
	}
	if ((lockfd = ipmap_dir_lock(dir)) == -1) {
		buf_printf(errs, "%s: cannot lock: %s\n", dir, strerror(errno));
		return -2;
	}
	if (snprintf(tmp, sizeof(tmp), ".install.%ld.mdb", (long)getpid()) >=
	    (int)sizeof(tmp) || snprintf(tmppath, sizeof(tmppath), "%s/%s",
	    dir, tmp) >= (int)sizeof(tmppath)) {
		buf_printf(errs, "%s: path too long\n", dir);
		close(lockfd);
		return -2;
	}
	unlink(tmppath);
	rc = install_locked(dir, src, tmp, tmppath, serial, errs);
	if (rc != 0)
		unlink(tmppath);
	close(lockfd);
	return rc;
}
