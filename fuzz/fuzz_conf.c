/*
 * fuzz_conf.c - fuzz target for the configuration parser.
 *
 * The input is written to a file in the target's temporary directory and
 * read with conf_load().  A refused file must come with a message; a
 * loaded one has well-formed lists.  The input is also given, as one
 * string, to the value parsers conf_parse_rate() and conf_check_socket(),
 * and split at its first blank into a key and a value for conf_set() on
 * the defaults.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"
#include "log.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_conf", 0, 0);
	log_set_level(LOG_LVL_ERROR);
	(void)fuzz_tmpdir();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*cf;
	const char	*path, *why;
	char		 err[4096], *s, *v;
	unsigned	 n;
	int64_t		 period;
	size_t		 i;

	path = fuzz_write_file("abuse-milter.conf", data, size);
	err[0] = '\0';
	memset(err + 1, 'x', sizeof(err) - 1);
	if ((cf = conf_load(path, err, sizeof(err))) == NULL) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			fuzz_fail("error text not NUL-terminated");
		if (err[0] == '\0')
			fuzz_fail("configuration refused without a message");
	} else {
		if (cf->abuse_recipients.v != NULL &&
		    cf->abuse_recipients.v[cf->abuse_recipients.n] != NULL)
			fuzz_fail("AbuseRecipients list not NULL-terminated");
		for (i = 0; cf->abuse_recipients.v != NULL &&
		    i < cf->abuse_recipients.n; i++)
			if (cf->abuse_recipients.v[i] == NULL)
				fuzz_fail("NULL in AbuseRecipients");
		conf_free(cf);
	}

	if ((s = malloc(size + 1)) == NULL)
		fuzz_fail("malloc");
	memcpy(s, data, size);
	s[size] = '\0';
	if (conf_parse_rate(s, &n, &period) == 0 && n > 0 && period <= 0)
		fuzz_fail("rate limit with a period <= 0");
	why = NULL;
	if (conf_check_socket(s, &why) == -1 && why == NULL)
		fuzz_fail("socket refused without a reason");
	if ((cf = conf_defaults()) == NULL)
		fuzz_fail("conf_defaults");
	if ((v = strpbrk(s, " \t")) != NULL)
		*v++ = '\0';
	else
		v = s + strlen(s);
	err[0] = '\0';
	if (conf_set(cf, s, v, err, sizeof(err)) == -1 && err[0] == '\0')
		fuzz_fail("conf_set refused a value without a reason");
	conf_free(cf);
	free(s);
	return 0;
}
