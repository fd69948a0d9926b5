/* x86's entropy sources behind kernel/arch/entropy.h: RDSEED, RDRAND (the
 * reads entropy_hardware_sources hands out when CPUID reports them) and TSC
 * jitter. */
#ifndef NONOS_ARCH_ENTROPY_H
#define NONOS_ARCH_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

enum crypto_result entropy_rdseed_read(void *context, uint8_t *out, size_t len);
enum crypto_result entropy_rdrand_read(void *context, uint8_t *out, size_t len);
enum crypto_result entropy_jitter_read(void *context, uint8_t *out, size_t len);

#endif
