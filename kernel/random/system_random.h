/* The kernel's one random generator (lib/crypto/random.h), seeded at boot
 * from every entropy source the machine has. Everything in the kernel that
 * needs randomness (node keys, session keys, nonces) takes it from here and
 * must refuse to go on while system_random_bytes fails. */
#ifndef NONOS_RANDOM_SYSTEM_RANDOM_H
#define NONOS_RANDOM_SYSTEM_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* Seeds the generator: RDSEED or RDRAND when the CPU has them, TSC jitter,
 * and the loader's UEFI RNG seed (mixed in, not counted as entropy; wiped
 * from the kernel's copy of the boot info afterwards). Logs what it used.
 * Returns the result of random_seed. */
enum crypto_result system_random_init(void);

/* Fills out[0..len): CRYPTO_OK, or CRYPTO_ERR_UNSEEDED (output zeroed) when
 * seeding failed. Safe to call from any kernel thread. */
enum crypto_result system_random_bytes(uint8_t *out, size_t len);

/* What seeded the generator, for `random` and the tests: a short list such
 * as "rdrand+jitter+uefi", or "unseeded". */
const char *system_random_sources(void);

#endif
