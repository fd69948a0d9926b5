/* Constant-time check of the hash area (the ctgrind technique): secrets are
 * marked undefined for valgrind's memcheck, which then reports every branch
 * and every memory index that depends on them. Run under
 *   valgrind build/host-ct/tests/crypto/hash_ct
 * Outputs derived from secrets are marked defined again before the harness
 * looks at them. Covers SHA-256/512 of a secret message, HMAC and HMAC
 * verify with secret key and message, HKDF with secret IKM,
 * and keyed BLAKE2b (which is also Argon2id's H0 and H'). Argon2id indexes
 * memory by password-derived data by design from slice 2 of pass 0 on; the
 * library declassifies exactly that value (J1 || J2 read from the previous
 * block, CRYPTO_DECLASSIFY in fill_segment), so any other report fails.
 *
 *   hash_ct            every check
 *   hash_ct argon2id   the Argon2id check alone (suite 20 also runs it on a
 *                      mutant that indexes by the password in slices 0-1,
 *                      which must fail: the check can fail) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/argon2id.h"
#include "crypto/blake2b.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"
#include "tests/host/test.h"

#define secret(p, n) VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#define public(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)

static uint8_t key[200], msg[1000], out[HKDF_SHA512_MAX_OUTPUT];
static struct argon2id_block work[64];

/* Runs `body` with key and msg secret; true when memcheck reported nothing. */
#define CT_CHECK(name, body)                                                   \
    do {                                                                       \
        unsigned long before = VALGRIND_COUNT_ERRORS;                          \
        secret(key, sizeof(key));                                              \
        secret(msg, sizeof(msg));                                              \
        body;                                                                  \
        public(key, sizeof(key));                                              \
        public(msg, sizeof(msg));                                              \
        public(out, sizeof(out));                                              \
        test_check(VALGRIND_COUNT_ERRORS == before,                            \
                   "constant time under memcheck: %s", name);                  \
    } while (0)

/* Argon2id with a secret password: no report once the RFC's data-dependent
 * reference index is declassified (t = 2 so a pass after the first runs). */
static void check_argon2id(void)
{
    unsigned long before = VALGRIND_COUNT_ERRORS;
    struct argon2id_params p = {
        .t_cost = 2, .m_cost = 32, .parallelism = 2,
        .password = key, .password_len = 32, .salt = msg, .salt_len = 16,
    };
    secret(key, 32);
    enum crypto_result r = argon2id(out, 32, &p, work, 64);
    public(key, sizeof(key));
    public(out, sizeof(out));
    public(&r, sizeof(r));
    test_check(r == CRYPTO_OK && VALGRIND_COUNT_ERRORS == before,
               "constant time under memcheck: argon2id (secret password; only the RFC's "
               "data-dependent reference index, in slices 2-3 and later passes, is declassified)");
}

int main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 13 + 5);
    if (!RUNNING_ON_VALGRIND) {
        test_check(false, "hash_ct must run under valgrind");
        return test_finish();
    }
    if (argc == 2 && strcmp(argv[1], "argon2id") == 0) {
        check_argon2id();
        return test_finish();
    }
    CT_CHECK("sha256 (1000-byte secret message)", sha256(msg, sizeof(msg), out));
    CT_CHECK("sha512 (1000-byte secret message)", sha512(msg, sizeof(msg), out));
    CT_CHECK("hmac-sha256 (32- and 200-byte secret keys)",
             hmac_sha256(key, 32, msg, 300, out); hmac_sha256(key, 200, msg, 300, out));
    CT_CHECK("hmac-sha512 (32- and 200-byte secret keys)",
             hmac_sha512(key, 32, msg, 300, out); hmac_sha512(key, 200, msg, 300, out));
    CT_CHECK("hmac-sha256/512 verify (secret key, tag compared in constant time)", {
        enum crypto_result r1 = hmac_sha256_verify(key, 32, msg, 100, msg + 100, 32);
        enum crypto_result r2 = hmac_sha512_verify(key, 32, msg, 100, msg + 100, 64);
        public(&r1, sizeof(r1));
        public(&r2, sizeof(r2));
        (void)r1;
        (void)r2;
    });
    CT_CHECK("hkdf-sha256/512 (secret IKM, 1000-byte output)", {
        enum crypto_result r1 = hkdf_sha256(out, 1000, NULL, 0, key, 64, msg, 10);
        enum crypto_result r2 = hkdf_sha512(out, 1000, msg, 20, key, 64, NULL, 0);
        public(&r1, sizeof(r1));
        public(&r2, sizeof(r2));
    });
    CT_CHECK("blake2b keyed (64-byte secret key, 1000-byte secret message)", {
        enum crypto_result r = blake2b(out, 64, key, 64, msg, sizeof(msg));
        public(&r, sizeof(r));
    });
    check_argon2id();
    return test_finish();
}
