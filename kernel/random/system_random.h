/* The kernel's one random generator (lib/crypto/random.h), seeded at boot
 * from every entropy source the machine has. Everything in the kernel that
 * needs randomness (node keys, session keys, nonces) takes it from here and
 * must refuse to go on while system_random_bytes fails.
 *
 * Seeding drops a source that fails to read or fails its startup health test
 * and retries with the others, so one broken source (RDRAND returning all
 * ones after a suspend) does not leave the kernel unseeded. Once seeded, the
 * generator reseeds from the sources that worked every
 * SYSTEM_RANDOM_RESEED_SECONDS, on demand (system_random_reseed), and at the
 * next request whenever it is unseeded. */
#ifndef NONOS_RANDOM_SYSTEM_RANDOM_H
#define NONOS_RANDOM_SYSTEM_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/random.h"

#define SYSTEM_RANDOM_RESEED_SECONDS 300

/* Seeds the generator: RDSEED or RDRAND when the CPU has them, TSC jitter
 * (and, once driver capsules exist, virtio-rng), then mixes in the loader's
 * UEFI RNG seed (not counted as entropy; wiped from the kernel's copy of the
 * boot info afterwards). Logs what it used and what it dropped. CRYPTO_OK
 * when at least one source seeded it. */
CRYPTO_MUST_CHECK enum crypto_result system_random_init(void);

/* Seeds (or reseeds) generator from sources[0..*count), dropping each source
 * that fails and retrying with the rest: the surviving sources are moved to
 * the front and *count becomes their number. CRYPTO_OK once the survivors
 * seeded it; the last source's error when none was left (generator then
 * unchanged). system_random_init uses it; exposed for the tests. */
CRYPTO_MUST_CHECK
enum crypto_result system_random_seed_sources(struct random_generator *generator,
                                              struct random_source *sources, size_t *count);

/* The sources this machine offers, in seeding order; returns their number. */
size_t system_random_collect_sources(struct random_source sources[3]);

/* Reseeds the system generator now from the sources that worked at the last
 * seeding (all sources again when none did). */
CRYPTO_MUST_CHECK enum crypto_result system_random_reseed(void);

/* Fills out[0..len): CRYPTO_OK, or CRYPTO_ERR_UNSEEDED (output zeroed) when
 * no source could seed it even now. Reseeds first when the interval has
 * passed. Safe to call from any kernel thread. */
CRYPTO_MUST_CHECK enum crypto_result system_random_bytes(uint8_t *out, size_t len);

/* Mixes bytes a driver read from its device's entropy source (random_add,
 * virtio-rng) into the generator: hashed into the key, so they can add
 * entropy and never remove any; not counted as a seeding source. */
void system_random_add(const uint8_t *data, size_t len);
/* Bytes system_random_add mixed in since boot (for random and the tests). */
uint64_t system_random_added_bytes(void);

/* Successful seedings since boot (the first one included), for tests. */
uint64_t system_random_seed_count(void);

/* Sets the reseed interval in timer ticks (tests shorten it); returns the
 * previous value. */
uint64_t system_random_set_reseed_ticks(uint64_t ticks);

/* What seeded the generator, for `random` and the tests: a short list such
 * as "rdrand+jitter+uefi", or "unseeded". */
const char *system_random_sources(void);

#endif
