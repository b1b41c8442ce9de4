/*
 * standalone.c - run a fuzz target without libFuzzer.
 *
 *	fuzz_x FILE|DIR ...
 *
 * Each file (each regular file of each directory, in name order) is read
 * whole and passed once to LLVMFuzzerTestOneInput().  Used by `make check`
 * to replay the regression inputs and the seed corpora under the normal
 * (or sanitizer) build, where clang and libFuzzer may be absent.  Exits 0
 * when every input ran; a crash ends the process as it would under the
 * fuzzer.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Read all of path into a new buffer; 0 and *data, *size, or -1. */
static int
read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE	*fp;
	uint8_t	*p = NULL, *np;
	size_t	 len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((np = realloc(p, cap)) == NULL) {
				free(p);
				fclose(fp);
				return -1;
			}
			p = np;
		}
		n = fread(p + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		free(p);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	/* An exact-size copy, so that a read past the end is caught. */
	if ((np = malloc(len ? len : 1)) == NULL) {
		free(p);
		return -1;
	}
	memcpy(np, p, len);
	free(p);
	*data = np;
	*size = len;
	return 0;
}

/* Run one file through the target; 0, or -1 if it cannot be read. */
static int
run_file(const char *path)
{
	uint8_t	*data;
	size_t	 size;

	if (read_file(path, &data, &size) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* scandir filter: skip dot files. */
static int
not_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Run every regular file of directory dir; the number of failures. */
static int
run_dir(const char *dir)
{
	struct dirent	**names;
	struct stat	  st;
	char		  path[PATH_MAX];
	int		  n, i, bad = 0, w;

	if ((n = scandir(dir, &names, not_dot, alphasort)) == -1) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		w = snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name);
		if (w >= 0 && (size_t)w < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(path) == -1)
			bad++;
		free(names[i]);
	}
	free(names);
	return bad;
}

int
main(int argc, char **argv)
{
	struct stat	 st;
	int		 i, bad = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad++;
		} else if (S_ISDIR(st.st_mode))
			bad += run_dir(argv[i]);
		else if (run_file(argv[i]) == -1)
			bad++;
	}
	return bad ? 1 : 0;
}
