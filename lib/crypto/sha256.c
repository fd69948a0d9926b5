/* SHA-256 (FIPS 180-4): the compression function with its 64 rounds unrolled
 * in full (eight-round macros), and the Merkle-Damgard padding.
 *
 * Invariant: state->buffer holds the state->length % 64 message bytes that
 * do not yet fill a block; every full block has been compressed. No branch
 * or memory index depends on the message contents, only on its length. */
#include "crypto/sha256.h"

#include "base/endian.h"
#include "crypto/crypto.h"

/* FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Section 5.3.3: first 32 bits of the fractional parts of the square roots
 * of the first 8 primes. */
static const uint32_t sha256_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* FIPS 180-4 section 4.1.2 in equivalent forms that need fewer operations:
 * Ch(x,y,z) = (x & y) ^ (~x & z) = z ^ (x & (y ^ z)),
 * Maj(x,y,z) = (x & y) ^ (x & z) ^ (y & z) = (x & y) | (z & (x | y)),
 * and each big sigma's three rotations (2, 13, 22) and (6, 11, 25) as nested
 * rotations of x, since ROTR distributes over XOR. With the full unrolling
 * below, they take the kernel build (no SSE) from 59 to 50 instructions per
 * byte (callgrind, 1 MiB), a cost the kernel's capsule check pays per byte. */
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define SIGMA0(x) rotr32(rotr32(rotr32(x, 9) ^ (x), 11) ^ (x), 2)
#define SIGMA1(x) rotr32(rotr32(rotr32(x, 14) ^ (x), 5) ^ (x), 6)
#define LSIGMA0(x) (rotr32(x, 7) ^ rotr32(x, 18) ^ ((x) >> 3))
#define LSIGMA1(x) (rotr32(x, 17) ^ rotr32(x, 19) ^ ((x) >> 10))

/* One round; the caller rotates the roles of a..h instead of moving values.
 * W is the round's message-schedule word. */
#define ROUND(a, b, c, d, e, f, g, h, k, W)                                \
    do {                                                                  \
        uint32_t t1 = h + SIGMA1(e) + CH(e, f, g) + sha256_k[k] + (W);      \
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

static void sha256_block(uint32_t h[8], uint32_t w[16], const uint8_t *block)
{
    for (int i = 0; i < 16; i++)
        w[i] = load32_be(block + 4 * i);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
    ROUNDS8(0, LOADED);
    ROUNDS8(8, LOADED);
    /* Unrolled in full: constant round numbers let the compiler address the
     * schedule ring and the constants directly. */
    ROUNDS8(16, SCHEDULE);
    ROUNDS8(24, SCHEDULE);
    ROUNDS8(32, SCHEDULE);
    ROUNDS8(40, SCHEDULE);
    ROUNDS8(48, SCHEDULE);
    ROUNDS8(56, SCHEDULE);
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/* Compresses `blocks` consecutive 64-byte blocks. The message schedule may
 * hold key material (HMAC pads), so it is wiped, once per call rather than
 * per block to keep long messages fast. */
static void sha256_compress_portable(uint32_t h[8], const uint8_t *data, size_t blocks)
{
    uint32_t w[16];
    for (; blocks > 0; blocks--, data += SHA256_BLOCK_SIZE)
        sha256_block(h, w, data);
    crypto_wipe(w, sizeof(w));
}

#if defined(__x86_64__) && defined(__ELF__) && !defined(NONOS_FREESTANDING) && \
    !defined(NONOS_CRYPTO_SCALAR)
/* Hosts whose CPU has the SHA extensions (Intel since Goldmont and Ice Lake,
 * AMD since Zen): the same compression with sha256rnds2 (two rounds),
 * sha256msg1 and sha256msg2 (the schedule), chosen once when the program is
 * loaded (an ifunc, so no flag of ours is kept). The kernel and the loader
 * keep the portable code; the known-answer and differential tests run on the
 * host, so on such a CPU they check this path, and the general-registers
 * build checks the portable one. The state lives in two registers, as the
 * instructions want it: ABEF and CDGH. */
#include <cpuid.h>
#include <immintrin.h>

#define SHA256_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

SHA256_NI_TARGET static void sha256_compress_ni(uint32_t h[8], const uint8_t *data,
                                                size_t blocks)
{
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
    for (; blocks > 0; blocks--, data += SHA256_BLOCK_SIZE) {
        const __m128i abef_start = abef, cdgh_start = cdgh;
        __m128i w[4];
        for (int i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)),
                                    byte_swap);
        for (int group = 0; group < 16; group++) {
            /* W[4g..4g+3] = s1 terms + W[t-7] + s0 terms + W[t-16]. */
            if (group >= 4) {
                __m128i t16 = w[group % 4], t12 = w[(group + 1) % 4];
                __m128i t8 = w[(group + 2) % 4], t4 = w[(group + 3) % 4];
                __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(t16, t12),
                                            _mm_alignr_epi8(t4, t8, 4));
                w[group % 4] = _mm_sha256msg2_epu32(sum, t4);
            }
            __m128i k = _mm_loadu_si128((const __m128i *)&sha256_k[4 * group]);
            __m128i message = _mm_add_epi32(w[group % 4], k);
            /* Two rounds give the new ABEF; the old ABEF is the new CDGH.
             * So after each pair both names are true again. */
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(message, 0x0e));
        }
        abef = _mm_add_epi32(abef, abef_start);
        cdgh = _mm_add_epi32(cdgh, cdgh_start);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

static bool sha256_cpu_has_sha(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
        return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

typedef void sha256_compress_fn(uint32_t h[8], const uint8_t *data, size_t blocks);

/* Runs while the program is being relocated, before sanitizers start. */
__attribute__((no_sanitize("address", "undefined"), used)) static sha256_compress_fn *
sha256_compress_resolve(void)
{
    return sha256_cpu_has_sha() ? sha256_compress_ni : sha256_compress_portable;
}

static void sha256_compress(uint32_t h[8], const uint8_t *data, size_t blocks)
    __attribute__((ifunc("sha256_compress_resolve")));
#else
static void sha256_compress(uint32_t h[8], const uint8_t *data, size_t blocks)
{
    sha256_compress_portable(h, data, blocks);
}
#endif

void sha256_init(struct sha256_state *state)
{
    for (int i = 0; i < 8; i++)
        state->h[i] = sha256_iv[i];
    state->length = 0;
}

void sha256_update(struct sha256_state *state, const uint8_t *data, size_t len)
{
    if (len == 0)
        return;
    size_t fill = (size_t)(state->length % SHA256_BLOCK_SIZE);
    state->length += len;
    if (fill > 0) {
        size_t take = SHA256_BLOCK_SIZE - fill;
        if (take > len)
            take = len;
        __builtin_memcpy(state->buffer + fill, data, take);
        data += take;
        len -= take;
        if (fill + take < SHA256_BLOCK_SIZE)
            return;
        sha256_compress(state->h, state->buffer, 1);
    }
    size_t blocks = len / SHA256_BLOCK_SIZE;
    if (blocks > 0) {
        sha256_compress(state->h, data, blocks);
        data += blocks * SHA256_BLOCK_SIZE;
        len -= blocks * SHA256_BLOCK_SIZE;
    }
    if (len > 0)
        __builtin_memcpy(state->buffer, data, len);
}

void sha256_final(struct sha256_state *state, uint8_t digest[SHA256_DIGEST_SIZE])
{
    /* Padding (section 5.1.1): 0x80, zeros up to 56 mod 64, then the
     * message length in bits as a 64-bit big-endian number. */
    size_t fill = (size_t)(state->length % SHA256_BLOCK_SIZE);
    uint64_t bits = state->length << 3;
    state->buffer[fill++] = 0x80;
    if (fill > SHA256_BLOCK_SIZE - 8) {
        __builtin_memset(state->buffer + fill, 0, SHA256_BLOCK_SIZE - fill);
        sha256_compress(state->h, state->buffer, 1);
        fill = 0;
    }
    __builtin_memset(state->buffer + fill, 0, SHA256_BLOCK_SIZE - 8 - fill);
    store64_be(state->buffer + SHA256_BLOCK_SIZE - 8, bits);
    sha256_compress(state->h, state->buffer, 1);
    for (int i = 0; i < 8; i++)
        store32_be(digest + 4 * i, state->h[i]);
    crypto_wipe(state, sizeof(*state));
}

void sha256(const uint8_t *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE])
{
    struct sha256_state state;
    sha256_init(&state);
    sha256_update(&state, data, len);
    sha256_final(&state, digest);
}
