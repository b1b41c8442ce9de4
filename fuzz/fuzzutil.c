/*
 * fuzzutil.c - helpers shared by the fuzz targets: one private temporary
 * directory per process, and a way to stop on a broken property.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char	tmpdir[PATH_MAX];

/* Remove the directory path and everything below it (no symlinks followed). */
static void
rmtree(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[PATH_MAX];
	int		 n;

	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			n = snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
			if (n < 0 || (size_t)n >= sizeof(p))
				continue;
			if (unlink(p) == -1 && (errno == EISDIR ||
			    errno == EPERM))
				rmtree(p);
		}
		closedir(d);
	}
	rmdir(path);
}

/* atexit handler: remove the temporary directory. */
static void
tmpdir_cleanup(void)
{
	if (tmpdir[0] != '\0')
		rmtree(tmpdir);
}

/* Create the private temporary directory on first use; return its path. */
const char *
fuzz_tmpdir(void)
{
	const char	*base;
	int		 n;

	if (tmpdir[0] != '\0')
		return tmpdir;
	if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	n = snprintf(tmpdir, sizeof(tmpdir), "%s/abuse-fuzz.XXXXXX", base);
	if (n < 0 || (size_t)n >= sizeof(tmpdir))
		fuzz_fail("TMPDIR too long");
	if (mkdtemp(tmpdir) == NULL) {
		tmpdir[0] = '\0';
		fuzz_fail("mkdtemp");
	}
	atexit(tmpdir_cleanup);
	return tmpdir;
}

/* Write data to name inside the temporary directory; return the path. */
const char *
fuzz_write_file(const char *name, const void *data, size_t size)
{
	static char	 path[PATH_MAX];
	const char	*p = data;
	ssize_t		 w;
	int		 fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	if (n < 0 || (size_t)n >= sizeof(path))
		fuzz_fail("temporary path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		fuzz_fail("open temporary file");
	while (size > 0) {
		if ((w = write(fd, p, size)) == -1) {
			if (errno == EINTR)
				continue;
			fuzz_fail("write temporary file");
		}
		p += w;
		size -= (size_t)w;
	}
	if (close(fd) == -1)
		fuzz_fail("close temporary file");
	return path;
}

/* Remove name inside the temporary directory, with what it holds. */
void
fuzz_remove(const char *name)
{
	char	 path[PATH_MAX];
	int	 n;

	n = snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	if (n < 0 || (size_t)n >= sizeof(path))
		fuzz_fail("temporary path too long");
	if (unlink(path) == -1 && errno != ENOENT)
		rmtree(path);
}

/* Report a broken property and abort so that the fuzzer keeps the input. */
void
fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: property violated: %s\n", what);
	fflush(stderr);
	abort();
}
