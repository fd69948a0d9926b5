/* SHA-512 (FIPS 180-4): the compression function with its 80 rounds unrolled
 * in full (eight-round macros), and the Merkle-Damgard padding.
 *
 * Invariant: state->buffer holds the state->length % 128 message bytes that
 * do not yet fill a block; every full block has been compressed. No branch
 * or memory index depends on the message contents, only on its length. */
#include "crypto/sha512.h"

#include "base/endian.h"
#include "crypto/crypto.h"

/* FIPS 180-4 section 4.2.3: first 64 bits of the fractional parts of the
 * cube roots of the first 80 primes. */
static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

/* Section 5.3.5: first 64 bits of the fractional parts of the square roots
 * of the first 8 primes. */
static const uint64_t sha512_iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};

/* FIPS 180-4 section 4.1.3 in equivalent forms that need fewer operations:
 * Ch(x,y,z) = (x & y) ^ (~x & z) = z ^ (x & (y ^ z)),
 * Maj(x,y,z) = (x & y) ^ (x & z) ^ (y & z) = (x & y) | (z & (x | y)),
 * and each big sigma's three rotations (28, 34, 39) and (14, 18, 41) as nested
 * rotations of x, since ROTR distributes over XOR. With the full unrolling
 * below, they take the kernel build (no SSE) from 38 to 32 instructions per
 * byte (callgrind, 1 MiB); Ed25519 hashes every signed message with it. */
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define SIGMA0(x) rotr64(rotr64(rotr64(x, 5) ^ (x), 6) ^ (x), 28)
#define SIGMA1(x) rotr64(rotr64(rotr64(x, 23) ^ (x), 4) ^ (x), 14)
#define LSIGMA0(x) (rotr64(x, 1) ^ rotr64(x, 8) ^ ((x) >> 7))
#define LSIGMA1(x) (rotr64(x, 19) ^ rotr64(x, 61) ^ ((x) >> 6))

/* One round; the caller rotates the roles of a..h instead of moving values.
 * W is the round's message-schedule word. */
#define ROUND(a, b, c, d, e, f, g, h, k, W)                                \
    do {                                                                  \
        uint64_t t1 = h + SIGMA1(e) + CH(e, f, g) + sha512_k[k] + (W);      \
        d += t1;                                                          \
        h = t1 + SIGMA0(a) + MAJ(a, b, c);                                \
    } while (0)

/* The message schedule kept as a ring of 16 words (section 6.2.2 step 1,
 * computed in place): W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]. */
#define SCHEDULE(t)                                                        \
    (w[(t) & 15] += LSIGMA1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] +      \
                    LSIGMA0(w[((t) - 15) & 15]))

/* Eight rounds starting at round r; W(t) gives the schedule word of round t. */
#define ROUNDS8(r, W)                                                      \
    do {                                                                  \
        ROUND(a, b, c, d, e, f, g, hh, (r) + 0, W((r) + 0));               \
        ROUND(hh, a, b, c, d, e, f, g, (r) + 1, W((r) + 1));               \
        ROUND(g, hh, a, b, c, d, e, f, (r) + 2, W((r) + 2));               \
        ROUND(f, g, hh, a, b, c, d, e, (r) + 3, W((r) + 3));               \
        ROUND(e, f, g, hh, a, b, c, d, (r) + 4, W((r) + 4));               \
        ROUND(d, e, f, g, hh, a, b, c, (r) + 5, W((r) + 5));               \
        ROUND(c, d, e, f, g, hh, a, b, (r) + 6, W((r) + 6));               \
        ROUND(b, c, d, e, f, g, hh, a, (r) + 7, W((r) + 7));               \
    } while (0)

#define LOADED(t) w[(t) & 15]

static void sha512_block(uint64_t h[8], uint64_t w[16], const uint8_t *block)
{
    for (int i = 0; i < 16; i++)
        w[i] = load64_be(block + 8 * i);
    uint64_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint64_t e = h[4], f = h[5], g = h[6], hh = h[7];
    ROUNDS8(0, LOADED);
    ROUNDS8(8, LOADED);
    /* Unrolled in full, as in sha256.c. */
    ROUNDS8(16, SCHEDULE);
    ROUNDS8(24, SCHEDULE);
    ROUNDS8(32, SCHEDULE);
    ROUNDS8(40, SCHEDULE);
    ROUNDS8(48, SCHEDULE);
    ROUNDS8(56, SCHEDULE);
    ROUNDS8(64, SCHEDULE);
    ROUNDS8(72, SCHEDULE);
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/* Compresses `blocks` consecutive 128-byte blocks. The message schedule may
 * hold key material (HMAC pads, Ed25519 secret scalars' seed), so it is
 * wiped, once per call rather than per block to keep long messages fast. */
static void sha512_compress_portable(uint64_t h[8], const uint8_t *data, size_t blocks)
{
    uint64_t w[16];
    for (; blocks > 0; blocks--, data += SHA512_BLOCK_SIZE)
        sha512_block(h, w, data);
    crypto_wipe(w, sizeof(w));
}

#if defined(__x86_64__) && !defined(NONOS_FREESTANDING) && !defined(NONOS_CRYPTO_SCALAR)
/* x86_64 hosts whose CPU has AVX2 and BMI2, chosen at run time as BLAKE2b's
 * vector path: the message schedule runs in vector registers, four words at
 * a time, sixteen words ahead of the rounds, and leaves W[t] + K[t] in a
 * small array; the rounds stay scalar, now without the schedule's shifts and
 * additions competing for the integer units, and with the three-rotation
 * big sigmas (BMI2's rorx copies and rotates in one instruction, and three
 * independent rotations are a shorter dependency chain than the nested form
 * the portable code uses to save instructions). The kernel and the loader
 * keep the portable code; the known-answer tests of the general-registers
 * build check it, the differential test on this machine checks this path. */
#include <immintrin.h>

#define SHA512_WIDE_TARGET __attribute__((target("avx2,bmi2")))

#define VROTR(x, n) (_mm256_srli_epi64((x), (n)) | _mm256_slli_epi64((x), 64 - (n)))
#define VLSIGMA0(x) (VROTR(x, 1) ^ VROTR(x, 8) ^ _mm256_srli_epi64((x), 7))
#define VLSIGMA1(x) (VROTR(x, 19) ^ VROTR(x, 61) ^ _mm256_srli_epi64((x), 6))
#define SIGMA0_WIDE(x) (rotr64(x, 28) ^ rotr64(x, 34) ^ rotr64(x, 39))
#define SIGMA1_WIDE(x) (rotr64(x, 14) ^ rotr64(x, 18) ^ rotr64(x, 41))

/* W[t..t+3] from w0 = W[t-16..t-13], w1 = W[t-12..t-9], w2 = W[t-8..t-5] and
 * w3 = W[t-4..t-1]. W[t+2] and W[t+3] need s1 of W[t] and W[t+1], so the
 * s1 terms are added in two halves. */
SHA512_WIDE_TARGET static inline __m256i sha512_schedule4(__m256i w0, __m256i w1, __m256i w2,
                                                          __m256i w3)
{
    const __m256i zero = _mm256_setzero_si256();
    /* W[t-15..t-12] and W[t-7..t-4]: the vectors shifted by one word. */
    const __m256i w15 = _mm256_alignr_epi8(_mm256_permute2x128_si256(w0, w1, 0x21), w0, 8);
    const __m256i w7 = _mm256_alignr_epi8(_mm256_permute2x128_si256(w2, w3, 0x21), w2, 8);
    __m256i x = _mm256_add_epi64(_mm256_add_epi64(w0, VLSIGMA0(w15)), w7);
    const __m256i low = VLSIGMA1(_mm256_permute4x64_epi64(w3, 0xee)); /* s1(W[t-2..t-1]) */
    x = _mm256_add_epi64(x, _mm256_blend_epi32(low, zero, 0xf0));
    const __m256i high = VLSIGMA1(_mm256_permute4x64_epi64(x, 0x44)); /* s1(W[t..t+1]) */
    return _mm256_add_epi64(x, _mm256_blend_epi32(zero, high, 0xf0));
}

/* One round with W[t] + K[t] precomputed in wk. */
#define ROUND_WIDE(a, b, c, d, e, f, g, h, t)                             \
    do {                                                                  \
        uint64_t t1 = h + SIGMA1_WIDE(e) + CH(e, f, g) + wk[t];           \
        d += t1;                                                          \
        h = t1 + SIGMA0_WIDE(a) + MAJ(a, b, c);                           \
    } while (0)

#define ROUNDS4_WIDE(r, a, b, c, d, e, f, g, h)                           \
    do {                                                                  \
        ROUND_WIDE(a, b, c, d, e, f, g, h, (r) + 0);                      \
        ROUND_WIDE(h, a, b, c, d, e, f, g, (r) + 1);                      \
        ROUND_WIDE(g, h, a, b, c, d, e, f, (r) + 2);                      \
        ROUND_WIDE(f, g, h, a, b, c, d, e, (r) + 3);                      \
    } while (0)

/* The next four schedule words (W[t..t+3]), stored plus K. */
#define SCHEDULE4_WIDE(t)                                                          \
    do {                                                                          \
        const __m256i next = sha512_schedule4(w0, w1, w2, w3);                     \
        w0 = w1;                                                                  \
        w1 = w2;                                                                  \
        w2 = w3;                                                                  \
        w3 = next;                                                                \
        _mm256_store_si256((__m256i *)&wk[t],                                     \
                           next + _mm256_loadu_si256((const __m256i *)&sha512_k[t])); \
    } while (0)

SHA512_WIDE_TARGET static void sha512_compress_wide(uint64_t h[8], const uint8_t *data,
                                                    size_t blocks)
{
    const __m256i byte_swap = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9,
                                               8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10,
                                               9, 8);
    uint64_t wk[80] __attribute__((aligned(32)));
    for (; blocks > 0; blocks--, data += SHA512_BLOCK_SIZE) {
        __m256i w0 = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)data), byte_swap);
        __m256i w1 =
            _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(data + 32)), byte_swap);
        __m256i w2 =
            _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(data + 64)), byte_swap);
        __m256i w3 =
            _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(data + 96)), byte_swap);
        const __m256i *k = (const __m256i *)sha512_k;
        _mm256_store_si256((__m256i *)&wk[0], w0 + _mm256_loadu_si256(k));
        _mm256_store_si256((__m256i *)&wk[4], w1 + _mm256_loadu_si256(k + 1));
        _mm256_store_si256((__m256i *)&wk[8], w2 + _mm256_loadu_si256(k + 2));
        _mm256_store_si256((__m256i *)&wk[12], w3 + _mm256_loadu_si256(k + 3));
        uint64_t a = h[0], b = h[1], c = h[2], d = h[3];
        uint64_t e = h[4], f = h[5], g = h[6], hh = h[7];
        /* Rounds t..t+3 while the schedule computes W[t+16..t+19]. */
        for (int t = 0; t < 64; t += 8) {
            SCHEDULE4_WIDE(t + 16);
            ROUNDS4_WIDE(t, a, b, c, d, e, f, g, hh);
            SCHEDULE4_WIDE(t + 20);
            ROUNDS4_WIDE(t + 4, e, f, g, hh, a, b, c, d);
        }
        ROUNDS4_WIDE(64, a, b, c, d, e, f, g, hh);
        ROUNDS4_WIDE(68, e, f, g, hh, a, b, c, d);
        ROUNDS4_WIDE(72, a, b, c, d, e, f, g, hh);
        ROUNDS4_WIDE(76, e, f, g, hh, a, b, c, d);
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
        h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    crypto_wipe(wk, sizeof(wk));
}

static void sha512_compress(uint64_t h[8], const uint8_t *data, size_t blocks)
{
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2"))
        sha512_compress_wide(h, data, blocks);
    else
        sha512_compress_portable(h, data, blocks);
}
#else
static void sha512_compress(uint64_t h[8], const uint8_t *data, size_t blocks)
{
    sha512_compress_portable(h, data, blocks);
}
#endif

void sha512_init(struct sha512_state *state)
{
    for (int i = 0; i < 8; i++)
        state->h[i] = sha512_iv[i];
    state->length = 0;
}

void sha512_update(struct sha512_state *state, const uint8_t *data, size_t len)
{
    if (len == 0)
        return;
    size_t fill = (size_t)(state->length % SHA512_BLOCK_SIZE);
    state->length += len;
    if (fill > 0) {
        size_t take = SHA512_BLOCK_SIZE - fill;
        if (take > len)
            take = len;
        __builtin_memcpy(state->buffer + fill, data, take);
        data += take;
        len -= take;
        if (fill + take < SHA512_BLOCK_SIZE)
            return;
        sha512_compress(state->h, state->buffer, 1);
    }
    size_t blocks = len / SHA512_BLOCK_SIZE;
    if (blocks > 0) {
        sha512_compress(state->h, data, blocks);
        data += blocks * SHA512_BLOCK_SIZE;
        len -= blocks * SHA512_BLOCK_SIZE;
    }
    if (len > 0)
        __builtin_memcpy(state->buffer, data, len);
}

void sha512_final(struct sha512_state *state, uint8_t digest[SHA512_DIGEST_SIZE])
{
    /* Padding (section 5.1.2): 0x80, zeros up to 112 mod 128, then the
     * message length in bits as a 128-bit big-endian number. */
    size_t fill = (size_t)(state->length % SHA512_BLOCK_SIZE);
    state->buffer[fill++] = 0x80;
    if (fill > SHA512_BLOCK_SIZE - 16) {
        __builtin_memset(state->buffer + fill, 0, SHA512_BLOCK_SIZE - fill);
        sha512_compress(state->h, state->buffer, 1);
        fill = 0;
    }
    __builtin_memset(state->buffer + fill, 0, SHA512_BLOCK_SIZE - 16 - fill);
    store64_be(state->buffer + SHA512_BLOCK_SIZE - 16, state->length >> 61);
    store64_be(state->buffer + SHA512_BLOCK_SIZE - 8, state->length << 3);
    sha512_compress(state->h, state->buffer, 1);
    for (int i = 0; i < 8; i++)
        store64_be(digest + 8 * i, state->h[i]);
    crypto_wipe(state, sizeof(*state));
}

void sha512(const uint8_t *data, size_t len, uint8_t digest[SHA512_DIGEST_SIZE])
{
    struct sha512_state state;
    sha512_init(&state);
    sha512_update(&state, data, len);
    sha512_final(&state, digest);
}
