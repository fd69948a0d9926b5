/* ChaCha20, HChaCha20 and XChaCha20 (see chacha20.h).
 *
 * The portable core computes one 64-byte block at a time from a 16-word
 * state; it is what the kernel, the loader and capsules run. Host builds on
 * x86_64 (never NONOS_FREESTANDING, which forbids vector registers) add a
 * vector path, written with the compiler's generic vector types and selected
 * at run time when the CPU has AVX2: eight blocks at once (one per lane),
 * and single blocks with the state's rows as vectors. Both paths give
 * identical output; the tests check each against libsodium. Define
 * NONOS_CRYPTO_SCALAR to build the portable core only.
 *
 * Invariant: no function writes a byte of output before it has checked that
 * the whole request fits in the 32-bit block counter. */
#include "crypto/chacha20.h"

#include "base/endian.h"

#if defined(__x86_64__) && !defined(NONOS_FREESTANDING) && \
    !defined(NONOS_CRYPTO_SCALAR)
#define CHACHA20_WIDE 1
#endif

/* "expand 32-byte k" as four little-endian words (RFC 8439 §2.3). */
#define CHACHA20_CONSTANT_0 0x61707865u
#define CHACHA20_CONSTANT_1 0x3320646eu
#define CHACHA20_CONSTANT_2 0x79622d32u
#define CHACHA20_CONSTANT_3 0x6b206574u

/* crypto_wipe for the small fixed-size work areas of this file, inline: the
 * same zeroing behind the same barrier, but two vector stores instead of two
 * calls (crypto_wipe, then memset), which cost a tenth of a 64-byte call. */
static inline __attribute__((always_inline)) void chacha20_wipe(void *p, size_t len)
{
    __builtin_memset(p, 0, len);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

#define QUARTER_ROUND(a, b, c, d)            \
    do {                                     \
        a += b; d ^= a; d = rotl32(d, 16);   \
        c += d; b ^= c; b = rotl32(b, 12);   \
        a += b; d ^= a; d = rotl32(d, 8);    \
        c += d; b ^= c; b = rotl32(b, 7);    \
    } while (0)

#ifdef CHACHA20_WIDE
typedef uint32_t u32x4_init __attribute__((vector_size(16)));

/* Hosts (x86_64, little-endian): the state written as four 16-byte rows, so
 * that the single-block vector path, which loads whole rows, reads them
 * straight from the store buffer; sixteen 4-byte stores followed by 16-byte
 * loads would stall every call. Same words as the portable form below. */
static void chacha20_state_init(uint32_t state[16], const uint8_t key[32],
                                const uint8_t nonce[12], uint32_t counter)
{
    u32x4_init rows[4] = { { CHACHA20_CONSTANT_0, CHACHA20_CONSTANT_1, CHACHA20_CONSTANT_2,
                             CHACHA20_CONSTANT_3 } };
    __builtin_memcpy(&rows[1], key, 16);
    __builtin_memcpy(&rows[2], key + 16, 16);
    uint32_t words[3];
    __builtin_memcpy(words, nonce, 12);
    rows[3] = (u32x4_init){ counter, words[0], words[1], words[2] };
    __builtin_memcpy(state, rows, 64);
}
#else
static void chacha20_state_init(uint32_t state[16], const uint8_t key[32],
                                const uint8_t nonce[12], uint32_t counter)
{
    state[0] = CHACHA20_CONSTANT_0;
    state[1] = CHACHA20_CONSTANT_1;
    state[2] = CHACHA20_CONSTANT_2;
    state[3] = CHACHA20_CONSTANT_3;
    for (int i = 0; i < 8; i++)
        state[4 + i] = load32_le(key + 4 * i);
    state[12] = counter;
    for (int i = 0; i < 3; i++)
        state[13 + i] = load32_le(nonce + 4 * i);
}
#endif

/* The 20 rounds (ten column-and-diagonal double rounds) on x, in place. */
static void chacha20_rounds(uint32_t x[16])
{
    for (int i = 0; i < 10; i++) {
        QUARTER_ROUND(x[0], x[4], x[8], x[12]);
        QUARTER_ROUND(x[1], x[5], x[9], x[13]);
        QUARTER_ROUND(x[2], x[6], x[10], x[14]);
        QUARTER_ROUND(x[3], x[7], x[11], x[15]);
        QUARTER_ROUND(x[0], x[5], x[10], x[15]);
        QUARTER_ROUND(x[1], x[6], x[11], x[12]);
        QUARTER_ROUND(x[2], x[7], x[8], x[13]);
        QUARTER_ROUND(x[3], x[4], x[9], x[14]);
    }
}

/* One keystream block of `state` as 16 words; the caller advances the
 * counter. */
static void chacha20_block_words(uint32_t out[16], const uint32_t state[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = state[i];
    chacha20_rounds(out);
    for (int i = 0; i < 16; i++)
        out[i] += state[i];
}

/* Whole blocks, one at a time. `in` may be NULL for raw keystream. */
static void chacha20_blocks_portable(uint32_t state[16], uint8_t *out,
                                     const uint8_t *in, size_t blocks)
{
    uint32_t x[16];
    for (size_t b = 0; b < blocks; b++) {
        chacha20_block_words(x, state);
        for (int i = 0; i < 16; i++) {
            uint32_t word = in ? load32_le(in + 4 * i) ^ x[i] : x[i];
            store32_le(out + 4 * i, word);
        }
        state[12]++;
        out += 64;
        if (in)
            in += 64;
    }
    chacha20_wipe(x, sizeof x);
}

#ifdef CHACHA20_WIDE
/* Eight blocks side by side: lane j of vector i holds word i of block j. */
typedef uint32_t u32x8 __attribute__((vector_size(32)));

#define ROTL_X8(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QUARTER_ROUND_X8(a, b, c, d)                  \
    do {                                              \
        a += b; d ^= a; d = ROTL_X8(d, 16);           \
        c += d; b ^= c; b = ROTL_X8(b, 12);           \
        a += b; d ^= a; d = ROTL_X8(d, 8);            \
        c += d; b ^= c; b = ROTL_X8(b, 7);            \
    } while (0)

#define WIDE_TARGET __attribute__((target("avx2")))

/* Transposes the 8x8 word matrix rows[0..7] so that rows[j] holds the eight
 * words of block j (interleave 32-bit, then 64-bit, then 128-bit halves). */
WIDE_TARGET static void chacha20_transpose_x8(u32x8 rows[8])
{
    u32x8 a[8], b[8];
    for (int i = 0; i < 8; i += 2) {
        a[i] = __builtin_shufflevector(rows[i], rows[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        a[i + 1] = __builtin_shufflevector(rows[i], rows[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        b[i] = __builtin_shufflevector(a[i], a[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        b[i + 1] = __builtin_shufflevector(a[i], a[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        b[i + 2] = __builtin_shufflevector(a[i + 1], a[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        b[i + 3] = __builtin_shufflevector(a[i + 1], a[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int i = 0; i < 4; i++) {
        rows[i] = __builtin_shufflevector(b[i], b[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        rows[i + 4] = __builtin_shufflevector(b[i], b[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/* Writes half (32 bytes) of each of the eight blocks: words 0-7 or 8-15. */
WIDE_TARGET static void chacha20_store_x8(uint8_t *out, const uint8_t *in,
                                          u32x8 rows[8])
{
    chacha20_transpose_x8(rows);
    for (int j = 0; j < 8; j++) {
        u32x8 v = rows[j];
        if (in) {
            u32x8 m;
            __builtin_memcpy(&m, in + 64 * j, 32);
            v ^= m;
        }
        __builtin_memcpy(out + 64 * j, &v, 32);
    }
}

/* x is the caller's work area, wiped once per call rather than per group. */
WIDE_TARGET static void chacha20_eight_blocks(const uint32_t state[16],
                                              uint8_t *out, const uint8_t *in,
                                              u32x8 x[16])
{
    u32x8 start[16];
    for (int i = 0; i < 16; i++)
        start[i] = (u32x8){ 0 } + state[i];
    start[12] += (u32x8){ 0, 1, 2, 3, 4, 5, 6, 7 };
    for (int i = 0; i < 16; i++)
        x[i] = start[i];
    for (int i = 0; i < 10; i++) {
        QUARTER_ROUND_X8(x[0], x[4], x[8], x[12]);
        QUARTER_ROUND_X8(x[1], x[5], x[9], x[13]);
        QUARTER_ROUND_X8(x[2], x[6], x[10], x[14]);
        QUARTER_ROUND_X8(x[3], x[7], x[11], x[15]);
        QUARTER_ROUND_X8(x[0], x[5], x[10], x[15]);
        QUARTER_ROUND_X8(x[1], x[6], x[11], x[12]);
        QUARTER_ROUND_X8(x[2], x[7], x[8], x[13]);
        QUARTER_ROUND_X8(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        x[i] += start[i];
    chacha20_store_x8(out, in, x);
    chacha20_store_x8(out + 32, in ? in + 32 : NULL, x + 8);
}

/* One block with the four rows of the state as four vectors: the column
 * round works on all four columns at once, and rotating rows 0, 2 and 3 by
 * three, one and two lanes lines the diagonals up as columns for the
 * diagonal round (lane j gets a[j-1], b[j], c[j+1], d[j+2]). Row 1 stays put
 * because it is the last one computed in each half round: a shuffle of it
 * would lengthen the dependency chain, while the other three are shuffled
 * while row 1 is still being computed. */
typedef uint32_t u32x4 __attribute__((vector_size(16)));

WIDE_TARGET static inline __attribute__((always_inline)) void
chacha20_rounds_x4(u32x4 row[4])
{
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
        QUARTER_ROUND_X8(row[0], row[1], row[2], row[3]);
        row[0] = __builtin_shufflevector(row[0], row[0], 3, 0, 1, 2);
        row[2] = __builtin_shufflevector(row[2], row[2], 1, 2, 3, 0);
        row[3] = __builtin_shufflevector(row[3], row[3], 2, 3, 0, 1);
        QUARTER_ROUND_X8(row[0], row[1], row[2], row[3]);
        row[0] = __builtin_shufflevector(row[0], row[0], 1, 2, 3, 0);
        row[2] = __builtin_shufflevector(row[2], row[2], 3, 0, 1, 2);
        row[3] = __builtin_shufflevector(row[3], row[3], 2, 3, 0, 1);
    }
}

WIDE_TARGET static void chacha20_one_block_x4(const uint32_t state[16],
                                              uint8_t *out, const uint8_t *in,
                                              u32x4 row[4])
{
    u32x4 start[4];
    __builtin_memcpy(start, state, 64);
    for (int i = 0; i < 4; i++)
        row[i] = start[i];
    chacha20_rounds_x4(row);
    for (int i = 0; i < 4; i++) {
        u32x4 v = row[i] + start[i];
        if (in) {
            u32x4 m;
            __builtin_memcpy(&m, in + 16 * i, 16);
            v ^= m;
        }
        __builtin_memcpy(out + 16 * i, &v, 16);
        row[i] = v;
    }
}

/* A request of 1 to 64 bytes: one block straight from the key and nonce in
 * vector registers, with no state array to fill and wipe and no dispatch,
 * since for short messages that bookkeeping costs as much as the rounds. */
WIDE_TARGET static void chacha20_short_x4(uint8_t *out, const uint8_t *in, size_t len,
                                          const uint8_t key[32], const uint8_t nonce[12],
                                          uint32_t counter)
{
    u32x4 start[4] = { { CHACHA20_CONSTANT_0, CHACHA20_CONSTANT_1, CHACHA20_CONSTANT_2,
                         CHACHA20_CONSTANT_3 } };
    uint32_t words[3];
    __builtin_memcpy(&start[1], key, 16);
    __builtin_memcpy(&start[2], key + 16, 16);
    __builtin_memcpy(words, nonce, 12);
    start[3] = (u32x4){ counter, words[0], words[1], words[2] };
    u32x4 row[4] = { start[0], start[1], start[2], start[3] };
    chacha20_rounds_x4(row);
    for (int i = 0; i < 4; i++)
        row[i] += start[i];
    if (len == 64) {
        for (int i = 0; i < 4; i++) {
            u32x4 v = row[i];
            if (in) {
                u32x4 m;
                __builtin_memcpy(&m, in + 16 * i, 16);
                v ^= m;
            }
            __builtin_memcpy(out + 16 * i, &v, 16);
        }
    } else {
        const uint8_t *keystream = (const uint8_t *)row;
        for (size_t i = 0; i < len; i++)
            out[i] = in ? (uint8_t)(in[i] ^ keystream[i]) : keystream[i];
    }
    chacha20_wipe(row, sizeof row);
    chacha20_wipe(start, sizeof start);
}

/* Consumes the blocks with vector code when the CPU has AVX2: groups of
 * eight, then single blocks. Returns the blocks done (0 without AVX2). The
 * keystream left in the work areas is wiped once at the end. */
static size_t chacha20_blocks_wide(uint32_t state[16], uint8_t *out,
                                   const uint8_t *in, size_t blocks)
{
    if (!__builtin_cpu_supports("avx2"))
        return 0;
    size_t done = 0;
    if (blocks >= 4) {
        u32x8 work[16];
        for (; blocks - done >= 8; done += 8) {
            size_t offset = 64 * done;
            chacha20_eight_blocks(state, out + offset, in ? in + offset : NULL, work);
            state[12] += 8;
        }
        /* Four to seven blocks left: one more group of eight into a
         * keystream buffer, of which the rest is dropped (twice the work of
         * the blocks needed, but a quarter of the time of doing them one by
         * one). Lanes past the counter's end may wrap: they are dropped. */
        size_t left = blocks - done;
        if (left >= 4) {
            uint8_t keystream[8 * CHACHA20_BLOCK_SIZE];
            size_t offset = 64 * done;
            chacha20_eight_blocks(state, keystream, NULL, work);
            for (size_t i = 0; i < 64 * left; i += 16) {
                u32x4 k, m = { 0, 0, 0, 0 };
                __builtin_memcpy(&k, keystream + i, 16);
                if (in)
                    __builtin_memcpy(&m, in + offset + i, 16);
                k ^= m;
                __builtin_memcpy(out + offset + i, &k, 16);
            }
            state[12] += (uint32_t)left;
            done += left;
            chacha20_wipe(keystream, sizeof keystream);
        }
        crypto_wipe(work, sizeof work);
    }
    if (done < blocks) {
        u32x4 rows[4];
        for (; done < blocks; done++) {
            size_t offset = 64 * done;
            chacha20_one_block_x4(state, out + offset, in ? in + offset : NULL, rows);
            state[12]++;
        }
        chacha20_wipe(rows, sizeof rows);
    }
    return done;
}
#endif

/* Whole blocks, the vector paths first when there are any. */
static void chacha20_blocks(uint32_t state[16], uint8_t *out,
                            const uint8_t *in, size_t blocks)
{
#ifdef CHACHA20_WIDE
    size_t done = chacha20_blocks_wide(state, out, in, blocks);
    out += 64 * done;
    if (in)
        in += 64 * done;
    blocks -= done;
    if (blocks == 0)
        return;
#endif
    chacha20_blocks_portable(state, out, in, blocks);
}

/* True when ceil(len / 64) blocks starting at `counter` stay below 2^32. */
static bool chacha20_fits_counter(size_t len, uint32_t counter)
{
    uint64_t blocks = (uint64_t)(len / 64) + (len % 64 != 0);
    return blocks <= (uint64_t)UINT32_MAX - counter + 1;
}

/* The shared body of chacha20_xor and chacha20_keystream (in == NULL).
 * Not inlined, so that chacha20_process can wipe its frames. */
__attribute__((noinline)) static enum crypto_result
chacha20_process_work(uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[32],
                      const uint8_t nonce[12], uint32_t counter)
{
    if (!chacha20_fits_counter(len, counter))
        return CRYPTO_ERR_PARAMETER;
    if (len == 0)
        return CRYPTO_OK; /* out and in may be NULL then */
    uint32_t state[16];
    chacha20_state_init(state, key, nonce, counter);
    size_t whole = len / 64;
    chacha20_blocks(state, out, in, whole);
    size_t tail = len % 64;
    if (tail != 0) {
        uint8_t block[64];
        chacha20_blocks(state, block, NULL, 1);
        size_t offset = 64 * whole;
        for (size_t i = 0; i < tail; i++)
            out[offset + i] = in ? (uint8_t)(in[offset + i] ^ block[i]) : block[i];
        chacha20_wipe(block, sizeof block);
    }
    chacha20_wipe(state, sizeof state);
    return CRYPTO_OK;
}

/* Requests of CHACHA20_WIPE_FROM bytes or more take the eight-block vector
 * path or the portable loop long enough for the compiler to spill state
 * words (key words among them) into its frames: those frames, up to
 * CHACHA20_STACK_DEPTH bytes (measured: 3 KiB for the AVX2 path), are
 * wiped after the call. Shorter requests leave no key word behind (checked by
 * the residue test) and skip the wipe, which would cost as much as the
 * cipher there. */
#define CHACHA20_WIPE_FROM 256
#define CHACHA20_STACK_DEPTH 3584

static enum crypto_result chacha20_process(uint8_t *out, const uint8_t *in, size_t len,
                                           const uint8_t key[32], const uint8_t nonce[12],
                                           uint32_t counter)
{
#ifdef CHACHA20_WIDE
    /* One block always fits the counter (counter <= 2^32 - 1). */
    if (len != 0 && len <= CHACHA20_BLOCK_SIZE && __builtin_cpu_supports("avx2")) {
        chacha20_short_x4(out, in, len, key, nonce, counter);
        return CRYPTO_OK;
    }
#endif
    enum crypto_result result = chacha20_process_work(out, in, len, key, nonce, counter);
    if (len >= CHACHA20_WIPE_FROM)
        crypto_wipe_stack(CHACHA20_STACK_DEPTH);
    return result;
}

void chacha20_block(uint8_t out[64], const uint8_t key[32],
                    const uint8_t nonce[12], uint32_t counter)
{
    uint32_t state[16];
    chacha20_state_init(state, key, nonce, counter);
    chacha20_blocks(state, out, NULL, 1);
    chacha20_wipe(state, sizeof state);
}

enum crypto_result chacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
                                const uint8_t key[32], const uint8_t nonce[12],
                                uint32_t counter)
{
    return chacha20_process(out, in, len, key, nonce, counter);
}

enum crypto_result chacha20_keystream(uint8_t *out, size_t len,
                                      const uint8_t key[32],
                                      const uint8_t nonce[12], uint32_t counter)
{
    return chacha20_process(out, NULL, len, key, nonce, counter);
}

/* HChaCha20 (draft-irtf-cfrg-xchacha §2.2): the ChaCha20 rounds with the
 * 16-byte nonce in words 12-15 and no final addition; the output is words
 * 0-3 and 12-15, which an attacker who knows the nonce cannot relate back to
 * the key without the missing feed-forward. */
void hchacha20(uint8_t out[32], const uint8_t key[32], const uint8_t nonce[16])
{
    uint32_t x[16];
    chacha20_state_init(x, key, nonce + 4, load32_le(nonce));
    chacha20_rounds(x);
    for (int i = 0; i < 4; i++) {
        store32_le(out + 4 * i, x[i]);
        store32_le(out + 16 + 4 * i, x[12 + i]);
    }
    chacha20_wipe(x, sizeof x);
}

enum crypto_result xchacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
                                 const uint8_t key[32], const uint8_t nonce[24],
                                 uint32_t counter)
{
    if (!chacha20_fits_counter(len, counter))
        return CRYPTO_ERR_PARAMETER;
    uint8_t subkey[32];
    uint8_t short_nonce[12] = { 0 };
    hchacha20(subkey, key, nonce);
    for (int i = 0; i < 8; i++)
        short_nonce[4 + i] = nonce[16 + i];
    enum crypto_result result =
        chacha20_process(out, in, len, subkey, short_nonce, counter);
    chacha20_wipe(subkey, sizeof subkey);
    return result;
}
