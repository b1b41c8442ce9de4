/*
 * fuzz_addr.c - fuzz target for the mailbox check and the address forms
 * of addr.c.
 *
 * The input, cut at its first NUL, is checked as a mailbox, put in its
 * internal form, stripped of a source route and compared with itself.
 * Properties: a mailbox the check takes has a path "<mailbox>" and an
 * internal form; its internal form is the same mailbox as it; the
 * internal form is a fixed point (the internal form of an internal form
 * whose local part needs no quotes is itself); the comparison is
 * symmetric; nothing reads past the input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The checks on one NUL-terminated string s of length len. */
static void
one(const char *s, size_t len)
{
	char		 in[ADDR_MAX], again[ADDR_MAX], path[ADDR_MAX + 2];
	char		 strip[ADDR_MAX * 4];
	const char	*why;
	int		 rc;

	why = addr_check(s, len);
	rc = addr_internal(s, in, sizeof(in));
	if (why == NULL) {
		if (addr_path(s, path, sizeof(path)) != 0)
			fuzz_fail("a checked mailbox has no path");
		if (rc != 0)
			fuzz_fail("a checked mailbox has no internal form");
		if (!addr_same_mailbox(s, path, "+") ||
		    !addr_same_mailbox(path, s, "+"))
			fuzz_fail("a mailbox is not the same as its path");
		if (s[0] != '"' && strcmp(in + strcspn(in, "@"),
		    strrchr(in, '@')) == 0) {
			if (addr_internal(in, again, sizeof(again)) != 0 ||
			    strcmp(in, again) != 0)
				fuzz_fail("the internal form is not a fixed "
				    "point");
		}
	} else if (addr_path(s, path, sizeof(path)) != -1)
		fuzz_fail("a refused mailbox has a path");
	if (rc == 0) {
		if (strchr(in, '@') == NULL || strlen(in) >= sizeof(in))
			fuzz_fail("an internal form without '@'");
		if (!addr_same_mailbox(s, s, "+-"))
			fuzz_fail("an address is not the same as itself");
	}
	if (addr_same_mailbox(s, "abuse@provider.test", "+") !=
	    addr_same_mailbox("abuse@provider.test", s, "+"))
		fuzz_fail("the comparison is not symmetric");
	(void)addr_strip_route(s, strip, sizeof(strip));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	size_t	 len;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	one(s, len);
	free(s);
	return 0;
}
