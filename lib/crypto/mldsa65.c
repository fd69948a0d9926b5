/* ML-DSA-65 key generation, signing and verification (FIPS 204 Algorithms
 * 1-3, 6-8), with the private key kept as the 32-byte seed xi.
 *
 * Memory: verification and public-key expansion generate the matrix A one
 * entry at a time and work row by row, so they need about 12 KiB of stack
 * (docs/crypto.md gives the measured figures); a prepared key (A and t1 in
 * the NTT domain, caller memory) spares verification the expansion. Signing keeps A, s1, s2 and t0
 * in the NTT domain for its rejection loop and needs about 70 KiB of stack: it
 * is meant for host tools, not for kernel threads.
 *
 * Vector registers: with AVX2 configured (keccak_x4.h), the polynomial
 * arithmetic (mldsa65_poly_avx2.c) and ExpandA's four-way Keccak use them;
 * each public function below brackets its whole work with one
 * crypto_simd_begin/end pair (in the kernel: interrupts off, the registers
 * saved), so the internal functions never bracket themselves.
 *
 * Constant time: signing never branches on or indexes memory by a secret
 * value except through the values FIPS 204's implementation notes let leak:
 * the outcome of each rejection test (in sampling and in the signing loop)
 * and, once accepted, the signature (c tilde, z, hints).
 * Those are declared public with MLDSA_DECLASSIFY for the valgrind test. */
#include "crypto/mldsa65.h"

#include "base/endian.h"
#include "crypto/keccak_x4.h"
#include "crypto/mldsa65_internal.h"

struct mldsa_key_seeds {
    uint8_t rho[32];        /* public: seed of A */
    uint8_t rho_prime[64];  /* secret: seed of s1, s2 */
    uint8_t key[32];        /* secret: K of the signing nonce */
};

/* Algorithm 6, line 1: (rho, rho', K) = H(xi || k || l, 128). */
static void mldsa_expand_seed(struct mldsa_key_seeds *seeds, const uint8_t seed[MLDSA65_SEED_SIZE])
{
    uint8_t input[MLDSA65_SEED_SIZE + 2], output[128];
    for (unsigned i = 0; i < MLDSA65_SEED_SIZE; i++)
        input[i] = seed[i];
    input[MLDSA65_SEED_SIZE] = MLDSA65_K;
    input[MLDSA65_SEED_SIZE + 1] = MLDSA65_L;
    shake256(output, sizeof output, input, sizeof input);
    for (unsigned i = 0; i < 32; i++)
        seeds->rho[i] = output[i];
    for (unsigned i = 0; i < 64; i++)
        seeds->rho_prime[i] = output[32 + i];
    for (unsigned i = 0; i < 32; i++)
        seeds->key[i] = output[96 + i];
    MLDSA_DECLASSIFY(seeds->rho, sizeof seeds->rho); /* it is in the public key */
    crypto_wipe(input, sizeof input);
    crypto_wipe(output, sizeof output);
}

/* Maps a representative in (-2^31 + 2^22, 2^31 - 2^22) to the centred one in
 * [-(q-1)/2, (q-1)/2], without branches. */
static int32_t mldsa_centre(int32_t value)
{
    int32_t r = mldsa_freeze(value);
    return r - (mldsa_sign_mask((MLDSA_Q - 1) / 2 - r) & MLDSA_Q);
}

/* sum = row of A times the NTT-domain vector, in the NTT domain, not yet
 * reduced: each term is below 9 q^2 (entries of A in [0, q), the vector
 * below 9q), the sum below 45 q^2. A[row][column] is sampled here, one
 * entry at a time (mldsa_row_product does the same from a cached row). */
static void mldsa_matrix_row_sum(int64_t sum[MLDSA_N], const uint8_t rho[32], unsigned row,
                                 const struct mldsa_poly vector[MLDSA65_L])
{
    struct mldsa_poly entry;
    for (unsigned column = 0; column < MLDSA65_L; column++) {
        const struct mldsa_poly *a = &entry;
        const int32_t *v = vector[column].coefficients;
        mldsa_sample_ntt(&entry, rho, (uint8_t)column, (uint8_t)row);
        /* The first column sets the sum, so that it needs no zeroing pass
         * (a memset call in freestanding builds). */
        if (column == 0)
            for (unsigned j = 0; j < MLDSA_N; j++)
                sum[j] = (int64_t)a->coefficients[j] * v[j];
        else
            for (unsigned j = 0; j < MLDSA_N; j++)
                sum[j] += (int64_t)a->coefficients[j] * v[j];
    }
}

/* out = row of A times the NTT-domain vector, in the NTT domain, times 2^-32
 * (so that mldsa_inverse_ntt brings it to the normal domain). */
static void mldsa_matrix_row(struct mldsa_poly *out, const struct mldsa_poly *row_cache,
                             const uint8_t rho[32], unsigned row,
                             const struct mldsa_poly vector[MLDSA65_L])
{
    int64_t sum[MLDSA_N];
    if (row_cache != NULL) {
        mldsa_row_product(out, row_cache, vector, NULL, NULL);
        return;
    }
    mldsa_matrix_row_sum(sum, rho, row, vector);
    for (unsigned j = 0; j < MLDSA_N; j++)
        out->coefficients[j] = mldsa_montgomery_reduce(sum[j]);
}

/* Algorithm 6 from line 3 on: t = A s1 + s2 row by row, split by Power2Round;
 * t1 goes into the public key, t0 (NTT domain) and s2 (NTT domain) to the
 * signer when it asks. s1_hat holds NTT(s1). */
static void mldsa_public_key_rows(uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE],
                                  struct mldsa_poly *t0_hat, struct mldsa_poly *s2_hat,
                                  const struct mldsa_poly *matrix,
                                  const struct mldsa_key_seeds *seeds,
                                  const struct mldsa_poly s1_hat[MLDSA65_L])
{
    struct mldsa_poly t, s2, t1, t0;
    for (unsigned i = 0; i < 32; i++)
        public_key[i] = seeds->rho[i];
    for (unsigned row = 0; row < MLDSA65_K; row++) {
        mldsa_matrix_row(&t, matrix ? &matrix[row * MLDSA65_L] : NULL, seeds->rho, row,
                         s1_hat);
        mldsa_inverse_ntt(&t);
        mldsa_sample_eta(&s2, seeds->rho_prime, (uint16_t)(MLDSA65_L + row));
        for (unsigned j = 0; j < MLDSA_N; j++)
            mldsa_power2round(&t1.coefficients[j], &t0.coefficients[j],
                              t.coefficients[j] + s2.coefficients[j]);
        mldsa_pack_t1(public_key + 32 + row * MLDSA65_T1_POLY_BYTES, &t1);
        if (t0_hat != NULL) {
            mldsa_ntt(&t0);
            t0_hat[row] = t0;
            mldsa_ntt(&s2);
            s2_hat[row] = s2;
        }
    }
    crypto_wipe(&t, sizeof t);
    crypto_wipe(&s2, sizeof s2);
    crypto_wipe(&t0, sizeof t0);
}

static void mldsa_sample_s1_hat(struct mldsa_poly s1_hat[MLDSA65_L],
                                const struct mldsa_key_seeds *seeds)
{
    for (unsigned column = 0; column < MLDSA65_L; column++) {
        mldsa_sample_eta(&s1_hat[column], seeds->rho_prime, (uint16_t)column);
        mldsa_ntt(&s1_hat[column]);
    }
}

enum crypto_result mldsa65_public_key(uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE],
                                      const uint8_t seed[MLDSA65_SEED_SIZE])
{
    struct mldsa_key_seeds seeds;
    struct mldsa_poly s1_hat[MLDSA65_L];
    crypto_simd_begin();
    mldsa_expand_seed(&seeds, seed);
    mldsa_sample_s1_hat(s1_hat, &seeds);
    mldsa_public_key_rows(public_key, NULL, NULL, NULL, &seeds, s1_hat);
    crypto_simd_end();
    crypto_wipe(s1_hat, sizeof s1_hat);
    crypto_wipe(&seeds, sizeof seeds);
    return CRYPTO_OK;
}

/* mu = H(tr || M', 64) with M' = 0 || |ctx| || ctx || M (Algorithm 2 line
 * 10, Algorithm 7 line 6), tr = H(pk, 64). */
static void mldsa_message_representative(uint8_t mu[64], const uint8_t tr[64],
                                         const uint8_t *message, size_t message_len,
                                         const uint8_t *context, size_t context_len)
{
    uint8_t prefix[2] = {0, (uint8_t)context_len};
    struct shake_state state;
    shake256_init(&state);
    shake_absorb(&state, tr, 64);
    shake_absorb(&state, prefix, sizeof prefix);
    shake_absorb(&state, context, context_len);
    shake_absorb(&state, message, message_len);
    shake_finalize(&state);
    shake_squeeze(&state, mu, 64);
}

/* c tilde = H(mu || w1Encode(w1), lambda / 4). */
static void mldsa_commitment_hash(uint8_t c_tilde[MLDSA65_LAMBDA_BYTES], const uint8_t mu[64],
                                  const uint8_t w1_encoded[MLDSA65_K * MLDSA65_W1_POLY_BYTES])
{
    struct shake_state state;
    shake256_init(&state);
    shake_absorb(&state, mu, 64);
    shake_absorb(&state, w1_encoded, MLDSA65_K * MLDSA65_W1_POLY_BYTES);
    shake_finalize(&state);
    shake_squeeze(&state, c_tilde, MLDSA65_LAMBDA_BYTES);
}

/* The state of Algorithm 7 that survives the rejection loop: A, s1, s2 and
 * t0 in the NTT domain (A cached once: sampling it is most of the cost of an
 * iteration). */
struct mldsa_signer {
    struct mldsa_poly matrix[MLDSA65_K * MLDSA65_L];
    struct mldsa_poly s1_hat[MLDSA65_L];
    struct mldsa_poly s2_hat[MLDSA65_K];
    struct mldsa_poly t0_hat[MLDSA65_K];
    uint8_t mu[64];
    uint8_t rho_double_prime[64];
};

/* One iteration's working values. */
struct mldsa_attempt {
    struct mldsa_poly y[MLDSA65_L];
    struct mldsa_poly z[MLDSA65_L];
    struct mldsa_poly w[MLDSA65_K];  /* w, then w - c s2 */
    struct mldsa_poly c_hat, product;
    uint8_t w1_encoded[MLDSA65_K * MLDSA65_W1_POLY_BYTES];
    uint8_t c_tilde[MLDSA65_LAMBDA_BYTES];
    uint8_t hints[MLDSA65_K][MLDSA_N];
};

/* Algorithm 7 lines 1-8: expands the key and derives rho''. mu is given
 * (signer->mu set by the caller) or, when message is not NULL, computed from
 * the message and context. */
static void mldsa_signer_init(struct mldsa_signer *signer, const uint8_t seed[MLDSA65_SEED_SIZE],
                              const uint8_t *message, size_t message_len,
                              const uint8_t *context, size_t context_len, const uint8_t *rnd)
{
    struct mldsa_key_seeds seeds;
    uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE];
    uint8_t zero[MLDSA65_RANDOM_SIZE] = {0};
    struct shake_state state;
    mldsa_expand_seed(&seeds, seed);
    for (unsigned row = 0; row < MLDSA65_K; row++)
        for (unsigned column = 0; column < MLDSA65_L; column++)
            mldsa_sample_ntt(&signer->matrix[row * MLDSA65_L + column], seeds.rho,
                             (uint8_t)column, (uint8_t)row);
    mldsa_sample_s1_hat(signer->s1_hat, &seeds);
    mldsa_public_key_rows(public_key, signer->t0_hat, signer->s2_hat, signer->matrix, &seeds,
                          signer->s1_hat);
    if (message != NULL) {
        uint8_t tr[64];
        shake256(tr, sizeof tr, public_key, sizeof public_key);
        mldsa_message_representative(signer->mu, tr, message, message_len, context,
                                     context_len);
    }
    shake256_init(&state);
    shake_absorb(&state, seeds.key, sizeof seeds.key);
    shake_absorb(&state, rnd != NULL ? rnd : zero, MLDSA65_RANDOM_SIZE);
    shake_absorb(&state, signer->mu, sizeof signer->mu);
    shake_finalize(&state);
    shake_squeeze(&state, signer->rho_double_prime, sizeof signer->rho_double_prime);
    crypto_wipe(&state, sizeof state);
    crypto_wipe(&seeds, sizeof seeds);
}

/* Algorithm 7 lines 11-16: y, w = A y, w1 = HighBits(w), c tilde, c. */
static void mldsa_attempt_commit(struct mldsa_attempt *attempt,
                                 const struct mldsa_signer *signer, uint16_t kappa)
{
    /* z is free until line 18. (Only the address is taken here.) */
    // cppcheck-suppress ctuuninitvar
    struct mldsa_poly *y_hat = attempt->z;
    for (unsigned column = 0; column < MLDSA65_L; column++) {
        mldsa_sample_mask(&attempt->y[column], signer->rho_double_prime,
                          (uint16_t)(kappa + column));
        y_hat[column] = attempt->y[column];
        mldsa_ntt(&y_hat[column]);
    }
    for (unsigned row = 0; row < MLDSA65_K; row++) {
        struct mldsa_poly *w = &attempt->w[row];
        mldsa_matrix_row(w, &signer->matrix[row * MLDSA65_L], NULL, row, y_hat);
        mldsa_inverse_ntt(w);
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t high, low;
            mldsa_decompose(&high, &low, w->coefficients[j]);
            attempt->product.coefficients[j] = high;
        }
        mldsa_pack_w1(attempt->w1_encoded + row * MLDSA65_W1_POLY_BYTES, &attempt->product);
    }
    mldsa_commitment_hash(attempt->c_tilde, signer->mu, attempt->w1_encoded);
    mldsa_sample_in_ball_secret(&attempt->c_hat, attempt->c_tilde);
    mldsa_ntt(&attempt->c_hat);
}

/* out = centred c * s (s in the NTT domain). */
static void mldsa_challenge_product(struct mldsa_poly *out, const struct mldsa_poly *c_hat,
                                    const struct mldsa_poly *s_hat)
{
    mldsa_pointwise(out, c_hat, s_hat);
    mldsa_inverse_ntt(out);
    for (unsigned j = 0; j < MLDSA_N; j++)
        out->coefficients[j] = mldsa_centre(out->coefficients[j]);
}

/* Algorithm 7 lines 17-28: z, the two norm checks, the hints and theirs.
 * Returns 0 when the attempt is accepted, 1 when rejected; computes every
 * test without a branch and declares only the overall verdict public. */
static uint32_t mldsa_attempt_respond(struct mldsa_attempt *attempt,
                                      const struct mldsa_signer *signer)
{
    uint32_t reject = 0, hint_count = 0;
    struct mldsa_poly *product = &attempt->product;
    for (unsigned column = 0; column < MLDSA65_L; column++) {
        mldsa_challenge_product(product, &attempt->c_hat, &signer->s1_hat[column]);
        for (unsigned j = 0; j < MLDSA_N; j++)
            attempt->z[column].coefficients[j] = mldsa_centre(
                attempt->y[column].coefficients[j] + product->coefficients[j]);
        reject |= mldsa_poly_exceeds(&attempt->z[column], MLDSA65_GAMMA1 - MLDSA65_BETA);
    }
    for (unsigned row = 0; row < MLDSA65_K; row++) {
        struct mldsa_poly *w = &attempt->w[row];
        mldsa_challenge_product(product, &attempt->c_hat, &signer->s2_hat[row]);
        /* hints[row] first holds HighBits(w - c s2), then the hints. */
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t high, low, magnitude;
            w->coefficients[j] = mldsa_centre(w->coefficients[j] - product->coefficients[j]);
            mldsa_decompose(&high, &low, w->coefficients[j]);
            magnitude = (low ^ mldsa_sign_mask(low)) - mldsa_sign_mask(low);
            reject |= (uint32_t)(MLDSA65_GAMMA2 - MLDSA65_BETA - 1 - magnitude) >> 31;
            attempt->hints[row][j] = (uint8_t)high;
        }
        mldsa_challenge_product(product, &attempt->c_hat, &signer->t0_hat[row]);
        reject |= mldsa_poly_exceeds(product, MLDSA65_GAMMA2);
        /* MakeHint(-c t0, w - c s2 + c t0): do the high bits change? */
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t high_after, low;
            mldsa_decompose(&high_after, &low, w->coefficients[j] + product->coefficients[j]);
            uint32_t differs = (uint32_t)high_after ^ attempt->hints[row][j];
            uint32_t hint = (differs | (0u - differs)) >> 31;
            attempt->hints[row][j] = (uint8_t)hint;
            hint_count += hint;
        }
    }
    reject |= (uint32_t)(MLDSA65_OMEGA - hint_count) >> 31;
    MLDSA_DECLASSIFY(&reject, sizeof reject);
    return reject;
}

/* Algorithm 26 (sigEncode) of an accepted attempt, which is now public. */
static void mldsa_encode_signature(uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                   struct mldsa_attempt *attempt)
{
    MLDSA_DECLASSIFY(attempt->c_tilde, sizeof attempt->c_tilde);
    MLDSA_DECLASSIFY(attempt->z, sizeof attempt->z);
    MLDSA_DECLASSIFY(attempt->hints, sizeof attempt->hints);
    for (unsigned i = 0; i < MLDSA65_LAMBDA_BYTES; i++)
        signature[i] = attempt->c_tilde[i];
    for (unsigned column = 0; column < MLDSA65_L; column++)
        mldsa_pack_z(signature + MLDSA65_Z_OFFSET + column * MLDSA65_Z_POLY_BYTES,
                     &attempt->z[column]);
    mldsa_pack_hints(signature + MLDSA65_HINT_OFFSET, attempt->hints);
}

/* Algorithm 7 from line 9 on: the rejection loop, then sigEncode. */
static void mldsa_sign_loop(uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                            struct mldsa_signer *signer)
{
    struct mldsa_attempt attempt;
    /* kappa wraps at 2^16 like IntegerToBytes(kappa, 2); reaching it takes
     * 13,108 rejections in a row, each with probability about 0.8. */
    for (uint16_t kappa = 0;; kappa = (uint16_t)(kappa + MLDSA65_L)) {
        mldsa_attempt_commit(&attempt, signer, kappa);
        if (mldsa_attempt_respond(&attempt, signer) == 0)
            break;
    }
    mldsa_encode_signature(signature, &attempt);
    crypto_wipe(&attempt, sizeof attempt);
}

enum crypto_result mldsa65_sign(uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                const uint8_t *message, size_t message_len,
                                const uint8_t *context, size_t context_len,
                                const uint8_t seed[MLDSA65_SEED_SIZE],
                                const uint8_t *rnd)
{
    static const uint8_t empty[1] = {0};
    struct mldsa_signer signer;
    if (context_len > MLDSA65_CONTEXT_MAX) {
        for (unsigned i = 0; i < MLDSA65_SIGNATURE_SIZE; i++)
            signature[i] = 0;
        return CRYPTO_ERR_PARAMETER;
    }
    crypto_simd_begin();
    mldsa_signer_init(&signer, seed, message != NULL ? message : empty, message_len, context,
                      context_len, rnd);
    mldsa_sign_loop(signature, &signer);
    crypto_simd_end();
    crypto_wipe(&signer, sizeof signer);
    return CRYPTO_OK;
}

void mldsa65_sign_mu(uint8_t signature[MLDSA65_SIGNATURE_SIZE], const uint8_t mu[64],
                     const uint8_t seed[MLDSA65_SEED_SIZE], const uint8_t *rnd)
{
    struct mldsa_signer signer;
    for (unsigned i = 0; i < 64; i++)
        signer.mu[i] = mu[i];
    crypto_simd_begin();
    mldsa_signer_init(&signer, seed, NULL, 0, NULL, 0, rnd);
    mldsa_sign_loop(signature, &signer);
    crypto_simd_end();
    crypto_wipe(&signer, sizeof signer);
}

/* NTT(t1 * 2^d) of row of the public key (Algorithm 8 line 9). */
static void mldsa_t1_hat(struct mldsa_poly *t1_hat, const uint8_t *public_key, unsigned row)
{
    const uint8_t *encoded = public_key + 32 + row * MLDSA65_T1_POLY_BYTES;
    if (crypto_simd_avx2()) {
        mldsa_unpack_t1_shifted_avx2(t1_hat, encoded);
    } else {
        mldsa_unpack_t1(t1_hat, encoded);
        for (unsigned j = 0; j < MLDSA_N; j++)
            t1_hat->coefficients[j] <<= MLDSA_D;
    }
    mldsa_ntt(t1_hat);
}

/* Checks the encoding of the signature (Algorithm 27 and the norm of z at
 * Algorithm 8 line 13, done first because it is cheap) and decodes z. */
static enum crypto_result mldsa_decode_signature(struct mldsa_poly z[MLDSA65_L],
                                                 const uint8_t signature[MLDSA65_SIGNATURE_SIZE])
{
    uint8_t hints[MLDSA_N];
    if (mldsa_unpack_hints(hints, 0, signature + MLDSA65_HINT_OFFSET) != 0)
        return CRYPTO_ERR_ENCODING;
    for (unsigned column = 0; column < MLDSA65_L; column++) {
        mldsa_unpack_z(&z[column],
                       signature + MLDSA65_Z_OFFSET + column * MLDSA65_Z_POLY_BYTES);
        if (mldsa_poly_exceeds(&z[column], MLDSA65_GAMMA1 - MLDSA65_BETA))
            return CRYPTO_ERR_ENCODING;
    }
    return CRYPTO_OK;
}

/* Algorithm 8, lines 9-11 for one row: w1' = UseHint(h, A z - c t1 2^d),
 * absorbed into the c tilde' hash. A's row and NTT(t1 2^d) come from key
 * when given, else from public_key. The hints are read straight from the
 * (already checked) encoding: the row's positions, in increasing order. */
static void mldsa_verify_row(struct shake_state *commitment, unsigned row,
                             const uint8_t *public_key, const struct mldsa65_prepared_key *key,
                             const struct mldsa_poly z_hat[MLDSA65_L],
                             const struct mldsa_poly *c_hat,
                             const uint8_t signature[MLDSA65_SIGNATURE_SIZE])
{
    const uint8_t *positions = signature + MLDSA65_HINT_OFFSET;
    unsigned first = row == 0 ? 0 : positions[MLDSA65_OMEGA + row - 1];
    unsigned end = positions[MLDSA65_OMEGA + row];
    struct mldsa_poly w;
    uint8_t hints[MLDSA_N], w1_encoded[MLDSA65_W1_POLY_BYTES];
    /* A z - c t1 2^d with one reduction: the product is below 81 q^2 (both
     * NTT outputs below 9q), the difference below 126 q^2 < 2^31 q. */
    if (key != NULL) {
        mldsa_row_product(&w, &key->matrix[row * MLDSA65_L], z_hat, c_hat, &key->t1_hat[row]);
    } else {
        int64_t sum[MLDSA_N];
        mldsa_t1_hat(&w, public_key, row); /* w holds NTT(t1 2^d) until replaced */
        mldsa_matrix_row_sum(sum, public_key, row, z_hat);
        for (unsigned j = 0; j < MLDSA_N; j++)
            w.coefficients[j] = mldsa_montgomery_reduce(
                sum[j] - (int64_t)c_hat->coefficients[j] * w.coefficients[j]);
    }
    mldsa_inverse_ntt(&w);
    for (unsigned j = 0; j < MLDSA_N; j += 8) /* 8 bytes a store: no memset call */
        store64_le(hints + j, 0);
    for (unsigned next = first; next < end; next++)
        hints[positions[next]] = 1;
    mldsa_use_hint_poly(&w, hints);
    mldsa_pack_w1(w1_encoded, &w);
    shake_absorb(commitment, w1_encoded, sizeof w1_encoded);
}

/* Algorithm 8 with tr given and the key's expanded parts either in key or
 * computed from public_key row by row. */
static enum crypto_result mldsa_verify(const uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                       const uint8_t *message, size_t message_len,
                                       const uint8_t *context, size_t context_len,
                                       const uint8_t tr[64], const uint8_t *public_key,
                                       const struct mldsa65_prepared_key *key)
{
    struct mldsa_poly z_hat[MLDSA65_L], c_hat;
    struct shake_state commitment;
    uint8_t mu[64], c_tilde[MLDSA65_LAMBDA_BYTES];
    enum crypto_result result = mldsa_decode_signature(z_hat, signature);
    if (result != CRYPTO_OK)
        return result;
    for (unsigned column = 0; column < MLDSA65_L; column++)
        mldsa_ntt(&z_hat[column]);
    mldsa_sample_in_ball(&c_hat, signature);
    mldsa_ntt(&c_hat);
    mldsa_message_representative(mu, tr, message, message_len, context, context_len);
    /* c tilde' = H(mu || w1Encode(w1'), lambda / 4), absorbed row by row. */
    shake256_init(&commitment);
    shake_absorb(&commitment, mu, sizeof mu);
    for (unsigned row = 0; row < MLDSA65_K; row++)
        mldsa_verify_row(&commitment, row, public_key, key, z_hat, &c_hat, signature);
    shake_finalize(&commitment);
    shake_squeeze(&commitment, c_tilde, sizeof c_tilde);
    return crypto_equal(c_tilde, signature, MLDSA65_LAMBDA_BYTES) ? CRYPTO_OK
                                                                   : CRYPTO_ERR_VERIFY;
}

enum crypto_result mldsa65_verify(const uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                  const uint8_t *message, size_t message_len,
                                  const uint8_t *context, size_t context_len,
                                  const uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE])
{
    uint8_t tr[64];
    if (context_len > MLDSA65_CONTEXT_MAX)
        return CRYPTO_ERR_PARAMETER;
    crypto_simd_begin();
    shake256(tr, sizeof tr, public_key, MLDSA65_PUBLIC_KEY_SIZE);
    enum crypto_result result = mldsa_verify(signature, message, message_len, context,
                                             context_len, tr, public_key, NULL);
    crypto_simd_end();
    return result;
}

/* ExpandA (Algorithm 32) into matrix[row * L + column]. With AVX2 (as the
 * environment says, keccak_x4.h) four entries at a time over four SHAKE128
 * streams; the last group of 30 = 7 * 4 + 2 repeats its last entry, which
 * mldsa_sample_ntt_x4 allows. Without, one entry at a time: the portable
 * four-way permutation would only add copies, and the permutations of the
 * streams that finish first (about 10 of 150). */
static void mldsa_expand_matrix(struct mldsa_poly matrix[MLDSA65_K * MLDSA65_L],
                                const uint8_t rho[32])
{
    if (!crypto_simd_avx2()) {
        for (unsigned index = 0; index < MLDSA65_K * MLDSA65_L; index++)
            mldsa_sample_ntt(&matrix[index], rho, (uint8_t)(index % MLDSA65_L),
                             (uint8_t)(index / MLDSA65_L));
        return;
    }
    for (unsigned first = 0; first < MLDSA65_K * MLDSA65_L; first += 4) {
        struct mldsa_poly *polys[4];
        uint8_t columns[4], rows[4];
        for (unsigned j = 0; j < 4; j++) {
            unsigned index = first + j < MLDSA65_K * MLDSA65_L ? first + j
                                                                : MLDSA65_K * MLDSA65_L - 1;
            polys[j] = &matrix[index];
            columns[j] = (uint8_t)(index % MLDSA65_L);
            rows[j] = (uint8_t)(index / MLDSA65_L);
        }
        mldsa_sample_ntt_x4(polys, rho, columns, rows);
    }
}

enum crypto_result mldsa65_prepare_key(struct mldsa65_prepared_key *key,
                                       const uint8_t public_key[MLDSA65_PUBLIC_KEY_SIZE])
{
    crypto_simd_begin();
    mldsa_expand_matrix(key->matrix, public_key);
    for (unsigned row = 0; row < MLDSA65_K; row++)
        mldsa_t1_hat(&key->t1_hat[row], public_key, row);
    shake256(key->tr, sizeof key->tr, public_key, MLDSA65_PUBLIC_KEY_SIZE);
    crypto_simd_end();
    return CRYPTO_OK;
}

enum crypto_result mldsa65_verify_prepared(const uint8_t signature[MLDSA65_SIGNATURE_SIZE],
                                           const uint8_t *message, size_t message_len,
                                           const uint8_t *context, size_t context_len,
                                           const struct mldsa65_prepared_key *key)
{
    if (context_len > MLDSA65_CONTEXT_MAX)
        return CRYPTO_ERR_PARAMETER;
    crypto_simd_begin();
    enum crypto_result result = mldsa_verify(signature, message, message_len, context,
                                             context_len, key->tr, NULL, key);
    crypto_simd_end();
    return result;
}
