/*
 * test_addr.c - mailboxes as Postfix reads and compares them: the check
 * shared by the map loader and the configuration, the internal form, the
 * same-mailbox comparison and the path handed to smfi_addrcpt.
 */
#include "config.h"

#include <string.h>

#include "addr.h"
#include "tap.h"

/* A mailbox the check takes. */
static void
good(const char *s)
{
	const char	*why = addr_check(s, strlen(s));

	ok(why == NULL, "check takes %s%s%s", s, why ? ": " : "",
	    why ? why : "");
}

/* A mailbox the check refuses, with a reason containing want. */
static void
bad(const char *s, const char *want)
{
	const char	*why = addr_check(s, strlen(s));

	ok(why != NULL && strstr(why, want) != NULL,
	    "check refuses %s (%s)", s, why ? why : "taken");
}

static void
internal(const char *path, const char *want)
{
	char	 out[ADDR_MAX];
	int	 rc = addr_internal(path, out, sizeof(out));

	if (want == NULL)
		ok(rc == -1, "internal form of %s: none", path);
	else
		is_str(rc == 0 ? out : "(none)", want, "internal form of %s",
		    path);
}

int
main(void)
{
	char	 path[ADDR_MAX + 2];

	tap_plan(0);

	good("abuse@c1001.example");
	good("first.last+tag@sub.c1001.example");
	good("\"first last\"@c1001.example");
	good("\"a\\\"b\"@c1001.example");
	good("noc@[192.0.2.1]");
	good("noc@[IPv6:2001:db8::1]");
	bad("\"abuse\"@provider.test", "needs no quotes");
	bad("\"first.last\"@provider.test", "needs no quotes");
	bad("@relay.example:abuse@provider.test", "source route");
	bad("abuse@provider.test.", "ends with '.'");
	bad("user%c1@provider.test", "may rewrite");
	bad("host!user@provider.test", "may rewrite");
	bad("first last@c1.example", "local part");
	bad("a..b@c1.example", "local part");
	bad(".a@c1.example", "local part");
	bad("\"\"@c1.example", "empty quoted");
	bad("\"abc@c1.example", "unterminated");
	bad("abuse", "no domain");
	bad("abuse@", "no domain");
	bad("abuse@-c1.example", "'-'");
	bad("abuse@c1..example", "empty label");
	bad("abuse@c1_x.example", "not allowed in the domain");
	bad("noc@[192.0.2.300]", "address literal");
	bad("ab\rc@c1.example", "control");
	bad("\xc3\xa9@c1.example", "non-ASCII");
	bad("", "empty");

	internal("<abuse@Provider.TEST>", "abuse@provider.test");
	internal("<\"abuse\"@provider.test>", "abuse@provider.test");
	internal("<@relay.example,@r2.example:abuse@provider.test>",
	    "abuse@provider.test");
	internal("<abuse@provider.test.>", "abuse@provider.test");
	internal("  <\"first last\"@c1.example> SIZE=100",
	    "first last@c1.example");
	internal("<\"a@b\"@c1.example>", "a@b@c1.example");
	internal("abuse@provider.test", "abuse@provider.test");
	internal("<>", NULL);
	internal("<abuse>", NULL);
	internal("<@provider.test>", NULL);
	internal("<\"abuse@provider.test>", NULL);
	internal("<abuse@.>", NULL);

	ok(addr_same_mailbox("<\"Abuse\"@provider.test.>",
	    "abuse@PROVIDER.test", "+"), "same: quotes, dot, case");
	ok(addr_same_mailbox("<abuse+c1001@provider.test>",
	    "abuse@provider.test", "+-"), "same: an extension");
	ok(addr_same_mailbox("<abuse-x@provider.test>",
	    "abuse@provider.test", "+-"), "same: the second delimiter");
	ok(!addr_same_mailbox("<abuse+c1001@provider.test>",
	    "abuse@provider.test", NULL), "not same: no delimiter");
	ok(!addr_same_mailbox("<abusex@provider.test>",
	    "abuse@provider.test", "+"), "not same: a longer local part");
	ok(!addr_same_mailbox("<abuse@provider.test.evil>",
	    "abuse@provider.test", "+"), "not same: a longer domain");
	ok(!addr_same_mailbox("<abuse@provider.test>",
	    "abuse@provider.test+", "+"), "not same: a delimiter in the domain "
	    "is not an extension");
	ok(!addr_same_mailbox("abuse", "abuse", "+"), "not same: no domain");

	ok(addr_strip_route("<@r1.example,@r2.example:abuse@p.test>", path,
	    sizeof(path)) == 1 && strcmp(path, "<abuse@p.test>") == 0,
	    "strip route: \"<@r1,@r2:abuse@p.test>\" is \"<abuse@p.test>\"");
	ok(addr_strip_route("<abuse@p.test>", path, sizeof(path)) == 0,
	    "strip route: none to strip");
	ok(addr_path("\"first last\"@c1.example", path, sizeof(path)) == 0 &&
	    strcmp(path, "<\"first last\"@c1.example>") == 0,
	    "path keeps the quoted local part whole");
	ok(addr_path("abuse@c1.example\r\nBcc: x@y", path, sizeof(path)) == -1,
	    "path refuses what the check refuses");
	ok(addr_path("abuse@c1.example", path, 10) == -1,
	    "path that does not fit");

	return tap_done();
}
