/* Entropy sources of x86_64 (see entropy.h).
 *
 * RDSEED gives conditioned full-entropy words but may run dry for a moment
 * (CF = 0), so a word is retried a bounded number of times; RDRAND is a DRBG
 * the hardware reseeds, and Intel advises 10 retries before calling it broken.
 * A source that stays dry fails: it never hands out a zero word instead.
 *
 * Jitter: the TSC is read around a small memory workload whose time varies
 * with caches, TLBs, interrupts and (in a VM) the host's scheduling. Each
 * output byte folds the low bits of JITTER_DELTAS_PER_BYTE deltas, so the
 * 1 bit of min-entropy per byte that random_seed demands holds even when a
 * delta carries only a fraction of a bit. Under QEMU -icount the TSC counts
 * instructions and this source is deterministic: every delta is the same,
 * so every byte is, and the sample fails the health test's repetition count
 * test. The source runs that test itself while it reads (the same test,
 * random_repetition_*) and gives up at the first byte that makes the sample
 * fail, with the error random_seed would give the whole sample: the verdict
 * is the same, and a broken source costs 21 bytes of reading instead of
 * 1024 (millions of instructions of every -icount boot). A healthy source
 * still delivers its whole sample, which random_seed tests in full. */
#include "kernel/arch/entropy.h"
#include "kernel/arch/x86_64/entropy.h"

#include "base/endian.h"
#include "kernel/arch/x86_64/cpu.h"

#define RDSEED_RETRIES 1000
#define RDRAND_RETRIES 10
#define JITTER_DELTAS_PER_BYTE 64
#define JITTER_POOL_WORDS 512

static int rdseed_word(uint64_t *word)
{
    uint8_t ok;
    __asm__ volatile("rdseed %0; setc %1" : "=r"(*word), "=qm"(ok) : : "cc");
    return ok;
}

static int rdrand_word(uint64_t *word)
{
    uint8_t ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*word), "=qm"(ok) : : "cc");
    return ok;
}

static enum crypto_result hardware_read(int (*next)(uint64_t *), int retries, uint8_t *out,
                                        size_t len)
{
    uint8_t bytes[8];
    for (size_t done = 0; done < len; done += 8) {
        uint64_t word = 0;
        int tries = 0;
        while (!next(&word)) {
            if (++tries == retries) {
                crypto_wipe(out, len);
                return CRYPTO_ERR_HEALTH;
            }
            cpu_pause();
        }
        store64_le(bytes, word);
        size_t take = len - done < 8 ? len - done : 8;
        for (size_t i = 0; i < take; i++)
            out[done + i] = bytes[i];
    }
    crypto_wipe(bytes, sizeof bytes);
    return CRYPTO_OK;
}

enum crypto_result entropy_rdseed_read(void *context, uint8_t *out, size_t len)
{
    (void)context;
    return hardware_read(rdseed_word, RDSEED_RETRIES, out, len);
}

enum crypto_result entropy_rdrand_read(void *context, uint8_t *out, size_t len)
{
    (void)context;
    return hardware_read(rdrand_word, RDRAND_RETRIES, out, len);
}

/* One jitter sample: the time of a few dependent loads and stores over a
 * small pool, walking it with the previous delta so the path is not fixed. */
static uint64_t jitter_delta(volatile uint64_t *pool, uint64_t *walk)
{
    uint64_t start = rdtsc();
    for (int i = 0; i < 8; i++) {
        size_t index = (size_t)((*walk + (uint64_t)i * 61) % JITTER_POOL_WORDS);
        pool[index] = pool[index] * 6364136223846793005ull + start;
        *walk += pool[index] >> 59;
    }
    uint64_t delta = rdtsc() - start;
    *walk += delta;
    return delta;
}

enum crypto_result entropy_jitter_read(void *context, uint8_t *out, size_t len)
{
    (void)context;
    static uint64_t pool[JITTER_POOL_WORDS];
    uint64_t walk = rdtsc();
    struct random_repetition repetition;
    random_repetition_init(&repetition);
    for (size_t i = 0; i < len; i++) {
        uint8_t folded = 0;
        for (int k = 0; k < JITTER_DELTAS_PER_BYTE; k++) {
            uint64_t delta = jitter_delta(pool, &walk);
            folded = (uint8_t)((folded << 1 | folded >> 7) ^ (uint8_t)delta);
        }
        out[i] = folded;
        random_repetition_add(&repetition, folded);
        if (random_repetition_failed(&repetition)) {
            crypto_wipe(out, len);
            crypto_wipe(&repetition, sizeof repetition);
            return CRYPTO_ERR_HEALTH;
        }
    }
    crypto_wipe(&repetition, sizeof repetition);
    return CRYPTO_OK;
}

size_t entropy_hardware_sources(struct random_source *out, size_t max)
{
    const struct cpu_features *features = cpu_features();
    size_t count = 0;
    if (features->rdseed && count < max)
        out[count++] = (struct random_source){ entropy_rdseed_read, NULL, "rdseed" };
    if (features->rdrand && count < max)
        out[count++] = (struct random_source){ entropy_rdrand_read, NULL, "rdrand" };
    return count;
}
