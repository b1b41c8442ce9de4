/*
 * fuzz.h - the two entry points every fuzz target defines.
 *
 * A target is one fuzz/fuzz_*.c file.  It is linked either with libFuzzer
 * (clang -fsanitize=fuzzer, built by fuzz/run.sh) or with standalone.c,
 * a main() that feeds it files, so that the regression inputs under
 * fuzz/regress/ and the seed corpora run in every `make check`.
 *
 * LLVMFuzzerInitialize() runs once before the first input; it may create
 * one temporary directory (fuzz_tmpdir()).  LLVMFuzzerTestOneInput() must
 * free everything it allocates and leave no state behind, and returns 0.
 */
#ifndef ABUSE_FUZZ_H
#define ABUSE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A private temporary directory, created on the first call and removed
 * with everything in it when the process exits.  Returns its path, or
 * calls abort() if it cannot be made.
 */
const char *fuzz_tmpdir(void);

/*
 * Write data to the file name inside fuzz_tmpdir(), replacing it, and
 * return its path (a static buffer).  Calls abort() on failure.
 */
const char *fuzz_write_file(const char *name, const void *data, size_t size);

/* Remove name inside fuzz_tmpdir() and everything below it. */
void	fuzz_remove(const char *name);

/* Abort with a message: a property the target checks does not hold. */
void	fuzz_fail(const char *what) __attribute__((noreturn));

#endif
