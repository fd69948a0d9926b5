/* In-kernel tests of randomness: the system generator was seeded at boot and
 * its outputs differ; each hardware source the CPU reports delivers output
 * that passes the startup health test; the jitter source does too; and the
 * loader's UEFI seed is gone from the kernel's copy of the boot info. */
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
    const struct cpu_features *features = cpu_features();
    if (features->rdseed && !source_healthy(entropy_rdseed_read, "rdseed"))
        return false;
    if (features->rdrand && !source_healthy(entropy_rdrand_read, "rdrand"))
        return false;
    return true; /* a CPU without either has nothing to test here */
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

static const struct test_case test_random_cases[] = {
    { "random_seeded_outputs_differ", test_random_seeded_outputs_differ },
    { "random_hardware_sources_healthy", test_random_hardware_sources },
    { "random_jitter_source_healthy", test_random_jitter_source },
    { "random_uefi_seed_wiped", test_random_uefi_seed_wiped },
};
TEST_TABLE(test_random_cases);
