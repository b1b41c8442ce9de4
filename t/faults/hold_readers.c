/*
 * hold_readers.c - a test helper that takes every reader slot of an LMDB
 * environment and keeps them until it is told to let go.
 *
 *	hold_readers FILE
 *
 * Opens FILE, an LMDB environment in a single file (MDB_NOSUBDIR, as the
 * map generations of abuse-map are), read-only but with its lock file
 * (FILE-lock), so that its readers take slots in the lock file's reader
 * table.  Begins read transactions (MDB_NOTLS: many per thread) until
 * LMDB answers MDB_READERS_FULL, prints "held N full" (or "held N error
 * MESSAGE" when another error stopped it), and holds them until standard
 * input reaches end of file or a signal ends it.
 *
 * Exits 0 when the reader table was filled, 1 otherwise.  Used by
 * t/test_faults_resources.sh to show that the milter and abuse-map keep
 * working while the map's reader table is exhausted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <lmdb.h>

#define MAX_TXNS	4096	/* far more than LMDB's default 126 slots */

int
main(int argc, char **argv)
{
	static MDB_txn	*txns[MAX_TXNS];
	MDB_env		*env;
	char		 buf[256];
	int		 rc, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: hold_readers file\n");
		return 2;
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], MDB_RDONLY | MDB_NOSUBDIR |
	    MDB_NOTLS, 0644)) != 0) {
		fprintf(stderr, "hold_readers: %s: %s\n", argv[1],
		    mdb_strerror(rc));
		return 1;
	}
	rc = 0;
	while (n < MAX_TXNS &&
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txns[n])) == 0)
		n++;
	if (rc == MDB_READERS_FULL)
		printf("held %d full\n", n);
	else
		printf("held %d error %s\n", n, rc != 0 ? mdb_strerror(rc) :
		    "too many");
	if (fflush(stdout) == EOF)
		return 1;
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	while (n > 0)
		mdb_txn_abort(txns[--n]);
	mdb_env_close(env);
	return rc == MDB_READERS_FULL ? 0 : 1;
}
