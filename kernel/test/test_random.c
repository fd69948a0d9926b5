/* In-kernel tests of randomness: the system generator was seeded at boot and
 * its outputs differ; the CPU has RDSEED or RDRAND and each one it reports
 * delivers output that passes the startup health test; the jitter source
 * does too; the loader's UEFI seed is gone from the kernel's copy of the boot
 * info; seeding survives failing sources by dropping them (the boot path);
 * a reseed changes the stream; the scheduled reseed happens. */
#include "crypto/random.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/entropy.h"
#include "kernel/mm/memory.h"
#include "kernel/random/system_random.h"
#include "kernel/test/test.h"

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

static bool test_random_seeded_outputs_differ(void)
{
    uint8_t first[32], second[32];
    TEST_REQUIRE(system_random_bytes(first, sizeof first) == CRYPTO_OK,
                 "system generator unseeded (sources: %s)", system_random_sources());
    TEST_REQUIRE(system_random_bytes(second, sizeof second) == CRYPTO_OK, "second call failed");
    TEST_REQUIRE(!bytes_equal(first, second, sizeof first), "two outputs are equal");
    crypto_wipe(first, sizeof first);
    crypto_wipe(second, sizeof second);
    return true;
}

/* A source must fill RANDOM_SAMPLE_SIZE bytes that pass the health test. */
static bool source_healthy(enum crypto_result (*read)(void *, uint8_t *, size_t),
                           const char *name)
{
    static uint8_t sample[RANDOM_SAMPLE_SIZE];
    TEST_REQUIRE(read(NULL, sample, sizeof sample) == CRYPTO_OK, "%s read failed", name);
    TEST_REQUIRE(random_health_test(sample, sizeof sample) == CRYPTO_OK,
                 "%s output fails the health test", name);
    crypto_wipe(sample, sizeof sample);
    return true;
}

static bool test_random_hardware_sources(void)
{
    struct random_source sources[4];
    size_t count = entropy_hardware_sources(sources, 4);
    for (size_t i = 0; i < count; i++) {
        if (!source_healthy(sources[i].read, sources[i].name))
            return false;
    }
    /* Without one, jitter alone seeds the kernel: not good enough for a
     * node, so the test machine must offer one (suite 50's first boot). */
    TEST_REQUIRE(count > 0, "the CPU has no hardware entropy source (jitter alone seeds the kernel)");
    return true;
}

static bool test_random_jitter_source(void)
{
    return source_healthy(entropy_jitter_read, "jitter");
}

static bool test_random_uefi_seed_wiped(void)
{
    const struct bootinfo *info = boot_info();
    static const uint8_t zero[sizeof info->rng_seed];
    TEST_REQUIRE(info->rng_seed_size == 0, "rng_seed_size still %u", info->rng_seed_size);
    TEST_REQUIRE(bytes_equal(info->rng_seed, zero, sizeof zero), "UEFI seed left in boot info");
    return true;
}

/* Test sources: one whose read fails, one stuck (fails the health test). */
static enum crypto_result failing_read(void *context, uint8_t *out, size_t len)
{
    (void)context;
    crypto_wipe(out, len);
    return CRYPTO_ERR_HEALTH;
}

static enum crypto_result stuck_read(void *context, uint8_t *out, size_t len)
{
    (void)context;
    for (size_t i = 0; i < len; i++)
        out[i] = 0xff; /* RDRAND's failure mode after some suspends */
    return CRYPTO_OK;
}

/* The boot path (system_random_init -> system_random_seed_sources) with the
 * first sources forced to fail: they are dropped and the rest seeds. */
static bool test_random_forced_source_failure(void)
{
    struct random_source sources[4] = {
        { failing_read, NULL, "forced-read-failure" },
        { stuck_read, NULL, "forced-stuck" },
        { entropy_jitter_read, NULL, "jitter" },
        { failing_read, NULL, "forced-late-failure" },
    };
    size_t count = 4;
    static struct random_generator generator;
    random_init(&generator);
    enum crypto_result result = system_random_seed_sources(&generator, sources, &count);
    TEST_REQUIRE(result == CRYPTO_OK, "seeding with failing sources: %s",
                 crypto_result_message(result));
    TEST_REQUIRE(count == 1 && sources[0].read == entropy_jitter_read,
                 "%u sources kept, expected jitter alone", (unsigned)count);
    uint8_t out[32];
    TEST_REQUIRE(random_generate(&generator, out, sizeof out) == CRYPTO_OK,
                 "generator unseeded after the retry");
    /* Every source failing leaves it unseeded, with the error. */
    struct random_source broken[2] = { { failing_read, NULL, "a" }, { stuck_read, NULL, "b" } };
    count = 2;
    random_init(&generator);
    result = system_random_seed_sources(&generator, broken, &count);
    TEST_REQUIRE(result != CRYPTO_OK && count == 0 && !generator.seeded,
                 "all sources failing: %s, %u kept, seeded %d", crypto_result_message(result),
                 (unsigned)count, generator.seeded);
    crypto_wipe(out, sizeof out);
    crypto_wipe(&generator, sizeof generator);
    return true;
}

/* A reseed from the machine's sources changes everything generated after. */
static bool test_random_reseed_changes_stream(void)
{
    static struct random_generator kept, reseeded;
    struct random_source sources[3];
    size_t count = system_random_collect_sources(sources);
    random_init(&kept);
    TEST_REQUIRE(system_random_seed_sources(&kept, sources, &count) == CRYPTO_OK,
                 "first seeding failed");
    reseeded = kept;
    TEST_REQUIRE(system_random_seed_sources(&reseeded, sources, &count) == CRYPTO_OK,
                 "reseeding failed");
    uint8_t a[64], b[64];
    TEST_REQUIRE(random_generate(&kept, a, sizeof a) == CRYPTO_OK &&
                     random_generate(&reseeded, b, sizeof b) == CRYPTO_OK,
                 "generation failed");
    TEST_REQUIRE(!bytes_equal(a, b, sizeof a), "reseeded stream equals the old one");
    uint64_t before = system_random_seed_count();
    TEST_REQUIRE(system_random_reseed() == CRYPTO_OK, "system_random_reseed failed");
    TEST_REQUIRE(system_random_seed_count() == before + 1, "reseed not counted");
    crypto_wipe(&kept, sizeof kept);
    crypto_wipe(&reseeded, sizeof reseeded);
    return true;
}

/* With the interval shortened to 0 ticks, the next request reseeds. */
static bool test_random_scheduled_reseed(void)
{
    uint8_t out[16];
    uint64_t before = system_random_seed_count();
    uint64_t interval = system_random_set_reseed_ticks(0);
    enum crypto_result result = system_random_bytes(out, sizeof out);
    system_random_set_reseed_ticks(interval);
    TEST_REQUIRE(result == CRYPTO_OK, "request failed: %s", crypto_result_message(result));
    TEST_REQUIRE(system_random_seed_count() == before + 1,
                 "no reseed when due (%lu seedings before, %lu after)", before,
                 system_random_seed_count());
    TEST_REQUIRE(interval != 0, "the boot left no reseed interval");
    before = system_random_seed_count();
    TEST_REQUIRE(system_random_bytes(out, sizeof out) == CRYPTO_OK, "second request failed");
    TEST_REQUIRE(system_random_seed_count() == before, "reseeded when not due");
    crypto_wipe(out, sizeof out);
    return true;
}

static const struct test_case test_random_cases[] = {
    { "random_seeded_outputs_differ", test_random_seeded_outputs_differ },
    { "random_hardware_sources_healthy", test_random_hardware_sources },
    { "random_jitter_source_healthy", test_random_jitter_source },
    { "random_uefi_seed_wiped", test_random_uefi_seed_wiped },
    { "random_forced_source_failure", test_random_forced_source_failure },
    { "random_reseed_changes_stream", test_random_reseed_changes_stream },
    { "random_scheduled_reseed", test_random_scheduled_reseed },
};
TEST_TABLE(test_random_cases);
