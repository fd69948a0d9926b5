/* Tests of the random generator (lib/crypto/random.h): refusal while
 * unseeded, the startup health test (stuck and biased sources rejected,
 * healthy ones accepted), failures change nothing, fast key erasure (the key
 * is replaced by keystream block 0 and earlier output cannot be reproduced
 * from the new state), outputs differ across calls, reseeding, long
 * requests, and the Linux getrandom source. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/chacha20.h"
#include "crypto/random.h"
#include "tests/host/random_linux.h"
#include "tests/host/test.h"

/* Test sources. ctx points to one of these. */
struct fake_source {
    int kind;       /* 0 pattern, 1 stuck, 2 biased, 3 broken */
    unsigned start; /* varies the pattern */
};

static enum crypto_result fake_read(void *ctx, uint8_t *out, size_t len)
{
    const struct fake_source *source = ctx;
    if (source->kind == 3)
        return CRYPTO_ERR_HEALTH;
    for (size_t i = 0; i < len; i++) {
        uint8_t pattern = (uint8_t)(source->start + i * 131);
        if (source->kind == 0)
            out[i] = pattern;
        else if (source->kind == 1)
            out[i] = 0x42;
        else /* 7 of 8 bytes are 0x42, never 20 in a row */
            out[i] = (i % 8 == 7) ? (uint8_t)(pattern | 1) : 0x42;
    }
    return CRYPTO_OK;
}

static struct fake_source pattern_a = { 0, 1 }, pattern_b = { 0, 2 };
static struct fake_source stuck = { 1, 0 }, biased = { 2, 0 }, broken = { 3, 0 };

static struct random_source source_of(struct fake_source *fake)
{
    struct random_source source = { fake_read, fake, "test" };
    return source;
}

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0)
            return false;
    return true;
}

static void test_unseeded(void)
{
    struct random_generator generator;
    uint8_t out[64];
    random_init(&generator);
    memset(out, 0xcc, sizeof out);
    bool ok = random_generate(&generator, out, sizeof out) == CRYPTO_ERR_UNSEEDED &&
              all_zero(out, sizeof out);
    ok = ok && random_seed(&generator, NULL, 0, NULL) == CRYPTO_ERR_PARAMETER;
    memset(out, 0xcc, sizeof out);
    ok = ok && random_generate(&generator, out, sizeof out) == CRYPTO_ERR_UNSEEDED &&
         all_zero(out, sizeof out);
    test_check(ok, "random refuses output while unseeded (output zeroed)");
}

/* A failing source leaves the generator exactly as it was: unseeded stays
 * unseeded, and a seeded key is unchanged. */
static bool seed_refused(struct fake_source *bad, enum crypto_result want)
{
    struct random_source sources[2] = { source_of(&pattern_a), source_of(bad) };
    struct random_generator generator, before;
    random_init(&generator);
    size_t failed = 99;
    bool ok = random_seed(&generator, sources, 2, &failed) == want && failed == 1 &&
              !generator.seeded;
    ok = ok && random_seed(&generator, sources, 1, NULL) == CRYPTO_OK;
    before = generator;
    ok = ok && random_seed(&generator, sources, 2, NULL) == want;
    return ok && memcmp(&before, &generator, sizeof before) == 0;
}

static void test_health(void)
{
    test_check(seed_refused(&stuck, CRYPTO_ERR_HEALTH),
               "random health test rejects a stuck source (repetition count), state unchanged");
    test_check(seed_refused(&biased, CRYPTO_ERR_HEALTH),
               "random health test rejects a biased source (adaptive proportion), state unchanged");
    test_check(seed_refused(&broken, CRYPTO_ERR_HEALTH),
               "random seed reports a failing source read, state unchanged");
    uint8_t sample[RANDOM_SAMPLE_SIZE];
    bool ok = true;
    for (int i = 0; i < 2000 && ok; i++) {
        ok = random_linux_read(NULL, sample, sizeof sample) == CRYPTO_OK &&
             random_health_test(sample, sizeof sample) == CRYPTO_OK;
    }
    /* Just under the cutoffs passes; at the cutoffs fails. */
    memset(sample, 0, sizeof sample);
    for (size_t i = 0; i < sizeof sample; i++)
        sample[i] = (uint8_t)(i * 131);
    memset(sample + 100, 7, 20);
    ok = ok && random_health_test(sample, sizeof sample) == CRYPTO_OK;
    memset(sample + 100, 7, 21);
    ok = ok && random_health_test(sample, sizeof sample) == CRYPTO_ERR_HEALTH;
    test_check(ok, "random health test: 2000 getrandom samples pass, run of 20 passes, 21 fails");
}

/* The byte-at-a-time repetition test (what the kernel's jitter source runs
 * while it reads) fails exactly at the byte that completes a run of 21 and
 * never before, from the first byte on, and agrees with random_health_test
 * on samples whose adaptive proportion test passes. */
static void test_repetition_stream(void)
{
    static uint8_t sample[RANDOM_SAMPLE_SIZE];
    bool ok = true;
    for (size_t start = 0; start < 40 && ok; start += 13) {
        for (size_t i = 0; i < sizeof sample; i++)
            sample[i] = (uint8_t)(i * 131);
        memset(sample + start, 0, 21); /* also a run of the initial `last` value */
        struct random_repetition test;
        random_repetition_init(&test);
        size_t failed_at = sizeof sample;
        for (size_t i = 0; i < sizeof sample && failed_at == sizeof sample; i++) {
            random_repetition_add(&test, sample[i]);
            if (random_repetition_failed(&test))
                failed_at = i;
        }
        ok = failed_at == start + 20 &&
             random_health_test(sample, sizeof sample) == CRYPTO_ERR_HEALTH;
        sample[start + 20] = 1; /* a run of 20 only */
        random_repetition_init(&test);
        for (size_t i = 0; i < sizeof sample; i++)
            random_repetition_add(&test, sample[i]);
        ok = ok && !random_repetition_failed(&test) &&
             random_health_test(sample, sizeof sample) == CRYPTO_OK;
    }
    for (int i = 0; i < 200 && ok; i++) {
        ok = random_linux_read(NULL, sample, sizeof sample) == CRYPTO_OK;
        struct random_repetition test;
        random_repetition_init(&test);
        for (size_t k = 0; k < sizeof sample; k++)
            random_repetition_add(&test, sample[k]);
        ok = ok && !random_repetition_failed(&test);
    }
    test_check(ok, "random repetition test byte by byte: fails at the 21st byte of a run "
                   "(from byte 0 on), not at 20, agrees with the whole-sample test");
}

/* Fast key erasure, checked against the construction: the new key is bytes
 * 0-31 of ChaCha20(old key, zero nonce, block 0), the output starts at byte
 * 32, and the output cannot be found in what the new key produces. */
static void test_key_erasure(void)
{
    struct random_source source = source_of(&pattern_a);
    struct random_generator generator;
    random_init(&generator);
    bool ok = random_seed(&generator, &source, 1, NULL) == CRYPTO_OK;
    uint8_t old_key[32], block[64], out[100], zero_nonce[12] = { 0 };
    memcpy(old_key, generator.key, 32);
    ok = ok && random_generate(&generator, out, sizeof out) == CRYPTO_OK;
    chacha20_block(block, old_key, zero_nonce, 0);
    bool layout = memcmp(generator.key, block, 32) == 0 &&
                  memcmp(out, block + 32, 32) == 0;
    uint8_t stream[100 - 32];
    layout = layout && chacha20_keystream(stream, sizeof stream, old_key, zero_nonce, 1) == CRYPTO_OK;
    layout = layout && memcmp(out + 32, stream, sizeof stream) == 0;
    test_check(ok && layout && memcmp(old_key, generator.key, 32) != 0,
               "random fast key erasure: key replaced by block 0, output from byte 32 on");

    /* Everything the new state can produce (4 KiB of it) never contains
     * the output already returned. */
    static uint8_t later[4096];
    struct random_generator copy = generator;
    bool found = false;
    for (int round = 0; round < 16 && !found; round++) {
        found = random_generate(&copy, later, sizeof later) != CRYPTO_OK;
        for (size_t i = 0; i + 16 <= sizeof later && !found; i++)
            found = memcmp(later + i, out, 16) == 0;
    }
    test_check(!found, "random earlier output is not reproducible from the new state");
}

static void test_distinct_outputs(void)
{
    struct random_source source = random_linux_source();
    struct random_generator generator;
    random_init(&generator);
    bool ok = random_seed(&generator, &source, 1, NULL) == CRYPTO_OK;
    static uint8_t outputs[1000][32];
    for (int i = 0; i < 1000 && ok; i++)
        ok = random_generate(&generator, outputs[i], 32) == CRYPTO_OK;
    for (int i = 0; i < 1000 && ok; i++)
        for (int j = 0; j < i && ok; j++)
            ok = memcmp(outputs[i], outputs[j], 32) != 0;
    test_check(ok, "random 1000 outputs from a getrandom-seeded generator all differ");

    /* A long request spans several chunks, each under a fresh key. */
    static uint8_t big[3 * RANDOM_CHUNK_SIZE + 5];
    ok = random_generate(&generator, big, sizeof big) == CRYPTO_OK;
    ok = ok && memcmp(big, big + RANDOM_CHUNK_SIZE, RANDOM_CHUNK_SIZE) != 0;
    ok = ok && !all_zero(big + sizeof big - 16, 16);
    ok = ok && random_generate(&generator, NULL, 0) == CRYPTO_OK;
    test_check(ok, "random long request (3 chunks + 5 bytes) and empty request");
}

/* The same seed gives the same stream; a reseed mixes in the previous key,
 * so the same new entropy on different states gives different keys. */
static void test_reseed(void)
{
    struct random_source a = source_of(&pattern_a), b = source_of(&pattern_b);
    struct random_generator g1, g2;
    random_init(&g1);
    random_init(&g2);
    bool ok = random_seed(&g1, &a, 1, NULL) == CRYPTO_OK &&
              random_seed(&g2, &a, 1, NULL) == CRYPTO_OK &&
              memcmp(g1.key, g2.key, 32) == 0;
    ok = ok && random_seed(&g2, &b, 1, NULL) == CRYPTO_OK && memcmp(g1.key, g2.key, 32) != 0;
    struct random_generator g3;
    random_init(&g3);
    ok = ok && random_seed(&g3, &b, 1, NULL) == CRYPTO_OK && memcmp(g2.key, g3.key, 32) != 0;
    /* Mixing changes the key but never seeds. */
    uint8_t before[32];
    memcpy(before, g3.key, 32);
    random_mix(&g3, (const uint8_t *)"uefi seed", 9);
    ok = ok && g3.seeded && memcmp(before, g3.key, 32) != 0;
    struct random_generator g4;
    random_init(&g4);
    random_mix(&g4, before, 32);
    ok = ok && !g4.seeded && random_generate(&g4, before, 8) == CRYPTO_ERR_UNSEEDED;
    random_clear(&g3);
    uint8_t out[8];
    ok = ok && !g3.seeded && random_generate(&g3, out, 8) == CRYPTO_ERR_UNSEEDED;
    test_check(ok, "random reseed mixes the previous state; mix changes the key but never seeds; clear unseeds");
}

/* A copy of a seeded generator (fork, snapshot) watching a bumped counter
 * gives nothing until reseeded, then output unlike the original's; without
 * the watch the copy replays the original (the hazard itself). */
static void test_clone_detection(void)
{
    struct random_source a = source_of(&pattern_a), b = source_of(&pattern_b);
    static volatile uint64_t parent_generation = 7, child_generation = 7;
    struct random_generator parent, child, unwatched;
    random_init(&parent);
    random_watch_generation(&parent, &parent_generation);
    bool ok = random_seed(&parent, &a, 1, NULL) == CRYPTO_OK;
    unwatched = parent;
    unwatched.generation = NULL;
    child = parent;
    child.generation = &child_generation;
    child_generation = child_generation + 1; /* what the fork handler does */
    uint8_t from_parent[32], from_child[32], from_unwatched[32];
    ok = ok && random_generate(&parent, from_parent, 32) == CRYPTO_OK;
    ok = ok && random_generate(&unwatched, from_unwatched, 32) == CRYPTO_OK &&
         memcmp(from_parent, from_unwatched, 32) == 0;
    memset(from_child, 0xa5, sizeof from_child);
    bool refused = random_generate(&child, from_child, 32) == CRYPTO_ERR_UNSEEDED &&
                   all_zero(from_child, 32);
    /* The child reseeds with the same sample the parent had: the key it
     * inherited is mixed in, yet the generation gate still made it reseed. */
    ok = ok && refused && random_seed(&child, &b, 1, NULL) == CRYPTO_OK &&
         random_generate(&child, from_child, 32) == CRYPTO_OK &&
         memcmp(from_parent, from_child, 32) != 0;
    test_check(ok, "random clone detection: a copy whose generation moved refuses until "
                   "reseeded, then differs from the original (an unwatched copy replays it)");

    /* A real fork: the child reseeds through random_linux_generate. */
    struct random_generator shared;
    random_init(&shared);
    random_watch_generation(&shared, random_linux_generation());
    uint8_t mine[32], theirs[32];
    int pipe_fds[2];
    bool forked = pipe(pipe_fds) == 0 &&
                  random_linux_generate(&shared, mine, 1) == CRYPTO_OK;
    pid_t pid = forked ? fork() : -1;
    if (pid == 0) {
        uint8_t out[32];
        bool child_ok = random_linux_generate(&shared, out, sizeof out) == CRYPTO_OK &&
                        write(pipe_fds[1], out, sizeof out) == (ssize_t)sizeof out;
        _exit(child_ok ? 0 : 1);
    }
    int status = 1;
    forked = pid > 0 && random_linux_generate(&shared, mine, sizeof mine) == CRYPTO_OK &&
             read(pipe_fds[0], theirs, sizeof theirs) == (ssize_t)sizeof theirs &&
             waitpid(pid, &status, 0) == pid && status == 0;
    test_check(forked && memcmp(mine, theirs, 32) != 0,
               "random after fork: parent and child outputs differ (generation counter)");
}

/* A reseed changes everything generated afterwards. */
static void test_reseed_changes_stream(void)
{
    struct random_source a = source_of(&pattern_a), b = source_of(&pattern_b);
    struct random_generator kept, reseeded;
    random_init(&kept);
    bool ok = random_seed(&kept, &a, 1, NULL) == CRYPTO_OK;
    reseeded = kept;
    ok = ok && random_seed(&reseeded, &b, 1, NULL) == CRYPTO_OK;
    static uint8_t stream_kept[4096], stream_reseeded[4096];
    ok = ok && random_generate(&kept, stream_kept, sizeof stream_kept) == CRYPTO_OK &&
         random_generate(&reseeded, stream_reseeded, sizeof stream_reseeded) == CRYPTO_OK;
    size_t equal_blocks = 0;
    for (size_t i = 0; i < sizeof stream_kept; i += 16)
        equal_blocks += memcmp(stream_kept + i, stream_reseeded + i, 16) == 0;
    test_check(ok && equal_blocks == 0,
               "random reseed changes the stream: %zu of 256 16-byte blocks equal", equal_blocks);
}

int main(void)
{
    test_unseeded();
    test_health();
    test_repetition_stream();
    test_key_erasure();
    test_distinct_outputs();
    test_reseed();
    test_reseed_changes_stream();
    test_clone_detection();
    return test_finish();
}
