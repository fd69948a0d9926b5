/* Shared definitions of the crypto core: result codes, their messages,
 * constant-time comparison and secure wiping.
 *
 * Every function of lib/crypto that can fail returns an enum crypto_result.
 * Verify and decrypt functions return CRYPTO_OK only for valid input, and on
 * failure leave their outputs wiped (all zero), never partially written. */
#ifndef NONOS_CRYPTO_CRYPTO_H
#define NONOS_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum crypto_result {
    CRYPTO_OK = 0,
    CRYPTO_ERR_VERIFY = 1,      /* signature, tag or proof did not verify */
    CRYPTO_ERR_ENCODING = 2,    /* a key, point or scalar is not canonical */
    CRYPTO_ERR_WEAK_KEY = 3,    /* all-zero shared secret, small-order point */
    CRYPTO_ERR_PARAMETER = 4,   /* a length or cost parameter out of range */
    CRYPTO_ERR_UNSEEDED = 5,    /* the random generator has no entropy yet */
    CRYPTO_ERR_HEALTH = 6,      /* the entropy source failed its health test */
    CRYPTO_ERR_MEMORY = 7,      /* caller-provided work memory too small */
};

/* On every function whose failure matters (verify, decrypt, key agreement,
 * seeding, generation, signing): ignoring the result is a compile error under
 * -Werror. A caller that truly has nothing to do on failure must still say so
 * with a branch, not a (void) cast. */
#define CRYPTO_MUST_CHECK __attribute__((warn_unused_result))

/* Marks bytes derived from secrets as public for the constant-time check
 * (the tests/crypto ct programs, built with -DNONOS_CONSTTIME_CHECK under valgrind):
 * only a value the algorithm publishes anyway may be declassified, and each
 * use names exactly that value. Expands to nothing in every other build. */
#ifdef NONOS_CONSTTIME_CHECK
#include <valgrind/memcheck.h>
#define CRYPTO_DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define CRYPTO_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

/* A short English message for a result code; never NULL. */
const char *crypto_result_message(enum crypto_result result);

/* True when the len bytes at a and b are equal. The time taken depends only on
 * len, never on the contents. */
bool crypto_equal(const void *a, const void *b, size_t len);

/* Sets len bytes at p to zero in a way the compiler may not remove, for
 * secrets that are about to go out of scope. */
void crypto_wipe(void *p, size_t len);

/* Zeroes len bytes of stack just below the caller's frame: the dead frames
 * of the functions it has just called, where the compiler spilled key
 * material (vector state, callee-saved registers pushed by memset, ...) that
 * no crypto_wipe of a named buffer reaches. Called by the public functions
 * right after a noinline worker returns; len is the worker's measured depth
 * with a margin (tests/crypto/residue_test.c checks the result). At most
 * 3584 bytes. */
void crypto_wipe_stack(size_t len);

#endif
