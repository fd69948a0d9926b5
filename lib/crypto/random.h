/* A ChaCha20 random generator with fast key erasure, seeded from entropy
 * sources that the caller plugs in.
 *
 * lib/ knows no OS, so entropy arrives through `struct random_source`: the
 * kernel passes RDSEED/RDRAND, timer jitter and the loader's UEFI RNG seed;
 * Linux programs pass getrandom (tests/host/random_linux.c). See
 * docs/crypto.md "Random numbers".
 *
 * Contract:
 *  - random_generate refuses (CRYPTO_ERR_UNSEEDED, output zeroed) until a
 *    random_seed call has succeeded.
 *  - random_seed reads RANDOM_SAMPLE_SIZE bytes from every source, runs the
 *    startup health test on each sample, and only if all pass hashes them
 *    (SHA-256, together with the current key) into a new key. Any failure
 *    leaves the generator exactly as it was. Calling it again later mixes in
 *    fresh entropy (reseeding).
 *  - Each source must deliver at least 1 bit of min-entropy per byte; a
 *    weaker source (raw timer jitter) condenses several readings into each
 *    byte it returns. One source that meets this gives 1024 bits per seed.
 *  - Fast key erasure: every random_generate call expands the key into
 *    keystream, replaces the key with the first 32 bytes and hands out only
 *    bytes after them, so a later compromise of the state cannot recover
 *    output that was already returned.
 *  - Clone detection: a generator can watch a generation counter that its
 *    owner bumps in every copy that must not share output (the child after
 *    fork, a resumed VM or capsule snapshot). When the counter differs from
 *    its value at the last seeding, random_generate hands out nothing
 *    (CRYPTO_ERR_UNSEEDED) until random_seed has run again in that copy, so a
 *    copy never replays the output of another.
 *  - The generator holds no lock: a caller that shares one across threads or
 *    CPUs serializes the calls. This is the only mutable state lib/crypto
 *    keeps across calls, and it lives in caller memory. */
#ifndef NONOS_CRYPTO_RANDOM_H
#define NONOS_CRYPTO_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define RANDOM_KEY_SIZE 32
/* Bytes read from each source per random_seed call. */
#define RANDOM_SAMPLE_SIZE 1024
/* Output made under one key before it is replaced inside a long request. */
#define RANDOM_CHUNK_SIZE 65536

/* An entropy source. `read` fills out[0..len) and returns CRYPTO_OK, or
 * returns an error (CRYPTO_ERR_HEALTH for a source that is broken or
 * missing). `name` is for messages only. */
struct random_source {
    enum crypto_result (*read)(void *ctx, uint8_t *out, size_t len);
    void *ctx;
    const char *name;
};

struct random_generator {
    uint8_t key[RANDOM_KEY_SIZE];
    bool seeded;
    const volatile uint64_t *generation; /* NULL: no clone detection */
    uint64_t generation_seeded;          /* *generation at the last seeding */
};

/* Sets up an unseeded generator that watches no generation counter. */
void random_init(struct random_generator *generator);

/* Makes the generator watch *generation (see "Clone detection" above); it
 * must then be seeded (again) before it gives output. */
void random_watch_generation(struct random_generator *generator,
                             const volatile uint64_t *generation);

/* Seeds or reseeds from `count` sources (count >= 1). On failure returns the
 * source's error, CRYPTO_ERR_HEALTH for a failed health test, or
 * CRYPTO_ERR_PARAMETER for count == 0; *failed_source (when not NULL) gets
 * the index of the source that failed. */
CRYPTO_MUST_CHECK
enum crypto_result random_seed(struct random_generator *generator,
                               const struct random_source *sources,
                               size_t count, size_t *failed_source);

/* Mixes extra material into the key without counting it as entropy: the
 * UEFI RNG seed handed over by the loader (it cannot be health-tested, and
 * trusting firmware alone is not our policy), boot measurements, a MAC
 * address. It never seeds an unseeded generator, and it never hurts: the
 * new key is a hash of the old key and the material. */
void random_mix(struct random_generator *generator, const uint8_t *data,
                size_t len);

/* Fills out[0..len) with random bytes. CRYPTO_ERR_UNSEEDED, with out
 * zeroed, before the first successful random_seed and after a change of the
 * watched generation counter until the next one. */
CRYPTO_MUST_CHECK
enum crypto_result random_generate(struct random_generator *generator,
                                   uint8_t *out, size_t len);

/* Wipes the generator; it is unseeded afterwards. */
void random_clear(struct random_generator *generator);

/* The startup health test on one sample of bytes (see random.c): CRYPTO_OK
 * or CRYPTO_ERR_HEALTH. Exposed so that sources and tests can use it. */
CRYPTO_MUST_CHECK
enum crypto_result random_health_test(const uint8_t *sample, size_t len);

/* The health test's repetition count test fed one byte at a time, for a
 * slow source (timer jitter) that stops as soon as its sample is bound to
 * fail: once random_repetition_failed is true for the bytes added so far,
 * random_health_test fails on every sample that starts with them. The
 * counting is branch-free; only the verdict is public. */
struct random_repetition {
    uint32_t run;
    uint32_t failed;
    uint8_t last;
};
void random_repetition_init(struct random_repetition *test);
void random_repetition_add(struct random_repetition *test, uint8_t byte);
bool random_repetition_failed(const struct random_repetition *test);

#endif
