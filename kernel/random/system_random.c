/* The kernel's random generator (see system_random.h). Interrupts are off
 * while the generator runs, since lib/crypto's generator takes no lock and a
 * preempting thread could otherwise see a half-replaced key. */
#include "kernel/random/system_random.h"

#include "crypto/random.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/entropy.h"
#include "kernel/lib/print.h"
#include "kernel/mm/memory.h"

#define SOURCES_MAX 3
#define SOURCE_NAMES_SIZE 40

static struct random_generator generator;
static char source_names[SOURCE_NAMES_SIZE] = "unseeded";

static size_t sources_collect(struct random_source *sources)
{
    const struct cpu_features *features = cpu_features();
    size_t count = 0;
    if (features->rdseed)
        sources[count++] = (struct random_source){ entropy_rdseed_read, NULL, "rdseed" };
    else if (features->rdrand)
        sources[count++] = (struct random_source){ entropy_rdrand_read, NULL, "rdrand" };
    sources[count++] = (struct random_source){ entropy_jitter_read, NULL, "jitter" };
    return count;
}

static void source_names_record(const struct random_source *sources, size_t count,
                                bool uefi_seed)
{
    size_t used = 0;
    for (size_t i = 0; i < count; i++)
        used += ksnprintf(source_names + used, sizeof source_names - used, "%s%s",
                          i == 0 ? "" : "+", sources[i].name);
    if (uefi_seed)
        ksnprintf(source_names + used, sizeof source_names - used, "+uefi");
}

enum crypto_result system_random_init(void)
{
    struct random_source sources[SOURCES_MAX];
    size_t count = sources_collect(sources);
    uint8_t uefi_seed[32];
    uint32_t uefi_seed_size = boot_info_take_rng_seed(uefi_seed);
    random_init(&generator);
    size_t failed = 0;
    enum crypto_result result = random_seed(&generator, sources, count, &failed);
    if (result != CRYPTO_OK) {
        kprintf("random: NOT seeded: source %s: %s\n", sources[failed].name,
                crypto_result_message(result));
        crypto_wipe(uefi_seed, sizeof uefi_seed);
        return result;
    }
    if (uefi_seed_size != 0)
        random_mix(&generator, uefi_seed, uefi_seed_size);
    crypto_wipe(uefi_seed, sizeof uefi_seed);
    source_names_record(sources, count, uefi_seed_size != 0);
    kprintf("random: seeded from %s\n", source_names);
    return CRYPTO_OK;
}

enum crypto_result system_random_bytes(uint8_t *out, size_t len)
{
    bool were_enabled = interrupts_save();
    enum crypto_result result = random_generate(&generator, out, len);
    interrupts_restore(were_enabled);
    return result;
}

const char *system_random_sources(void)
{
    return source_names;
}
