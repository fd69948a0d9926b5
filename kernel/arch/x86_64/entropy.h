/* The kernel's entropy sources, in the shape lib/crypto/random.h wants
 * (struct random_source): RDSEED, RDRAND and TSC jitter. Each read either
 * fills the whole buffer or fails with CRYPTO_ERR_HEALTH; none returns
 * partial or made-up output. The caller decides which are present
 * (cpu_features()->rdseed / ->rdrand; jitter always is). */
#ifndef NONOS_ARCH_ENTROPY_H
#define NONOS_ARCH_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

enum crypto_result entropy_rdseed_read(void *context, uint8_t *out, size_t len);
enum crypto_result entropy_rdrand_read(void *context, uint8_t *out, size_t len);
enum crypto_result entropy_jitter_read(void *context, uint8_t *out, size_t len);

#endif
