/* BLAKE2b (RFC 7693 sections 2 and 3): the compression function F with its
 * twelve rounds unrolled, so message-word indexes are compile-time constants.
 *
 * Invariant: state->buffer holds buffer_len (0..128) bytes not yet
 * compressed. A full block stays buffered until more input arrives, because
 * the last block must be compressed with the final flag set. Branches depend
 * only on lengths, never on key or message bytes. */
#include "crypto/blake2b.h"

#include "base/endian.h"

static const uint64_t blake2b_iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};

/* Message schedule (RFC 7693 section 2.7); rounds 10 and 11 reuse rows 0, 1. */
static const uint8_t blake2b_sigma[12][16] = {
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
    { 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
    { 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
    { 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
    { 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
    { 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
    { 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
    { 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
    { 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
};

/* The mixing function G (section 3.1). */
#define G(a, b, c, d, x, y)              \
    do {                                 \
        a = a + b + (x);                 \
        d = rotr64(d ^ a, 32);           \
        c = c + d;                       \
        b = rotr64(b ^ c, 24);           \
        a = a + b + (y);                 \
        d = rotr64(d ^ a, 16);           \
        c = c + d;                       \
        b = rotr64(b ^ c, 63);           \
    } while (0)

#define ROUND(r)                                                                   \
    do {                                                                           \
        const uint8_t *s = blake2b_sigma[r];                                       \
        G(v[0], v[4], v[8], v[12], M(s[0]), M(s[1]));                              \
        G(v[1], v[5], v[9], v[13], M(s[2]), M(s[3]));                              \
        G(v[2], v[6], v[10], v[14], M(s[4]), M(s[5]));                             \
        G(v[3], v[7], v[11], v[15], M(s[6]), M(s[7]));                             \
        G(v[0], v[5], v[10], v[15], M(s[8]), M(s[9]));                             \
        G(v[1], v[6], v[11], v[12], M(s[10]), M(s[11]));                           \
        G(v[2], v[7], v[8], v[13], M(s[12]), M(s[13]));                            \
        G(v[3], v[4], v[9], v[14], M(s[14]), M(s[15]));                            \
    } while (0)

static void blake2b_count(struct blake2b_state *state, uint64_t bytes)
{
    state->t[0] += bytes;
    state->t[1] += state->t[0] < bytes; /* carry into the high word */
}

/* Message word i of the block being compressed, read where it is used: no
 * copy of the message (which may be the key block) is left in a scratch
 * array to wipe. */
#define M(i) load64_le(block + 8 * (i))

/* F (section 3.2) on one 128-byte block, with the counter already advanced;
 * `last` sets the final-block flag. The working vector v is local so that
 * the compiler keeps it in registers. */
static void blake2b_block(struct blake2b_state *state, const uint8_t *block,
                          uint64_t last)
{
    uint64_t v[16];
    for (int i = 0; i < 8; i++) {
        v[i] = state->h[i];
        v[i + 8] = blake2b_iv[i];
    }
    v[12] ^= state->t[0];
    v[13] ^= state->t[1];
    v[14] ^= (uint64_t)0 - last; /* all ones for the last block */
    ROUND(0); ROUND(1); ROUND(2); ROUND(3); ROUND(4); ROUND(5);
    ROUND(6); ROUND(7); ROUND(8); ROUND(9); ROUND(10); ROUND(11);
    for (int i = 0; i < 8; i++)
        state->h[i] ^= v[i] ^ v[i + 8];
}

#if defined(__x86_64__) && !defined(NONOS_FREESTANDING) && !defined(NONOS_CRYPTO_SCALAR)
/* Hosts with AVX2: the same F with the working vector as four rows of four
 * words (a = v0..v3, b = v4..v7, c = v8..v11, d = v12..v15), so one G line
 * runs the four column (or diagonal) G of a step at once. Rotating a, c and d
 * by three, one and two lanes lines the diagonals up as lanes (lane j holds
 * a[j-1], b[j], c[j+1], d[j+2], so the diagonal G(v3,v4,v9,v14) is lane 0 and
 * takes message words s[14], s[15]); b, the last result of G and the first
 * input of the next, is never shuffled, which keeps shuffles off the
 * dependency chain. The same trick serves ChaCha20 and Argon2id. The message words of each step are gathered
 * into vectors from a copy of the block (x86_64 is little-endian, so the copy
 * is the words), wiped once per call. Selected at run time; the kernel and the
 * loader keep the scalar F, and the tests check both against libsodium
 * (-DNONOS_CRYPTO_SCALAR builds the scalar one alone). */
#define BLAKE2B_WIDE 1
typedef uint64_t u64x4 __attribute__((vector_size(32)));

#define ROTR_X4(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define G_X4(a, b, c, d, x, y)           \
    do {                                 \
        a = a + b + (x);                 \
        d = ROTR_X4(d ^ a, 32);          \
        c = c + d;                       \
        b = ROTR_X4(b ^ c, 24);          \
        a = a + b + (y);                 \
        d = ROTR_X4(d ^ a, 16);          \
        c = c + d;                       \
        b = ROTR_X4(b ^ c, 63);          \
    } while (0)

#define ROUND_X4(r)                                                                 \
    do {                                                                            \
        const uint8_t *s = blake2b_sigma[r];                                        \
        u64x4 m0 = { m[s[0]], m[s[2]], m[s[4]], m[s[6]] };                          \
        u64x4 m1 = { m[s[1]], m[s[3]], m[s[5]], m[s[7]] };                          \
        u64x4 m2 = { m[s[14]], m[s[8]], m[s[10]], m[s[12]] };                       \
        u64x4 m3 = { m[s[15]], m[s[9]], m[s[11]], m[s[13]] };                       \
        G_X4(a, b, c, d, m0, m1);                                                   \
        a = __builtin_shufflevector(a, a, 3, 0, 1, 2);                              \
        c = __builtin_shufflevector(c, c, 1, 2, 3, 0);                              \
        d = __builtin_shufflevector(d, d, 2, 3, 0, 1);                              \
        G_X4(a, b, c, d, m2, m3);                                                   \
        a = __builtin_shufflevector(a, a, 1, 2, 3, 0);                              \
        c = __builtin_shufflevector(c, c, 3, 0, 1, 2);                              \
        d = __builtin_shufflevector(d, d, 2, 3, 0, 1);                              \
    } while (0)

__attribute__((target("avx2"))) static void
blake2b_blocks_wide(struct blake2b_state *state, const uint8_t *block, size_t blocks,
                    uint64_t last)
{
    u64x4 h0, h1;
    __builtin_memcpy(&h0, state->h, 32);
    __builtin_memcpy(&h1, state->h + 4, 32);
    const u64x4 iv0 = { blake2b_iv[0], blake2b_iv[1], blake2b_iv[2], blake2b_iv[3] };
    const u64x4 iv1 = { blake2b_iv[4], blake2b_iv[5], blake2b_iv[6], blake2b_iv[7] };
    uint64_t m[16];
    for (; blocks > 0; blocks--, block += BLAKE2B_BLOCK_SIZE) {
        __builtin_memcpy(m, block, sizeof m);
        blake2b_count(state, last ? state->buffer_len : BLAKE2B_BLOCK_SIZE);
        u64x4 a = h0, b = h1, c = iv0;
        u64x4 d = iv1 ^ (u64x4){ state->t[0], state->t[1], (uint64_t)0 - last, 0 };
        ROUND_X4(0); ROUND_X4(1); ROUND_X4(2); ROUND_X4(3); ROUND_X4(4); ROUND_X4(5);
        ROUND_X4(6); ROUND_X4(7); ROUND_X4(8); ROUND_X4(9); ROUND_X4(10); ROUND_X4(11);
        h0 ^= a ^ c;
        h1 ^= b ^ d;
    }
    __builtin_memcpy(state->h, &h0, 32);
    __builtin_memcpy(state->h + 4, &h1, 32);
    crypto_wipe(m, sizeof m);
}
#endif

/* Counts and compresses `blocks` full, non-final blocks. */
static void blake2b_compress(struct blake2b_state *state, const uint8_t *data,
                             size_t blocks)
{
#ifdef BLAKE2B_WIDE
    if (__builtin_cpu_supports("avx2")) {
        blake2b_blocks_wide(state, data, blocks, 0);
        return;
    }
#endif
    for (; blocks > 0; blocks--, data += BLAKE2B_BLOCK_SIZE) {
        blake2b_count(state, BLAKE2B_BLOCK_SIZE);
        blake2b_block(state, data, 0);
    }
}

/* Counts and compresses the buffered bytes, zero-padded, as the last block. */
static void blake2b_compress_last(struct blake2b_state *state)
{
    __builtin_memset(state->buffer + state->buffer_len, 0,
                     BLAKE2B_BLOCK_SIZE - state->buffer_len);
#ifdef BLAKE2B_WIDE
    if (__builtin_cpu_supports("avx2")) {
        blake2b_blocks_wide(state, state->buffer, 1, 1);
        return;
    }
#endif
    blake2b_count(state, state->buffer_len);
    blake2b_block(state, state->buffer, 1);
}

enum crypto_result blake2b_init(struct blake2b_state *state, size_t outlen,
                                const uint8_t *key, size_t keylen)
{
    if (outlen == 0 || outlen > BLAKE2B_MAX_OUTPUT || keylen > BLAKE2B_MAX_KEY ||
        (key == NULL && keylen > 0))
        return CRYPTO_ERR_PARAMETER;
    for (int i = 0; i < 8; i++)
        state->h[i] = blake2b_iv[i];
    /* Parameter block word 0: digest length, key length, fanout 1, depth 1. */
    state->h[0] ^= 0x01010000 ^ ((uint64_t)keylen << 8) ^ outlen;
    state->t[0] = state->t[1] = 0;
    state->outlen = outlen;
    state->buffer_len = 0;
    if (keylen > 0) {
        /* The key, zero-padded to a full block, is the first block. */
        __builtin_memset(state->buffer, 0, BLAKE2B_BLOCK_SIZE);
        __builtin_memcpy(state->buffer, key, keylen);
        state->buffer_len = BLAKE2B_BLOCK_SIZE;
    }
    return CRYPTO_OK;
}

void blake2b_update(struct blake2b_state *state, const uint8_t *in, size_t inlen)
{
    if (inlen == 0)
        return;
    size_t room = BLAKE2B_BLOCK_SIZE - state->buffer_len;
    if (inlen > room) {
        /* More input follows the buffered bytes: fill and compress them. */
        __builtin_memcpy(state->buffer + state->buffer_len, in, room);
        blake2b_compress(state, state->buffer, 1);
        state->buffer_len = 0;
        in += room;
        inlen -= room;
        /* Keep at least one byte back: it may be the last block. */
        size_t blocks = (inlen - 1) / BLAKE2B_BLOCK_SIZE;
        if (blocks > 0) {
            blake2b_compress(state, in, blocks);
            in += blocks * BLAKE2B_BLOCK_SIZE;
            inlen -= blocks * BLAKE2B_BLOCK_SIZE;
        }
    }
    __builtin_memcpy(state->buffer + state->buffer_len, in, inlen);
    state->buffer_len += inlen;
}

enum crypto_result blake2b_final(struct blake2b_state *state, uint8_t *out,
                                 size_t outlen)
{
    if (outlen != state->outlen) {
        crypto_wipe(out, outlen);
        crypto_wipe(state, sizeof(*state));
        return CRYPTO_ERR_PARAMETER;
    }
    blake2b_compress_last(state);
    /* The digest is h in little-endian order, cut to outlen bytes. */
    for (size_t i = 0; i < outlen; i++)
        out[i] = (uint8_t)(state->h[i / 8] >> (8 * (i % 8)));
    crypto_wipe(state, sizeof(*state));
    return CRYPTO_OK;
}

enum crypto_result blake2b(uint8_t *out, size_t outlen, const uint8_t *key,
                           size_t keylen, const uint8_t *in, size_t inlen)
{
    struct blake2b_state state;
    enum crypto_result result = blake2b_init(&state, outlen, key, keylen);
    if (result != CRYPTO_OK) {
        crypto_wipe(out, outlen);
        return result;
    }
    blake2b_update(&state, in, inlen);
    return blake2b_final(&state, out, outlen);
}
