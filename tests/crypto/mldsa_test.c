/* Host tests of SHAKE and ML-DSA-65 (run by tests/suites/23-crypto-mldsa.sh).
 * One program, one subcommand per kind of check:
 *   vectors                 FIPS 202 SHAKE examples, the NTT constants, API edge cases
 *   sample-in-ball          only the SampleInBall comparison (for the small-window build)
 *   shake-cases N SEED      prints N random "<128|256> <in> <outlen> <out>" lines
 *                           for the differential test against node crypto (OpenSSL)
 *   shake-check             reads such lines (from node crypto) and compares
 *   sign-wycheproof         Wycheproof sign vectors on stdin (see the suite)
 *   verify-wycheproof       Wycheproof verify vectors on stdin
 *   accumulated N HEX       CCTV accumulated keygen/sign/verify over N keys
 *   noble-cases N SEED      random cases signed here, for the noble script
 *   noble-check             noble's signatures (from the script), verified here
 *   corpus-make DIR         writes that corpus (tests/corpus/mldsa65 is its output)
 *   corpus DIR              the bad-signature corpus with the expected results
 *   shake-x4 N SEED         the four-way SHAKE128 and Keccak-f[1600] against the scalar ones
 *   arith N SEED            the AVX2 polynomial arithmetic against the portable one
 * MLDSA_SIMD=avx2|portable in the environment forces the four-way Keccak
 * and the polynomial arithmetic path (keccak_x4.h) for every subcommand; by default AVX2 is used when this CPU
 * has it. Asking for avx2 on a CPU without it is a failure, not a skip. */
#include <stdlib.h>
#include <string.h>

#include "crypto/mldsa65.h"
#include "crypto/mldsa65_internal.h"
#include "crypto/keccak_x4.h"
#include "crypto/shake.h"
#include "tests/host/corpus.h"
#include "tests/host/hex_input.h"
#include "tests/host/test.h"

#define MAX_FIELD 20000
#define LINE_MAX_BYTES (8 * MAX_FIELD)

static char line[LINE_MAX_BYTES];

static void print_hex(const uint8_t *bytes, size_t len)
{
    if (len == 0)
        fputs("-", stdout);
    for (size_t i = 0; i < len; i++)
        printf("%02x", bytes[i]);
}

/* Splits line into at most max fields separated by spaces. */
static int split_fields(char *text, char **fields, int max)
{
    int n = 0;
    for (char *t = strtok(text, " \n"); t != NULL && n < max; t = strtok(NULL, " \n"))
        fields[n++] = t;
    return n;
}

/* A field in hex ("-" empty); -1 for "none" (absent in the JSON). */
static long field_bytes(const char *spec, uint8_t *out)
{
    if (strcmp(spec, "none") == 0)
        return -1;
    return (long)hex_input_bytes(spec, out, MAX_FIELD);
}

/* xorshift64*: reproducible test inputs from a printed seed. */
static uint64_t random_state;
static uint64_t random_next(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 0x2545f4914f6cdd1dULL;
}
static void random_bytes(uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(random_next() >> 56);
}

/* mldsa65_verify, also through a prepared key: both must give the same
 * result; a difference is reported as CRYPTO_ERR_MEMORY, which no verify
 * returns, so that it fails every check. */
static struct mldsa65_prepared_key prepared;
static enum crypto_result verify_both(const uint8_t *signature, const uint8_t *message,
                                      size_t message_len, const uint8_t *context,
                                      size_t context_len, const uint8_t *public_key)
{
    enum crypto_result plain =
        mldsa65_verify(signature, message, message_len, context, context_len, public_key);
    if (mldsa65_prepare_key(&prepared, public_key) != CRYPTO_OK)
        return CRYPTO_ERR_MEMORY;
    enum crypto_result with_key =
        mldsa65_verify_prepared(signature, message, message_len, context, context_len, &prepared);
    if (with_key != plain) {
        fprintf(stderr, "verify %d, verify_prepared %d\n", (int)plain, (int)with_key);
        return CRYPTO_ERR_MEMORY;
    }
    return plain;
}

/* ---- vectors ---- */

struct shake_vector {
    int bits;
    const char *input, *output;
};

/* FIPS 202 examples (NIST "Example Values", SHAKE128/256, empty message and
 * the 1600-bit message of 0xa3 bytes), first 32 output bytes. */
static const struct shake_vector shake_vectors[] = {
    { 128, "-", "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26" },
    { 256, "-", "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f" },
    { 128, "r:a3:200", "131ab8d2b594946b9c81333f9bb6e0ce75c3b93104fa3469d3917457385da037" },
    { 256, "r:a3:200", "cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d" },
};

static void check_shake_vectors(void)
{
    static uint8_t input[512], expected[64], output[64];
    for (size_t i = 0; i < sizeof shake_vectors / sizeof shake_vectors[0]; i++) {
        const struct shake_vector *v = &shake_vectors[i];
        size_t in_len = hex_input_bytes(v->input, input, sizeof input);
        size_t out_len = hex_input_bytes(v->output, expected, sizeof expected);
        if (v->bits == 128)
            shake128(output, out_len, input, in_len);
        else
            shake256(output, out_len, input, in_len);
        test_check(memcmp(output, expected, out_len) == 0, "shake%d FIPS 202 example %s",
                   v->bits, v->input);
    }
}

/* The squeezed stream must not depend on how input and output are split. */
static void check_shake_streaming(void)
{
    uint8_t input[700], whole[900], pieces[900];
    random_state = 0x5eed;
    random_bytes(input, sizeof input);
    bool ok = true;
    for (int bits = 128; bits <= 256; bits += 128) {
        for (size_t step = 1; step < 300; step += 37) {
            struct shake_state state;
            (bits == 128 ? shake128 : shake256)(whole, sizeof whole, input, sizeof input);
            (bits == 128 ? shake128_init : shake256_init)(&state);
            for (size_t at = 0; at < sizeof input; at += step)
                shake_absorb(&state, input + at,
                             at + step <= sizeof input ? step : sizeof input - at);
            shake_finalize(&state);
            for (size_t at = 0; at < sizeof pieces; at += step + 3)
                shake_squeeze(&state, pieces + at,
                              at + step + 3 <= sizeof pieces ? step + 3 : sizeof pieces - at);
            ok = ok && memcmp(whole, pieces, sizeof whole) == 0;
        }
    }
    test_check(ok, "shake128/256 streaming: split absorb and squeeze equal one call");
}

static int32_t power_mod_q(int64_t base, unsigned exponent)
{
    int64_t result = 1;
    for (; exponent > 0; exponent--)
        result = result * base % MLDSA_Q;
    return (int32_t)result;
}

/* mldsa_zetas[k] = 1753^BitRev8(k) * 2^32 mod q, centred. */
static void check_zetas(void)
{
    bool ok = true;
    for (unsigned k = 0; k < MLDSA_N; k++) {
        unsigned reversed = 0;
        for (unsigned bit = 0; bit < 8; bit++)
            reversed |= ((k >> bit) & 1) << (7 - bit);
        int64_t zeta = (int64_t)power_mod_q(1753, reversed) * (((int64_t)1 << 32) % MLDSA_Q) %
                       MLDSA_Q;
        if (zeta > MLDSA_Q / 2)
            zeta -= MLDSA_Q;
        ok = ok && mldsa_zetas[k] == zeta;
    }
    test_check(ok, "mldsa65 NTT constants equal 1753^BitRev8(k) * 2^32 mod q");
}

/* NTT, pointwise product and inverse NTT equal the schoolbook product in
 * Z_q[X]/(X^256 + 1). */
static void check_ntt_product(void)
{
    struct mldsa_poly a, b, product;
    int64_t expected[MLDSA_N] = {0};
    random_state = 77;
    for (unsigned j = 0; j < MLDSA_N; j++) {
        a.coefficients[j] = (int32_t)(random_next() % MLDSA_Q) - MLDSA_Q / 2;
        b.coefficients[j] = (int32_t)(random_next() % MLDSA_Q) - MLDSA_Q / 2;
    }
    for (unsigned i = 0; i < MLDSA_N; i++)
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int64_t term = (int64_t)a.coefficients[i] * b.coefficients[j] % MLDSA_Q;
            if (i + j < MLDSA_N)
                expected[i + j] = (expected[i + j] + term) % MLDSA_Q;
            else
                expected[i + j - MLDSA_N] = (expected[i + j - MLDSA_N] - term) % MLDSA_Q;
        }
    mldsa_ntt(&a);
    mldsa_ntt(&b);
    mldsa_pointwise(&product, &a, &b);
    mldsa_inverse_ntt(&product);
    bool ok = true;
    for (unsigned j = 0; j < MLDSA_N; j++)
        ok = ok && mldsa_freeze(product.coefficients[j]) ==
                       (int32_t)((expected[j] % MLDSA_Q + MLDSA_Q) % MLDSA_Q);
    test_check(ok, "mldsa65 NTT product equals the schoolbook product mod X^256 + 1");
}

/* The constant-time SampleInBall of signing equals the one of verification.
 * label says which build runs it. */
static void check_sample_in_ball(const char *label)
{
    struct mldsa_poly public_form, secret_form;
    uint8_t c_tilde[MLDSA65_LAMBDA_BYTES];
    unsigned differ = 0, weight_wrong = 0;
    random_state = 99;
    for (unsigned n = 0; n < 5000; n++) {
        random_bytes(c_tilde, sizeof c_tilde);
        mldsa_sample_in_ball(&public_form, c_tilde);
        mldsa_sample_in_ball_secret(&secret_form, c_tilde);
        differ += memcmp(&public_form, &secret_form, sizeof public_form) != 0;
        unsigned weight = 0;
        for (unsigned j = 0; j < MLDSA_N; j++)
            weight += public_form.coefficients[j] != 0;
        weight_wrong += weight != MLDSA65_TAU;
    }
    test_check(differ == 0 && weight_wrong == 0,
               "mldsa65 SampleInBall, %sconstant-time and public forms equal, tau = 49 nonzero "
               "(5,000 challenges, %u differ, %u wrong weight)", label, differ, weight_wrong);
}

static void check_api_edges(void)
{
    uint8_t seed[MLDSA65_SEED_SIZE] = {1}, public_key[MLDSA65_PUBLIC_KEY_SIZE];
    uint8_t signature[MLDSA65_SIGNATURE_SIZE], other[MLDSA65_SIGNATURE_SIZE];
    uint8_t context[256] = {0}, rnd[32] = {9};
    test_check(mldsa65_public_key(public_key, seed) == CRYPTO_OK, "mldsa65 public key");
    test_check(mldsa65_sign(signature, (const uint8_t *)"m", 1, context, 256, seed, NULL) ==
                   CRYPTO_ERR_PARAMETER, "mldsa65 sign refuses a 256-byte context");
    bool zeroed = true;
    for (size_t i = 0; i < sizeof signature; i++)
        zeroed = zeroed && signature[i] == 0;
    test_check(zeroed, "mldsa65 sign zeroes the signature on a parameter error");
    test_check(mldsa65_sign(signature, (const uint8_t *)"m", 1, context, 255, seed, NULL) ==
                   CRYPTO_OK, "mldsa65 sign accepts a 255-byte context");
    test_check(mldsa65_verify(signature, (const uint8_t *)"m", 1, context, 255, public_key) ==
                   CRYPTO_OK, "mldsa65 verify of a 255-byte-context signature");
    test_check(mldsa65_verify(signature, (const uint8_t *)"m", 1, context, 256, public_key) ==
                   CRYPTO_ERR_PARAMETER, "mldsa65 verify refuses a 256-byte context");
    test_check(mldsa65_verify(signature, (const uint8_t *)"m", 1, context, 254, public_key) ==
                   CRYPTO_ERR_VERIFY, "mldsa65 verify refuses a different context");
    test_check(mldsa65_sign(signature, NULL, 0, NULL, 0, seed, NULL) == CRYPTO_OK &&
                   mldsa65_verify(signature, NULL, 0, NULL, 0, public_key) == CRYPTO_OK,
               "mldsa65 empty message and context (NULL pointers)");
    test_check(mldsa65_sign(other, NULL, 0, NULL, 0, seed, rnd) == CRYPTO_OK &&
                   memcmp(other, signature, sizeof other) != 0 &&
                   mldsa65_verify(other, NULL, 0, NULL, 0, public_key) == CRYPTO_OK,
               "mldsa65 hedged signature differs from the deterministic one and verifies");
}

static int run_vectors(void)
{
    check_shake_vectors();
    check_shake_streaming();
    check_zetas();
    check_ntt_product();
    check_sample_in_ball("");
    check_api_edges();
    return test_finish();
}

/* ---- SHAKE differential ---- */

static int run_shake_cases(unsigned count, uint64_t seed)
{
    static uint8_t input[1200], output[700];
    random_state = seed | 1;
    for (unsigned i = 0; i < count; i++) {
        int bits = (random_next() & 1) ? 256 : 128;
        size_t in_len = random_next() % sizeof input, out_len = random_next() % sizeof output;
        random_bytes(input, in_len);
        (bits == 128 ? shake128 : shake256)(output, out_len, input, in_len);
        printf("%d ", bits);
        print_hex(input, in_len);
        printf(" %zu ", out_len);
        print_hex(output, out_len);
        putchar('\n');
    }
    return 0;
}

/* Lines "<bits> <in> <outlen> <out>" computed by the other implementation. */
static int run_shake_check(void)
{
    static uint8_t input[MAX_FIELD], expected[MAX_FIELD], output[MAX_FIELD];
    unsigned cases = 0, failed = 0;
    char *f[4];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (split_fields(line, f, 4) != 4)
            continue;
        size_t in_len = hex_input_bytes(f[1], input, sizeof input);
        size_t out_len = (size_t)strtoul(f[2], NULL, 10);
        size_t got = hex_input_bytes(f[3], expected, sizeof expected);
        (strcmp(f[0], "128") == 0 ? shake128 : shake256)(output, out_len, input, in_len);
        cases++;
        if (got != out_len || memcmp(output, expected, out_len) != 0)
            failed++;
    }
    test_check(cases > 0 && failed == 0,
               "shake128/256 differential against node crypto (OpenSSL) (%u cases, %u differ)", cases,
               failed);
    return test_finish();
}

/* ---- Wycheproof ---- */

/* Line: tcId seed pk msg mu ctx rnd sig result ("none" = absent, "-" = empty). */
static int run_sign_wycheproof(const char *label)
{
    static uint8_t seed[MAX_FIELD], pk[MAX_FIELD], msg[MAX_FIELD], mu[MAX_FIELD];
    static uint8_t ctx[MAX_FIELD], rnd[MAX_FIELD], sig[MAX_FIELD];
    uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE], signature[MLDSA65_SIGNATURE_SIZE];
    unsigned valid = 0, refused = 0, length_refused = 0, failed = 0, skipped = 0;
    char *f[9];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (split_fields(line, f, 9) != 9)
            continue;
        long seed_len = field_bytes(f[1], seed), pk_len = field_bytes(f[2], pk);
        long msg_len = field_bytes(f[3], msg), mu_len = field_bytes(f[4], mu);
        long ctx_len = field_bytes(f[5], ctx), rnd_len = field_bytes(f[6], rnd);
        long sig_len = field_bytes(f[7], sig);
        bool expect_valid = strcmp(f[8], "valid") == 0;
        bool ok;
        if (seed_len != MLDSA65_SEED_SIZE) {
            /* A seed-only API takes exactly 32 bytes: the caller's length
             * check is what refuses these. */
            ok = !expect_valid;
            length_refused += ok;
        } else {
            ctx_len = ctx_len < 0 ? 0 : ctx_len;
            const uint8_t *r = rnd_len == 32 ? rnd : NULL;
            enum crypto_result result = CRYPTO_OK;
            ok = mldsa65_public_key(public_key, seed) == CRYPTO_OK &&
                 pk_len == MLDSA65_PUBLIC_KEY_SIZE && memcmp(public_key, pk, sizeof public_key) == 0;
            if (msg_len >= 0)
                result = mldsa65_sign(signature, msg, (size_t)msg_len, ctx, (size_t)ctx_len, seed, r);
            else if (mu_len == 64)
                mldsa65_sign_mu(signature, mu, seed, r);
            else
                skipped++;
            if (expect_valid) {
                ok = ok && result == CRYPTO_OK && sig_len == MLDSA65_SIGNATURE_SIZE &&
                     memcmp(signature, sig, sizeof signature) == 0;
                if (msg_len >= 0)
                    ok = ok && mldsa65_verify(signature, msg, (size_t)msg_len, ctx,
                                              (size_t)ctx_len, public_key) == CRYPTO_OK;
                valid += ok;
            } else {
                ok = ok && result != CRYPTO_OK;
                refused += ok;
            }
        }
        if (!ok) {
            failed++;
            fprintf(stderr, "%s: tcId %s failed\n", label, f[0]);
        }
    }
    test_check(failed == 0 && valid > 0,
               "%s: %u valid signatures reproduced, %u invalid refused by sign, %u refused by "
               "length (seed not 32 bytes), %u failed", label, valid, refused, length_refused,
               failed);
    return test_finish();
}

/* Line: tcId pk msg ctx sig result. Also used for the noseed sign file's
 * signatures (verified under its public key). */
static int run_verify_wycheproof(const char *label)
{
    static uint8_t pk[MAX_FIELD], msg[MAX_FIELD], ctx[MAX_FIELD], sig[MAX_FIELD];
    unsigned accepted = 0, refused = 0, length_refused = 0, failed = 0;
    unsigned by_result[8] = {0};
    char *f[6];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (split_fields(line, f, 6) != 6)
            continue;
        long pk_len = field_bytes(f[1], pk), msg_len = field_bytes(f[2], msg);
        long ctx_len = field_bytes(f[3], ctx), sig_len = field_bytes(f[4], sig);
        bool expect_valid = strcmp(f[5], "valid") == 0;
        bool ok;
        ctx_len = ctx_len < 0 ? 0 : ctx_len;
        if (pk_len != MLDSA65_PUBLIC_KEY_SIZE || sig_len != MLDSA65_SIGNATURE_SIZE) {
            ok = !expect_valid; /* refused by the caller's length check */
            length_refused += ok;
        } else {
            enum crypto_result result =
                verify_both(sig, msg, (size_t)msg_len, ctx, (size_t)ctx_len, pk);
            by_result[result & 7]++;
            ok = expect_valid ? result == CRYPTO_OK : result != CRYPTO_OK;
            if (ok)
                expect_valid ? accepted++ : refused++;
        }
        if (!ok) {
            failed++;
            fprintf(stderr, "%s: tcId %s failed\n", label, f[0]);
        }
    }
    test_check(failed == 0 && accepted > 0,
               "%s: %u valid accepted, %u invalid refused (%u encoding, %u verify, %u "
               "parameter), %u refused by length, %u failed (verify and verify_prepared)", label, accepted, refused,
               by_result[CRYPTO_ERR_ENCODING], by_result[CRYPTO_ERR_VERIFY],
               by_result[CRYPTO_ERR_PARAMETER], length_refused, failed);
    return test_finish();
}

/* ---- CCTV accumulated ---- */

static int run_accumulated(unsigned iterations, const char *expected_hex)
{
    struct shake_state seeds, accumulator;
    uint8_t seed[32], public_key[MLDSA65_PUBLIC_KEY_SIZE], signature[MLDSA65_SIGNATURE_SIZE];
    uint8_t digest[32], expected[32];
    unsigned verified = 0;
    hex_input_bytes(expected_hex, expected, sizeof expected);
    shake128_init(&seeds);
    shake_finalize(&seeds);
    shake128_init(&accumulator);
    for (unsigned i = 0; i < iterations; i++) {
        shake_squeeze(&seeds, seed, sizeof seed);
        if (mldsa65_public_key(public_key, seed) != CRYPTO_OK ||
            mldsa65_sign(signature, NULL, 0, NULL, 0, seed, NULL) != CRYPTO_OK)
            break;
        shake_absorb(&accumulator, public_key, sizeof public_key);
        shake_absorb(&accumulator, signature, sizeof signature);
        verified += mldsa65_verify(signature, NULL, 0, NULL, 0, public_key) == CRYPTO_OK;
    }
    shake_finalize(&accumulator);
    shake_squeeze(&accumulator, digest, sizeof digest);
    test_check(verified == iterations && memcmp(digest, expected, sizeof digest) == 0,
               "mldsa65 CCTV accumulated, %u iterations: digest %s, %u of %u verify",
               iterations, memcmp(digest, expected, sizeof digest) == 0 ? "equal" : "DIFFERS",
               verified, iterations);
    return test_finish();
}

/* ---- noble differential ---- */

/* Flips one random bit of the signature. */
static void mutate(uint8_t *signature)
{
    uint64_t r = random_next();
    signature[(r >> 8) % MLDSA65_SIGNATURE_SIZE] ^= (uint8_t)(1u << (r & 7));
}

/* Lines: seed msg ctx rnd pk sig mutated (rnd "-" = deterministic). Checks
 * here that the mutated signature is refused. */
static int run_noble_cases(unsigned count, uint64_t seed_value)
{
    uint8_t seed[32], msg[300], ctx[255], rnd[32], pk[MLDSA65_PUBLIC_KEY_SIZE];
    uint8_t sig[MLDSA65_SIGNATURE_SIZE], mutated[MLDSA65_SIGNATURE_SIZE];
    unsigned bad = 0;
    random_state = seed_value | 1;
    for (unsigned i = 0; i < count; i++) {
        size_t msg_len = random_next() % sizeof msg, ctx_len = random_next() % 4 == 0 ? 0 : random_next() % 256;
        bool hedged = random_next() & 1;
        random_bytes(seed, sizeof seed);
        random_bytes(msg, msg_len);
        random_bytes(ctx, ctx_len);
        random_bytes(rnd, sizeof rnd);
        if (mldsa65_public_key(pk, seed) != CRYPTO_OK ||
            mldsa65_sign(sig, msg, msg_len, ctx, ctx_len, seed, hedged ? rnd : NULL) != CRYPTO_OK)
            bad++;
        memcpy(mutated, sig, sizeof sig);
        mutate(mutated);
        if (mldsa65_verify(mutated, msg, msg_len, ctx, ctx_len, pk) == CRYPTO_OK)
            bad++;
        print_hex(seed, sizeof seed); putchar(' ');
        print_hex(msg, msg_len); putchar(' ');
        print_hex(ctx, ctx_len); putchar(' ');
        print_hex(rnd, hedged ? sizeof rnd : 0); putchar(' ');
        print_hex(pk, sizeof pk); putchar(' ');
        print_hex(sig, sizeof sig); putchar(' ');
        print_hex(mutated, sizeof mutated); putchar('\n');
    }
    fprintf(stderr, "noble-cases: %u of our mutated signatures accepted by us or sign errors\n", bad);
    return bad == 0 ? 0 : 1;
}

/* Lines from the noble script: pk msg ctx sig mutated (noble's own hedged
 * signature and a one-bit mutation of it). */
static int run_noble_check(void)
{
    static uint8_t pk[MAX_FIELD], msg[MAX_FIELD], ctx[MAX_FIELD], sig[MAX_FIELD], mutated[MAX_FIELD];
    unsigned cases = 0, accepted = 0, refused = 0;
    char *f[5];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (split_fields(line, f, 5) != 5)
            continue;
        size_t pk_len = hex_input_bytes(f[0], pk, MAX_FIELD);
        size_t msg_len = hex_input_bytes(f[1], msg, MAX_FIELD);
        size_t ctx_len = hex_input_bytes(f[2], ctx, MAX_FIELD);
        size_t sig_len = hex_input_bytes(f[3], sig, MAX_FIELD);
        hex_input_bytes(f[4], mutated, MAX_FIELD);
        cases++;
        if (pk_len != MLDSA65_PUBLIC_KEY_SIZE || sig_len != MLDSA65_SIGNATURE_SIZE)
            continue;
        accepted += verify_both(sig, msg, msg_len, ctx, ctx_len, pk) == CRYPTO_OK;
        enum crypto_result result = verify_both(mutated, msg, msg_len, ctx, ctx_len, pk);
        refused += result == CRYPTO_ERR_VERIFY || result == CRYPTO_ERR_ENCODING;
    }
    test_check(cases > 0 && accepted == cases && refused == cases,
               "mldsa65 verifies noble's signatures: %u cases, %u accepted, %u mutated refused "
               "(verify and verify_prepared, A expanded by the %s path)",
               cases, accepted, refused, crypto_simd_avx2() ? "avx2" : "portable");
    return test_finish();
}

/* ---- corpus of bad signatures ---- */

/* Each file DIR/<name>.<expected> holds public key || signature of the empty
 * message (empty context). expected is ok, encoding or verify, or length for
 * an input of the wrong size, which a caller refuses before verify
 * (tests/host/corpus.h). */
static enum crypto_result corpus_verify(const char *name, const uint8_t *input, size_t len)
{
    (void)name;
    if (len != MLDSA65_PUBLIC_KEY_SIZE + MLDSA65_SIGNATURE_SIZE)
        return CRYPTO_ERR_PARAMETER;
    return verify_both(input + MLDSA65_PUBLIC_KEY_SIZE, NULL, 0, NULL, 0, input);
}

static int run_corpus(const char *directory)
{
    (void)corpus_check("mldsa65 bad-signature corpus (verify and verify_prepared)", directory,
                       corpus_verify);
    return test_finish();
}

/* Sets coefficient 0 of z polynomial 0 to value (20-bit field gamma1 - z). */
static void corpus_set_z(uint8_t *signature, int32_t z)
{
    uint32_t field = (uint32_t)(MLDSA65_GAMMA1 - z) & 0xfffff;
    uint8_t *p = signature + MLDSA65_Z_OFFSET;
    p[0] = (uint8_t)field;
    p[1] = (uint8_t)(field >> 8);
    p[2] = (uint8_t)((p[2] & 0xf0) | (field >> 16));
}

/* Writes the bad-signature corpus (tests/corpus/mldsa65): one valid
 * (public key || signature of the empty message) and mutations of it, each
 * named after the result verify must give. Deterministic: the corpus in the
 * repository is this output. */
static int run_corpus_make(const char *directory)
{
    static uint8_t valid[MLDSA65_PUBLIC_KEY_SIZE + MLDSA65_SIGNATURE_SIZE + 1];
    static uint8_t input[sizeof valid];
    const size_t size = MLDSA65_PUBLIC_KEY_SIZE + MLDSA65_SIGNATURE_SIZE;
    uint8_t seed[MLDSA65_SEED_SIZE] = {0};
    uint8_t *sig = input + MLDSA65_PUBLIC_KEY_SIZE;
    uint8_t *y = sig + MLDSA65_HINT_OFFSET;
    unsigned attempt = 0, row = 0, start = 0;
    /* A key whose signature has a polynomial with at least two hints. */
    for (;; attempt++) {
        seed[0] = (uint8_t)attempt;
        if (mldsa65_public_key(valid, seed) != CRYPTO_OK ||
            mldsa65_sign(valid + MLDSA65_PUBLIC_KEY_SIZE, NULL, 0, NULL, 0, seed, NULL) != CRYPTO_OK)
            return 2;
        const uint8_t *h = valid + MLDSA65_PUBLIC_KEY_SIZE + MLDSA65_HINT_OFFSET;
        for (row = 0, start = 0; row < MLDSA65_K; start = h[MLDSA65_OMEGA + row], row++)
            if (h[MLDSA65_OMEGA + row] >= start + 2)
                break;
        if (row < MLDSA65_K && h[MLDSA65_OMEGA + MLDSA65_K - 1] < MLDSA65_OMEGA)
            break;
    }
    corpus_write(directory, "valid.ok", valid, size);
#define MUTATE(name, change)                      \
    do {                                          \
        memcpy(input, valid, sizeof input);       \
        change;                                   \
        corpus_write(directory, name, input, size); \
    } while (0)
    unsigned used = valid[MLDSA65_PUBLIC_KEY_SIZE + MLDSA65_HINT_OFFSET + MLDSA65_OMEGA + MLDSA65_K - 1];
    MUTATE("hint-out-of-order.encoding",
           { uint8_t t = y[start]; y[start] = y[start + 1]; y[start + 1] = t; });
    MUTATE("hint-repeated.encoding", y[start + 1] = y[start]);
    MUTATE("hint-count-decreasing.encoding",
           y[MLDSA65_OMEGA + MLDSA65_K - 1] = (uint8_t)(y[MLDSA65_OMEGA + MLDSA65_K - 2] - 1));
    MUTATE("hint-count-above-omega.encoding", y[MLDSA65_OMEGA + MLDSA65_K - 1] = MLDSA65_OMEGA + 1);
    MUTATE("hint-padding-nonzero.encoding", y[MLDSA65_OMEGA - 1] = 1);
    MUTATE("hint-too-many.encoding", {
        /* omega + 1 hints: impossible to encode, so the counts say omega + 1. */
        for (unsigned i = used; i < MLDSA65_OMEGA; i++)
            y[i] = (uint8_t)(200 + i - used);
        y[MLDSA65_OMEGA + MLDSA65_K - 1] = MLDSA65_OMEGA + 1;
    });
    MUTATE("hint-extra-in-range.verify", {
        /* Well formed: one more hint in the last polynomial, at position 255
         * when free; the equation then fails. */
        y[used] = 255;
        y[MLDSA65_OMEGA + MLDSA65_K - 1] = (uint8_t)(used + 1);
    });
    MUTATE("z-gamma1.encoding", corpus_set_z(sig, MLDSA65_GAMMA1));
    MUTATE("z-gamma1-minus-beta.encoding", corpus_set_z(sig, MLDSA65_GAMMA1 - MLDSA65_BETA));
    MUTATE("z-minus-gamma1-plus-beta.encoding",
           corpus_set_z(sig, -(MLDSA65_GAMMA1 - MLDSA65_BETA)));
    MUTATE("z-largest-in-range.verify", corpus_set_z(sig, MLDSA65_GAMMA1 - MLDSA65_BETA - 1));
    MUTATE("c-tilde-flipped.verify", sig[0] ^= 1);
    MUTATE("public-key-zero.verify", memset(input, 0, MLDSA65_PUBLIC_KEY_SIZE));
    MUTATE("public-key-t1-flipped.verify", input[100] ^= 0x10);
    memcpy(input, valid, sizeof input);
    corpus_write(directory, "one-byte-short.length", input, size - 1);
    corpus_write(directory, "one-byte-long.length", input, size + 1);
#undef MUTATE
    return 0;
}

/* N random inputs of random lengths (up to 3 blocks) through shake128_x4,
 * each stream compared with shake128; then N random states through both
 * four-way permutations (the AVX2 one only when this CPU has it) against
 * four scalar ones. */
static int run_shake_x4(unsigned count, uint64_t seed)
{
    static uint8_t in[4][3 * SHAKE128_RATE + 1], out[4][3 * SHAKE128_RATE + 1],
        expected[3 * SHAKE128_RATE + 1];
    random_state = seed | 1;
    unsigned mismatches = 0;
    for (unsigned n = 0; n < count; n++) {
        size_t in_len = random_next() % sizeof in[0], out_len = random_next() % sizeof out[0];
        for (unsigned j = 0; j < 4; j++)
            for (size_t k = 0; k < in_len; k++)
                in[j][k] = (uint8_t)random_next();
        const uint8_t *const inputs[4] = { in[0], in[1], in[2], in[3] };
        uint8_t *const outputs[4] = { out[0], out[1], out[2], out[3] };
        shake128_x4(outputs, out_len, inputs, in_len);
        for (unsigned j = 0; j < 4; j++) {
            shake128(expected, out_len, in[j], in_len);
            mismatches += memcmp(expected, out[j], out_len) != 0;
        }
    }
    test_result(mismatches == 0, "shake128_x4 (%s path) against shake128: %u inputs x 4 streams, %u differ",
                crypto_simd_avx2() ? "avx2" : "portable", count, mismatches);
    bool avx2 = __builtin_cpu_supports("avx2");
    unsigned differ_portable = 0, differ_avx2 = 0;
    for (unsigned n = 0; n < count; n++) {
        struct keccak_x4 state, portable, vector;
        uint64_t lanes[25];
        for (unsigned i = 0; i < 25; i++)
            for (unsigned j = 0; j < 4; j++)
                state.lanes[i][j] = random_next();
        portable = vector = state;
        keccak_f1600_x4_portable(&portable);
        if (avx2)
            keccak_f1600_x4_avx2(&vector);
        for (unsigned j = 0; j < 4; j++) {
            bool same_portable = true, same_avx2 = true;
            for (unsigned i = 0; i < 25; i++)
                lanes[i] = state.lanes[i][j];
            keccak_f1600(lanes);
            for (unsigned i = 0; i < 25; i++) {
                same_portable &= portable.lanes[i][j] == lanes[i];
                same_avx2 &= vector.lanes[i][j] == lanes[i];
            }
            differ_portable += !same_portable;
            differ_avx2 += avx2 && !same_avx2;
        }
    }
    test_result(differ_portable == 0, "keccak_f1600_x4_portable against keccak_f1600: %u states, %u differ",
                4 * count, differ_portable);
    if (avx2)
        test_result(differ_avx2 == 0, "keccak_f1600_x4_avx2 against keccak_f1600: %u states, %u differ",
                    4 * count, differ_avx2);
    else
        test_result(false, "keccak_f1600_x4_avx2: this CPU has no AVX2, the path was not tested");
    return test_finish();
}

/* A polynomial for the arithmetic comparison, coefficients in
 * [low, high]: kind 0 uniform, 1 all low, 2 all high, 3 all zero (when 0
 * is in range), 4 each one of the edges low, high, 0, 1, -1 (clamped). */
static void arith_poly(struct mldsa_poly *poly, unsigned kind, int32_t low, int32_t high)
{
    for (unsigned j = 0; j < MLDSA_N; j++) {
        int64_t span = (int64_t)high - low + 1;
        int32_t value = (int32_t)(low + (int64_t)(random_next() % (uint64_t)span));
        const int32_t edges[5] = { low, high, 0, 1, -1 };
        if (kind == 1)
            value = low;
        else if (kind == 2)
            value = high;
        else if (kind == 3)
            value = 0;
        else if (kind == 4)
            value = edges[random_next() % 5];
        poly->coefficients[j] = value < low ? low : value > high ? high : value;
    }
}

static unsigned arith_differs(const struct mldsa_poly *a, const struct mldsa_poly *b)
{
    return memcmp(a, b, sizeof *a) != 0;
}

/* The AVX2 polynomial arithmetic (mldsa65_poly_avx2.c) against the portable
 * one, bit for bit: N inputs of each kind per function (NTT and inverse on
 * (-q, q), the pointwise product on NTT outputs (-9q, 9q), the row product
 * on A in [0, q) and vectors in (-9q, 9q), z decoding on random bytes and
 * the edges, the norm check around its bound), UseHint on every w in
 * (-q, q) with and without a hint, and ExpandA's parsing (its table, and the
 * sampled entries). Needs an AVX2 CPU (else a failure). */
static int run_arith(unsigned count, uint64_t seed)
{
    if (!__builtin_cpu_supports("avx2")) {
        test_result(false, "mldsa AVX2 arithmetic: this CPU has no AVX2, the path was not tested");
        return test_finish();
    }
    const int32_t q1 = MLDSA_Q - 1, q9 = 9 * MLDSA_Q - 1;
    static struct mldsa_poly a[MLDSA65_L], v[MLDSA65_L], c, t, x, y;
    unsigned differ[5] = {0};
    random_state = seed | 1;
    for (unsigned n = 0; n < count; n++) {
        unsigned kind = n % 5;
        arith_poly(&x, kind, -q1, q1);
        y = x;
        mldsa_ntt_portable(&x);
        mldsa_ntt_avx2(&y);
        differ[0] += arith_differs(&x, &y);
        arith_poly(&x, kind, -q1, q1);
        y = x;
        mldsa_inverse_ntt_portable(&x);
        mldsa_inverse_ntt_avx2(&y);
        differ[1] += arith_differs(&x, &y);
        arith_poly(&c, kind, -q9, q9);
        arith_poly(&t, (kind + 1) % 5, -q9, q9);
        mldsa_pointwise_portable(&x, &c, &t);
        mldsa_pointwise_avx2(&y, &c, &t);
        differ[2] += arith_differs(&x, &y);
        for (unsigned i = 0; i < MLDSA65_L; i++) {
            arith_poly(&a[i], kind == 1 ? 3 : kind, 0, q1);
            arith_poly(&v[i], (kind + i) % 5, -q9, q9);
        }
        mldsa_row_product_portable(&x, a, v, n % 2 ? &c : NULL, n % 2 ? &t : NULL);
        mldsa_row_product_avx2(&y, a, v, n % 2 ? &c : NULL, n % 2 ? &t : NULL);
        differ[3] += arith_differs(&x, &y);
    }
    unsigned decode_differ = 0, norm_differ = 0, norm_exceeded = 0;
    for (unsigned n = 0; n < count; n++) {
        uint8_t bytes[MLDSA65_Z_POLY_BYTES];
        random_bytes(bytes, sizeof bytes);
        if (n % 5 == 1 || n % 5 == 2)
            memset(bytes, n % 5 == 1 ? 0 : 0xff, sizeof bytes);
        mldsa_unpack_z_portable(&x, bytes);
        mldsa_unpack_z_avx2(&y, bytes);
        decode_differ += arith_differs(&x, &y);
        mldsa_unpack_t1(&x, bytes);
        for (unsigned j = 0; j < MLDSA_N; j++)
            x.coefficients[j] <<= MLDSA_D;
        mldsa_unpack_t1_shifted_avx2(&y, bytes);
        decode_differ += arith_differs(&x, &y);
        /* Norm checks at and around the bound of every coefficient. */
        int32_t bound = MLDSA65_GAMMA1 - MLDSA65_BETA;
        arith_poly(&x, n % 5 == 4 ? 0 : 4, -(bound - 1), bound - 1);
        x.coefficients[random_next() % MLDSA_N] = (int32_t)(random_next() % 5) - 2 +
                                                    (random_next() & 1 ? bound : -bound);
        uint32_t portable = mldsa_poly_exceeds_portable(&x, bound);
        norm_differ += portable != mldsa_poly_exceeds_avx2(&x, bound);
        norm_exceeded += portable;
    }
    unsigned hinted = 0;
    for (int64_t first = -q1; first <= q1; first += MLDSA_N) {
        uint8_t hints[MLDSA_N];
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int64_t w = first + j;
            x.coefficients[j] = (int32_t)(w > q1 ? 0 : w);
            hints[j] = (uint8_t)(random_next() & 1);
            hinted += hints[j];
        }
        y = x;
        mldsa_use_hint_portable(&x, hints);
        mldsa_use_hint_avx2(&y, hints);
        differ[4] += arith_differs(&x, &y);
    }
    /* ExpandA's parsing: the packing table recomputed, then the four-way
     * sampler with the AVX2 parsing against one-at-a-time sampling. */
    unsigned table_wrong = 0, entries_differ = 0;
    for (unsigned mask = 0; mask < 256; mask++) {
        uint64_t expected = 0;
        unsigned accepted = 0;
        for (unsigned lane = 0; lane < 8; lane++)
            if (mask >> lane & 1)
                expected |= (uint64_t)lane << (8 * accepted++);
        expected |= (uint64_t)accepted << 3;
        table_wrong += mldsa_sample_compress[mask] != expected;
    }
    for (unsigned n = 0; n < count / 10 + 1; n++) {
        static struct mldsa_poly sampled[4];
        struct mldsa_poly *const polys[4] = { &sampled[0], &sampled[1], &sampled[2], &sampled[3] };
        uint8_t rho[32], columns[4], rows[4];
        random_bytes(rho, sizeof rho);
        random_bytes(columns, sizeof columns);
        random_bytes(rows, sizeof rows);
        mldsa_sample_ntt_x4(polys, rho, columns, rows);
        for (unsigned j = 0; j < 4; j++) {
            mldsa_sample_ntt(&x, rho, columns[j], rows[j]);
            entries_differ += arith_differs(&x, &sampled[j]);
        }
    }
    test_result(table_wrong == 0, "mldsa_sample_compress: all 256 entries recomputed, %u wrong",
                table_wrong);
    test_result(entries_differ == 0,
                "mldsa_sample_ntt_x4 (%s parsing) = mldsa_sample_ntt: %u entries, %u differ",
                crypto_simd_avx2() ? "AVX2" : "portable", 4 * (count / 10 + 1), entries_differ);
    test_result(decode_differ == 0, "mldsa_unpack_z and t1 2^d AVX2 = portable: %u polynomials each (random, all 0, all 0xff bytes), %u differ",
                count, decode_differ);
    test_result(norm_differ == 0 && norm_exceeded > 0 && norm_exceeded < count,
                "mldsa_poly_exceeds AVX2 = portable: %u polynomials with one coefficient within 2 of +-(gamma1 - beta), %u over, %u differ",
                count, norm_exceeded, norm_differ);
    test_result(differ[0] == 0, "mldsa_ntt AVX2 = portable: %u polynomials (random, -(q-1), q-1, 0, edges), %u differ",
                count, differ[0]);
    test_result(differ[1] == 0, "mldsa_inverse_ntt AVX2 = portable: %u polynomials, %u differ", count,
                differ[1]);
    test_result(differ[2] == 0, "mldsa_pointwise AVX2 = portable: %u products (|x| <= 9q - 1), %u differ",
                count, differ[2]);
    test_result(differ[3] == 0, "mldsa_row_product AVX2 = portable: %u rows (half with c t subtracted), %u differ",
                count, differ[3]);
    test_result(differ[4] == 0 && hinted > 0,
                "mldsa_use_hint AVX2 = portable: every w in (-q, q), %u with a hint, %u blocks differ",
                hinted, differ[4]);
    return test_finish();
}

/* MLDSA_SIMD (see the top of the file). */
static int configure_simd(void)
{
    const char *choice = getenv("MLDSA_SIMD");
    bool avx2 = __builtin_cpu_supports("avx2");
    if (choice != NULL && strcmp(choice, "avx2") == 0 && !avx2) {
        printf("FAIL MLDSA_SIMD=avx2: this CPU has no AVX2\n");
        return 1;
    }
    if (choice != NULL && strcmp(choice, "portable") == 0)
        avx2 = false;
    else if (choice != NULL && strcmp(choice, "avx2") != 0) {
        printf("FAIL MLDSA_SIMD=%s: expected avx2 or portable\n", choice);
        return 1;
    }
    const struct crypto_simd simd = { .avx2 = avx2 };
    crypto_simd_configure(&simd);
    return 0;
}

int main(int argc, char **argv)
{
    const char *command = argc > 1 ? argv[1] : "";
    if (configure_simd() != 0)
        return 1;
    if (strcmp(command, "shake-x4") == 0 && argc == 4)
        return run_shake_x4((unsigned)strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
    if (strcmp(command, "arith") == 0 && argc == 4)
        return run_arith((unsigned)strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
    if (strcmp(command, "vectors") == 0)
        return run_vectors();
    if (strcmp(command, "sample-in-ball") == 0 && argc == 3) {
        check_sample_in_ball(argv[2]);
        return test_finish();
    }
    if (strcmp(command, "shake-cases") == 0 && argc == 4)
        return run_shake_cases((unsigned)strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
    if (strcmp(command, "shake-check") == 0)
        return run_shake_check();
    if (strcmp(command, "sign-wycheproof") == 0 && argc == 3)
        return run_sign_wycheproof(argv[2]);
    if (strcmp(command, "verify-wycheproof") == 0 && argc == 3)
        return run_verify_wycheproof(argv[2]);
    if (strcmp(command, "accumulated") == 0 && argc == 4)
        return run_accumulated((unsigned)strtoul(argv[2], NULL, 10), argv[3]);
    if (strcmp(command, "noble-cases") == 0 && argc == 4)
        return run_noble_cases((unsigned)strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
    if (strcmp(command, "noble-check") == 0)
        return run_noble_check();
    if (strcmp(command, "corpus-make") == 0 && argc == 3)
        return run_corpus_make(argv[2]);
    if (strcmp(command, "corpus") == 0 && argc == 3)
        return run_corpus(argv[2]);
    fprintf(stderr, "usage: see the comment at the top of tests/crypto/mldsa_test.c\n");
    return 2;
}
