/* ChaCha20 fast-key-erasure generator and its seeding (see random.h).
 *
 * Health test: a simplified form of the two continuous tests of NIST SP
 * 800-90B §4.4, run once on each seeding sample, treating each byte as one
 * sample with an assumed min-entropy of H = 1 bit and a false-alarm rate of
 * alpha = 2^-20:
 *  - repetition count: no byte value may repeat RANDOM_RCT_CUTOFF times in a
 *    row; cutoff = 1 + ceil(20 / H) = 21.
 *  - adaptive proportion: in each window of 512 bytes, the window's first
 *    byte may not occur RANDOM_APT_CUTOFF times or more; for H = 1 the
 *    binomial critical value is 410 (SP 800-90B §4.4.2).
 * A stuck or badly biased source fails; a healthy one passes except with
 * probability about 2^-20 per test. The counting is branch-free so that the
 * test does not leak the sample through timing.
 *
 * Generation: block 0 of ChaCha20(key, zero nonce) gives the next key (bytes
 * 0-31) and the first 32 output bytes; blocks 1.. give the rest of the chunk.
 * The nonce can stay zero because no key is ever used twice, which holds
 * across copies of the generator only when the copy is detected: hence the
 * generation counter (random.h, "Clone detection"). */
#include "crypto/random.h"

#include "base/endian.h"
#include "crypto/chacha20.h"
#include "crypto/sha256.h"

#define RANDOM_RCT_CUTOFF 21
#define RANDOM_APT_WINDOW 512
#define RANDOM_APT_CUTOFF 410

static const uint8_t random_zero_nonce[CHACHA20_NONCE_SIZE];
static const char random_seed_label[] = "NONOS random seed v1";
static const char random_mix_label[] = "NONOS random mix v1";

void random_init(struct random_generator *generator)
{
    crypto_wipe(generator->key, sizeof generator->key);
    generator->seeded = false;
    generator->generation = NULL;
    generator->generation_seeded = 0;
}

void random_watch_generation(struct random_generator *generator,
                             const volatile uint64_t *generation)
{
    generator->generation = generation;
    generator->seeded = false;
}

/* True when the watched counter moved since the last seeding: this is a
 * copy (fork child, resumed snapshot) holding another copy's key. */
static bool random_cloned(const struct random_generator *generator)
{
    return generator->generation != NULL &&
           *generator->generation != generator->generation_seeded;
}

void random_clear(struct random_generator *generator)
{
    random_init(generator);
}

/* 1 when a == b, else 0, without a branch. */
static uint32_t random_same(uint8_t a, uint8_t b)
{
    uint32_t difference = (uint32_t)(a ^ b);
    return 1 & ((difference - 1) >> 8);
}

void random_repetition_init(struct random_repetition *test)
{
    test->run = 0;
    test->failed = 0;
    test->last = 0;
}

/* run counts the current run of equal bytes; the first byte starts one
 * whatever `last` holds, since run is 0 then. */
void random_repetition_add(struct random_repetition *test, uint8_t byte)
{
    uint32_t same = random_same(byte, test->last);
    test->run = 1 + (test->run & (0 - same));
    test->failed |= (uint32_t)(test->run >= RANDOM_RCT_CUTOFF);
    test->last = byte;
}

bool random_repetition_failed(const struct random_repetition *test)
{
    uint32_t failed = test->failed;
    CRYPTO_DECLASSIFY(&failed, sizeof failed); /* pass or fail is public */
    return failed != 0;
}

/* 1 when the longest run of one value reaches the cutoff. */
static uint32_t random_repetition_fails(const uint8_t *sample, size_t len)
{
    struct random_repetition test;
    random_repetition_init(&test);
    for (size_t i = 0; i < len; i++)
        random_repetition_add(&test, sample[i]);
    return test.failed;
}

/* 1 when some full window holds its first value too often. */
static uint32_t random_proportion_fails(const uint8_t *sample, size_t len)
{
    uint32_t failed = 0;
    for (size_t start = 0; len - start >= RANDOM_APT_WINDOW;
         start += RANDOM_APT_WINDOW) {
        uint32_t count = 0;
        for (size_t i = 0; i < RANDOM_APT_WINDOW; i++)
            count += random_same(sample[start + i], sample[start]);
        failed |= (uint32_t)(count >= RANDOM_APT_CUTOFF);
    }
    return failed;
}

enum crypto_result random_health_test(const uint8_t *sample, size_t len)
{
    if (len < RANDOM_APT_WINDOW)
        return CRYPTO_ERR_PARAMETER;
    uint32_t failed = random_repetition_fails(sample, len) |
                      random_proportion_fails(sample, len);
    CRYPTO_DECLASSIFY(&failed, sizeof failed); /* pass or fail is public */
    return failed ? CRYPTO_ERR_HEALTH : CRYPTO_OK;
}

/* Reads, tests and absorbs one source's sample into the hash. */
static enum crypto_result random_absorb(struct sha256_state *hash,
                                        const struct random_source *source)
{
    uint8_t sample[RANDOM_SAMPLE_SIZE];
    uint8_t length[8];
    enum crypto_result result = source->read(source->ctx, sample, sizeof sample);
    if (result == CRYPTO_OK)
        result = random_health_test(sample, sizeof sample);
    if (result == CRYPTO_OK) {
        store64_le(length, sizeof sample);
        sha256_update(hash, length, sizeof length);
        sha256_update(hash, sample, sizeof sample);
    }
    crypto_wipe(sample, sizeof sample);
    return result;
}

enum crypto_result random_seed(struct random_generator *generator,
                               const struct random_source *sources,
                               size_t count, size_t *failed_source)
{
    if (count == 0)
        return CRYPTO_ERR_PARAMETER;
    struct sha256_state hash;
    sha256_init(&hash);
    sha256_update(&hash, (const uint8_t *)random_seed_label,
                  sizeof random_seed_label - 1);
    /* Reseeding keeps the entropy already gathered. */
    uint8_t seeded = generator->seeded ? 1 : 0;
    sha256_update(&hash, &seeded, 1);
    sha256_update(&hash, generator->key, sizeof generator->key);
    for (size_t i = 0; i < count; i++) {
        enum crypto_result result = random_absorb(&hash, &sources[i]);
        if (result != CRYPTO_OK) {
            if (failed_source)
                *failed_source = i;
            crypto_wipe(&hash, sizeof hash);
            return result;
        }
    }
    sha256_final(&hash, generator->key);
    generator->seeded = true;
    if (generator->generation != NULL)
        generator->generation_seeded = *generator->generation;
    return CRYPTO_OK;
}

void random_mix(struct random_generator *generator, const uint8_t *data,
                size_t len)
{
    struct sha256_state hash;
    uint8_t length[8];
    sha256_init(&hash);
    sha256_update(&hash, (const uint8_t *)random_mix_label,
                  sizeof random_mix_label - 1);
    sha256_update(&hash, generator->key, sizeof generator->key);
    store64_le(length, (uint64_t)len);
    sha256_update(&hash, length, sizeof length);
    sha256_update(&hash, data, len);
    sha256_final(&hash, generator->key);
}

/* One chunk (len <= RANDOM_CHUNK_SIZE) under the current key, which is
 * replaced before returning. */
static void random_generate_chunk(struct random_generator *generator,
                                  uint8_t *out, size_t len)
{
    uint8_t block[CHACHA20_BLOCK_SIZE];
    chacha20_block(block, generator->key, random_zero_nonce, 0);
    size_t first = len < 32 ? len : 32;
    for (size_t i = 0; i < first; i++)
        out[i] = block[32 + i];
    if (len > first)
        (void)chacha20_keystream(out + first, len - first, generator->key,
                                 random_zero_nonce, 1);
    for (size_t i = 0; i < RANDOM_KEY_SIZE; i++)
        generator->key[i] = block[i];
    crypto_wipe(block, sizeof block);
}

enum crypto_result random_generate(struct random_generator *generator,
                                   uint8_t *out, size_t len)
{
    if (random_cloned(generator))
        generator->seeded = false; /* the key stays: reseeding mixes it in */
    if (!generator->seeded) {
        crypto_wipe(out, len);
        return CRYPTO_ERR_UNSEEDED;
    }
    while (len > 0) {
        size_t chunk = len < RANDOM_CHUNK_SIZE ? len : RANDOM_CHUNK_SIZE;
        random_generate_chunk(generator, out, chunk);
        out += chunk;
        len -= chunk;
    }
    return CRYPTO_OK;
}
