/* The kernel's random generator (see system_random.h). Interrupts are off
 * while the generator runs, since lib/crypto's generator takes no lock and a
 * preempting thread could otherwise see a half-replaced key. A scheduled
 * reseed runs inside that section too: it reads 1 KiB from each source, a
 * few milliseconds every SYSTEM_RANDOM_RESEED_SECONDS. */
#include "kernel/random/system_random.h"

#include "crypto/random.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/entropy.h"
#include "kernel/arch/time.h"
#include "kernel/lib/print.h"
#include "kernel/mm/memory.h"

#define SOURCES_MAX 3
#define SOURCE_NAMES_SIZE 40

static struct random_generator generator;
static struct random_source kept_sources[SOURCES_MAX]; /* those that worked */
static size_t kept_count;
static bool uefi_mixed;
static uint64_t seed_count;
static uint64_t last_seed_tick;
static uint64_t reseed_ticks; /* 0 until system_random_init sets it */
static char source_names[SOURCE_NAMES_SIZE] = "unseeded";

size_t system_random_collect_sources(struct random_source sources[SOURCES_MAX])
{
    /* The strongest hardware source, if any, then jitter. */
    size_t count = entropy_hardware_sources(sources, 1);
    sources[count++] = (struct random_source){ entropy_jitter_read, NULL, "jitter" };
    return count;
}

enum crypto_result system_random_seed_sources(struct random_generator *target,
                                              struct random_source *sources, size_t *count)
{
    enum crypto_result result = CRYPTO_ERR_HEALTH;
    while (*count > 0) {
        size_t failed = 0;
        result = random_seed(target, sources, *count, &failed);
        if (result == CRYPTO_OK)
            return CRYPTO_OK;
        kprintf("random: source %s failed (%s); seeding without it\n", sources[failed].name,
                crypto_result_message(result));
        for (size_t i = failed; i + 1 < *count; i++)
            sources[i] = sources[i + 1];
        (*count)--;
    }
    return result;
}

static void source_names_record(void)
{
    size_t used = 0;
    for (size_t i = 0; i < kept_count; i++)
        used += ksnprintf(source_names + used, sizeof source_names - used, "%s%s",
                          i == 0 ? "" : "+", kept_sources[i].name);
    if (uefi_mixed)
        ksnprintf(source_names + used, sizeof source_names - used, "+uefi");
}

/* Seeds the system generator from kept_sources, or from everything the
 * machine offers when none is kept. Interrupts are off. */
static enum crypto_result system_random_seed_locked(void)
{
    if (kept_count == 0)
        kept_count = system_random_collect_sources(kept_sources);
    size_t count = kept_count;
    enum crypto_result result = system_random_seed_sources(&generator, kept_sources, &count);
    kept_count = count;
    if (result != CRYPTO_OK)
        return result;
    seed_count++;
    last_seed_tick = timer_ticks();
    source_names_record();
    return CRYPTO_OK;
}

enum crypto_result system_random_init(void)
{
    uint8_t uefi_seed[32];
    uint32_t uefi_seed_size = boot_info_take_rng_seed(uefi_seed);
    bool were_enabled = interrupts_save();
    random_init(&generator);
    reseed_ticks = (uint64_t)SYSTEM_RANDOM_RESEED_SECONDS * timer_hz();
    enum crypto_result result = system_random_seed_locked();
    if (result == CRYPTO_OK && uefi_seed_size != 0) {
        random_mix(&generator, uefi_seed, uefi_seed_size);
        uefi_mixed = true;
        source_names_record();
    }
    interrupts_restore(were_enabled);
    crypto_wipe(uefi_seed, sizeof uefi_seed);
    if (result != CRYPTO_OK)
        kprintf("random: NOT seeded: every source failed; will retry on demand\n");
    else
        kprintf("random: seeded from %s\n", source_names);
    return result;
}

enum crypto_result system_random_reseed(void)
{
    bool were_enabled = interrupts_save();
    enum crypto_result result = system_random_seed_locked();
    interrupts_restore(were_enabled);
    return result;
}

enum crypto_result system_random_bytes(uint8_t *out, size_t len)
{
    bool were_enabled = interrupts_save();
    /* Unseeded: try again now. Due: reseed; when that fails the old key
     * (already seeded) is still good, and the next request tries again. */
    if (!generator.seeded || timer_ticks() - last_seed_tick >= reseed_ticks)
        (void)system_random_seed_locked();
    enum crypto_result result = random_generate(&generator, out, len);
    interrupts_restore(were_enabled);
    return result;
}

static uint64_t added_bytes;

void system_random_add(const uint8_t *data, size_t len)
{
    bool were_enabled = interrupts_save();
    random_mix(&generator, data, len);
    added_bytes += len;
    interrupts_restore(were_enabled);
}

uint64_t system_random_added_bytes(void)
{
    return added_bytes;
}

uint64_t system_random_seed_count(void)
{
    return seed_count;
}

uint64_t system_random_set_reseed_ticks(uint64_t ticks)
{
    bool were_enabled = interrupts_save();
    uint64_t previous = reseed_ticks;
    reseed_ticks = ticks;
    interrupts_restore(were_enabled);
    return previous;
}

const char *system_random_sources(void)
{
    return source_names;
}
