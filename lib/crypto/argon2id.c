/* Argon2id (RFC 9106 section 3): H0 from all inputs, two first blocks per
 * lane from H', then t passes in which every block is the compression G of
 * its predecessor and a reference block, and the tag is H' of the XOR of the
 * lanes' last blocks.
 *
 * Side channels: the first half of the first pass (slices 0 and 1) picks
 * reference blocks from a counter-driven address stream (data-independent,
 * as Argon2i); the rest picks them from the previous block's contents
 * (data-dependent, as Argon2d). That memory-access pattern depends on the
 * password by design of the algorithm: it is what makes Argon2id expensive
 * for GPUs. Everything else (H0, H', G) has no secret-dependent branch or
 * index. Lanes are filled in turn within each slice; the RFC only requires
 * that a slice finish in all lanes before the next begins. */
#include "crypto/argon2id.h"

#include "base/endian.h"
#include "crypto/blake2b.h"

#define SYNC_POINTS 4     /* slices per pass */
#define ARGON2ID_TYPE 2   /* y in H0 and in the address input block */
#define WORDS (ARGON2ID_BLOCK_SIZE / 8)

struct argon2id_instance {
    struct argon2id_block *memory; /* lanes * lane_length blocks, row by lane */
    uint32_t passes, lanes, lane_length, segment_length, blocks;
};

/* Where a block is being computed. */
struct argon2id_position {
    uint32_t pass, lane, slice, index; /* index: within the segment */
};

/* The compression function G works on 4-word vectors (clang's portable
 * vector extension, no intrinsics): a block is 32 of them, W[0..31], W[j]
 * holding words 4j..4j+3. The RFC's 16-byte registers are the halves of these
 * vectors, so each vector carries two of them, and P runs on four vectors at
 * once (a, b, c, d of the RFC's v0..v15, four GB columns side by side). On
 * x86_64 hosts the AVX2 clone (target_clones below) turns every operation
 * into one 256-bit instruction (BlaMka's multiply is vpmuludq, the rotations
 * by 32, 24 and 16 are shuffles); the default clone gets pairs of SSE2
 * instructions; the kernel and the loader (general registers only) get
 * scalar code, and the known-answer tests run against that build too.
 * Every helper is always_inline: a helper left out of line would be one
 * shared SSE2 function called by both clones. */
typedef uint64_t vec __attribute__((vector_size(32)));

/* The helpers below pass vec by value. Without AVX that would change the
 * calling convention (-Wpsabi), but every one of them is always_inline, so no
 * call with a vec argument is ever emitted. */
#pragma clang diagnostic ignored "-Wpsabi"

#define VECS (ARGON2ID_BLOCK_SIZE / 32)
#define INLINE static inline __attribute__((always_inline))

/* Loads and stores go through memcpy, not pointer casts, so no aliasing or
 * alignment rule is bent; they compile to single moves. (Pointer forms: a vec
 * returned by value from a call in the non-AVX clone is a hard error.) */
INLINE void vec_load(vec *v, const uint64_t *words)
{
    __builtin_memcpy(v, words, sizeof(*v));
}

INLINE void vec_store(uint64_t *words, const vec *v)
{
    __builtin_memcpy(words, v, sizeof(*v));
}

INLINE vec vec_rotr(vec x, int n)
{
    return (x >> n) | (x << (64 - n));
}

/* BlaMka: a + b + 2 * lo32(a) * lo32(b), the multiply that makes G costly
 * in hardware (section 3.6). */
INLINE vec blamka(vec a, vec b)
{
    vec product = (a & 0xffffffff) * (b & 0xffffffff);
    return a + b + product + product;
}

/* GB (section 3.6) on four columns of words at once. */
#define GB(a, b, c, d)                 \
    do {                               \
        a = blamka(a, b);              \
        d = vec_rotr(d ^ a, 32);       \
        c = blamka(c, d);              \
        b = vec_rotr(b ^ c, 24);       \
        a = blamka(a, b);              \
        d = vec_rotr(d ^ a, 16);       \
        c = blamka(c, d);              \
        b = vec_rotr(b ^ c, 63);       \
    } while (0)

/* The permutation P on v0..v15 = a || b || c || d. Column step:
 * GB(v0,v4,v8,v12) .. GB(v3,v7,v11,v15), one per lane. Diagonal step
 * GB(v0,v5,v10,v15), GB(v1,v6,v11,v12), GB(v2,v7,v8,v13), GB(v3,v4,v9,v14):
 * rotating a, c, d by three, one and two lanes lines the diagonals up as
 * lanes, and rotating back restores the order. */
INLINE void permute(vec *a, vec *b, vec *c, vec *d)
{
    GB(*a, *b, *c, *d);
    /* b is the last result of GB and the first input of the next one: it
     * stays put, and a, c, d move instead (lane j then holds a[j-1], b[j],
     * c[j+1], d[j+2], the same four diagonals), so no shuffle lengthens the
     * dependency chain. */
    *a = __builtin_shufflevector(*a, *a, 3, 0, 1, 2);
    *c = __builtin_shufflevector(*c, *c, 1, 2, 3, 0);
    *d = __builtin_shufflevector(*d, *d, 2, 3, 0, 1);
    GB(*a, *b, *c, *d);
    *a = __builtin_shufflevector(*a, *a, 1, 2, 3, 0);
    *c = __builtin_shufflevector(*c, *c, 3, 0, 1, 2);
    *d = __builtin_shufflevector(*d, *d, 2, 3, 0, 1);
}

/* Row i of the RFC's 8x8 register matrix is W[4i..4i+3]: P on it directly. */
INLINE void permute_rows(vec w[VECS])
{
    for (int i = 0; i < VECS; i += 4)
        permute(&w[i], &w[i + 1], &w[i + 2], &w[i + 3]);
}

/* Columns 2j and 2j+1 of the register matrix are the low and high halves of
 * W[j + 4k], k = 0..7: regroup them into two rows of four vectors, run P on
 * each, and put the halves back. */
INLINE void permute_column_pair(vec w[VECS], int j)
{
    vec lo[4], hi[4];
    for (int k = 0; k < 4; k++) {
        vec first = w[j + 8 * k], second = w[j + 8 * k + 4];
        lo[k] = __builtin_shufflevector(first, second, 0, 1, 4, 5);
        hi[k] = __builtin_shufflevector(first, second, 2, 3, 6, 7);
    }
    permute(&lo[0], &lo[1], &lo[2], &lo[3]);
    permute(&hi[0], &hi[1], &hi[2], &hi[3]);
    for (int k = 0; k < 4; k++) {
        w[j + 8 * k] = __builtin_shufflevector(lo[k], hi[k], 0, 1, 4, 5);
        w[j + 8 * k + 4] = __builtin_shufflevector(lo[k], hi[k], 2, 3, 6, 7);
    }
}

/* G (section 3.5): R = X ^ Y; P over the 8 rows, then the 8 columns of R seen
 * as an 8x8 matrix of registers; result P(R) ^ R. With xor_old (the passes
 * after the first, version 0x13) the result is XORed into dst. */
#if defined(__x86_64__) && !defined(NONOS_FREESTANDING)
/* On hosts the same code is also compiled for AVX2 and the loader picks the
 * variant the CPU supports (an ifunc); suite 20 checks that the AVX2 clone
 * is 256-bit VEX code with no call left in it. The kernel keeps one version. */
__attribute__((target_clones("avx2", "default")))
#endif
static void block_compress(struct argon2id_block *dst, const struct argon2id_block *x,
                           const struct argon2id_block *y, int xor_old)
{
    /* r = X ^ Y (^ the old block, read here at the start, where its load
     * overlaps the work instead of stalling the final stores). */
    vec r[VECS], z[VECS];
    for (int i = 0; i < VECS; i++) {
        vec from_x, from_y, old = { 0, 0, 0, 0 };
        vec_load(&from_x, &x->v[4 * i]);
        vec_load(&from_y, &y->v[4 * i]);
        if (xor_old)
            vec_load(&old, &dst->v[4 * i]);
        z[i] = from_x ^ from_y;
        r[i] = z[i] ^ old;
    }
    permute_rows(z);
    for (int j = 0; j < 4; j++)
        permute_column_pair(z, j);
    for (int i = 0; i < VECS; i++) {
        vec result = z[i] ^ r[i];
        vec_store(&dst->v[4 * i], &result);
    }
}

/* H' (section 3.3): a variable-length hash built from BLAKE2b-512. */
static void hash_long(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    struct blake2b_state state;
    uint8_t length[4], v[BLAKE2B_MAX_OUTPUT];
    store32_le(length, (uint32_t)out_len);
    size_t first = out_len <= BLAKE2B_MAX_OUTPUT ? out_len : BLAKE2B_MAX_OUTPUT;
    (void)blake2b_init(&state, first, NULL, 0);
    blake2b_update(&state, length, sizeof(length));
    blake2b_update(&state, in, in_len);
    (void)blake2b_final(&state, v, first);
    if (out_len <= BLAKE2B_MAX_OUTPUT) {
        __builtin_memcpy(out, v, out_len);
        crypto_wipe(v, sizeof(v));
        return;
    }
    /* Emit the first half of each V_i; the last V_{r+1} is whole. */
    for (; out_len > BLAKE2B_MAX_OUTPUT; out += 32, out_len -= 32) {
        __builtin_memcpy(out, v, 32);
        size_t next = out_len - 32 > BLAKE2B_MAX_OUTPUT ? BLAKE2B_MAX_OUTPUT : out_len - 32;
        (void)blake2b(v, next, NULL, 0, v, BLAKE2B_MAX_OUTPUT);
    }
    __builtin_memcpy(out, v, out_len);
    crypto_wipe(v, sizeof(v));
}

static void blake2b_add32(struct blake2b_state *state, uint32_t value)
{
    uint8_t bytes[4];
    store32_le(bytes, value);
    blake2b_update(state, bytes, sizeof(bytes));
}

static void blake2b_add_string(struct blake2b_state *state, const uint8_t *s, size_t len)
{
    blake2b_add32(state, (uint32_t)len);
    blake2b_update(state, s, len);
}

/* H0 (section 3.2 step 1): BLAKE2b-512 of the parameters and inputs. */
static void initial_hash(uint8_t h0[64], size_t tag_len, const struct argon2id_params *p)
{
    struct blake2b_state state;
    (void)blake2b_init(&state, 64, NULL, 0);
    blake2b_add32(&state, p->parallelism);
    blake2b_add32(&state, (uint32_t)tag_len);
    blake2b_add32(&state, p->m_cost);
    blake2b_add32(&state, p->t_cost);
    blake2b_add32(&state, ARGON2ID_VERSION);
    blake2b_add32(&state, ARGON2ID_TYPE);
    blake2b_add_string(&state, p->password, p->password_len);
    blake2b_add_string(&state, p->salt, p->salt_len);
    blake2b_add_string(&state, p->secret, p->secret_len);
    blake2b_add_string(&state, p->associated, p->associated_len);
    (void)blake2b_final(&state, h0, 64);
}

/* B[lane][0] and B[lane][1] = H'^1024(H0 || LE32(0 or 1) || LE32(lane)). */
static void fill_first_blocks(const struct argon2id_instance *a, const uint8_t h0[64])
{
    uint8_t input[72], bytes[ARGON2ID_BLOCK_SIZE];
    __builtin_memcpy(input, h0, 64);
    for (uint32_t lane = 0; lane < a->lanes; lane++) {
        for (uint32_t j = 0; j < 2; j++) {
            store32_le(input + 64, j);
            store32_le(input + 68, lane);
            hash_long(bytes, sizeof(bytes), input, sizeof(input));
            struct argon2id_block *b = &a->memory[(size_t)lane * a->lane_length + j];
            for (int i = 0; i < WORDS; i++)
                b->v[i] = load64_le(bytes + 8 * i);
        }
    }
    crypto_wipe(input, sizeof(input));
    crypto_wipe(bytes, sizeof(bytes));
}

/* The next block of data-independent addresses (section 3.4.1.2):
 * G(0, G(0, Z)) for the input block Z with its counter advanced. */
static void next_addresses(struct argon2id_block *addresses, struct argon2id_block *input)
{
    static const struct argon2id_block zero;
    input->v[6]++;
    block_compress(addresses, &zero, input, 0);
    block_compress(addresses, &zero, addresses, 0);
}

/* Maps the pseudo-random J1, J2 to a reference block (section 3.4.2). */
static size_t reference_block(const struct argon2id_instance *a,
                              const struct argon2id_position *pos, uint64_t pseudo)
{
    uint32_t j1 = (uint32_t)pseudo, j2 = (uint32_t)(pseudo >> 32);
    uint32_t ref_lane = pos->pass == 0 && pos->slice == 0 ? pos->lane : j2 % a->lanes;
    uint32_t done; /* blocks of finished segments in the reference area */
    if (pos->pass == 0)
        done = pos->slice * a->segment_length;
    else
        done = a->lane_length - a->segment_length;
    uint64_t area;
    if (ref_lane == pos->lane)
        area = (uint64_t)done + pos->index - 1; /* all but the previous block */
    else
        area = (uint64_t)done - (pos->index == 0 ? 1 : 0);
    uint64_t x = ((uint64_t)j1 * j1) >> 32;
    uint64_t y = (area * x) >> 32;
    uint64_t offset = area - 1 - y;
    uint64_t start = 0;
    if (pos->pass != 0 && pos->slice != SYNC_POINTS - 1)
        start = (uint64_t)(pos->slice + 1) * a->segment_length;
    return (size_t)ref_lane * a->lane_length + (size_t)((start + offset) % a->lane_length);
}

static void fill_segment(const struct argon2id_instance *a, struct argon2id_position pos)
{
    struct argon2id_block addresses, input = { { 0 } };
    int independent = pos.pass == 0 && pos.slice < SYNC_POINTS / 2;
    uint32_t first = pos.pass == 0 && pos.slice == 0 ? 2 : 0;
    input.v[0] = pos.pass;
    input.v[1] = pos.lane;
    input.v[2] = pos.slice;
    input.v[3] = a->blocks;
    input.v[4] = a->passes;
    input.v[5] = ARGON2ID_TYPE;
    size_t lane_start = (size_t)pos.lane * a->lane_length;
    for (pos.index = first; pos.index < a->segment_length; pos.index++) {
        size_t column = (size_t)pos.slice * a->segment_length + pos.index;
        size_t current = lane_start + column;
        size_t previous = column == 0 ? lane_start + a->lane_length - 1 : current - 1;
        uint64_t pseudo;
        if (independent) {
            if (pos.index == first || pos.index % WORDS == 0)
                next_addresses(&addresses, &input);
            pseudo = addresses.v[pos.index % WORDS];
        } else {
            pseudo = a->memory[previous].v[0];
        }
        /* RFC 9106 makes J1 || J2 (and so the reference index) depend on the
         * password from slice 2 of pass 0 on: that value, and only there, is
         * what the constant-time check may see steer a load. The condition
         * is the RFC's, not `independent`, so a bug that indexed by secret
         * data in slices 0-1 would still be reported (suite 20 runs such a
         * mutant). */
        if (pos.pass != 0 || pos.slice >= SYNC_POINTS / 2)
            CRYPTO_DECLASSIFY(&pseudo, sizeof(pseudo));
        size_t ref = reference_block(a, &pos, pseudo);
        block_compress(&a->memory[current], &a->memory[previous], &a->memory[ref],
                       pos.pass != 0);
    }
    crypto_wipe(&addresses, sizeof(addresses));
}

/* The tag: H'^T of the XOR of every lane's last block. */
static void finalize(const struct argon2id_instance *a, uint8_t *tag, size_t tag_len)
{
    struct argon2id_block c = a->memory[a->lane_length - 1];
    uint8_t bytes[ARGON2ID_BLOCK_SIZE];
    for (uint32_t lane = 1; lane < a->lanes; lane++) {
        const struct argon2id_block *last =
            &a->memory[(size_t)lane * a->lane_length + a->lane_length - 1];
        for (int i = 0; i < WORDS; i++)
            c.v[i] ^= last->v[i];
    }
    for (int i = 0; i < WORDS; i++)
        store64_le(bytes + 8 * i, c.v[i]);
    hash_long(tag, tag_len, bytes, sizeof(bytes));
    crypto_wipe(&c, sizeof(c));
    crypto_wipe(bytes, sizeof(bytes));
}

size_t argon2id_blocks_needed(uint32_t m_cost, uint32_t parallelism)
{
    if (parallelism == 0 || parallelism > ARGON2ID_MAX_LANES ||
        m_cost / 8 < parallelism)
        return 0;
    uint64_t group = (uint64_t)SYNC_POINTS * parallelism;
    return (size_t)(m_cost / group * group);
}

static int input_ok(const uint8_t *data, size_t len)
{
    return len <= ARGON2ID_MAX_INPUT && (data != NULL || len == 0);
}

static enum crypto_result check_params(const uint8_t *tag, size_t tag_len,
                                       const struct argon2id_params *p)
{
    if (tag == NULL || p == NULL || tag_len < ARGON2ID_MIN_TAG_SIZE ||
        tag_len > ARGON2ID_MAX_INPUT || p->t_cost == 0 ||
        argon2id_blocks_needed(p->m_cost, p->parallelism) == 0 ||
        !input_ok(p->password, p->password_len) || !input_ok(p->salt, p->salt_len) ||
        !input_ok(p->secret, p->secret_len) ||
        !input_ok(p->associated, p->associated_len))
        return CRYPTO_ERR_PARAMETER;
    return CRYPTO_OK;
}

enum crypto_result argon2id(uint8_t *tag, size_t tag_len,
                            const struct argon2id_params *params,
                            struct argon2id_block *work, size_t work_blocks)
{
    enum crypto_result result = check_params(tag, tag_len, params);
    size_t needed = result == CRYPTO_OK
        ? argon2id_blocks_needed(params->m_cost, params->parallelism) : 0;
    if (result == CRYPTO_OK && (work == NULL || work_blocks < needed))
        result = CRYPTO_ERR_MEMORY;
    if (result != CRYPTO_OK) {
        if (tag != NULL && tag_len <= ARGON2ID_MAX_INPUT)
            crypto_wipe(tag, tag_len);
        return result;
    }
    struct argon2id_instance a = {
        .memory = work,
        .passes = params->t_cost,
        .lanes = params->parallelism,
        .blocks = (uint32_t)needed,
        .lane_length = (uint32_t)(needed / params->parallelism),
        .segment_length = (uint32_t)(needed / params->parallelism / SYNC_POINTS),
    };
    uint8_t h0[64];
    initial_hash(h0, tag_len, params);
    fill_first_blocks(&a, h0);
    crypto_wipe(h0, sizeof(h0));
    for (uint32_t pass = 0; pass < a.passes; pass++)
        for (uint32_t slice = 0; slice < SYNC_POINTS; slice++)
            for (uint32_t lane = 0; lane < a.lanes; lane++)
                fill_segment(&a, (struct argon2id_position){ pass, lane, slice, 0 });
    finalize(&a, tag, tag_len);
    crypto_wipe(work, needed * sizeof(*work));
    return CRYPTO_OK;
}
