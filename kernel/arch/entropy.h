/* The arch interface for the CPU's entropy sources, in the shape
 * lib/crypto/random.h wants (struct random_source). Each read either fills
 * the whole buffer or fails with CRYPTO_ERR_HEALTH; none returns partial or
 * made-up output. Generic code never asks which instructions the CPU has:
 * entropy_hardware_sources lists the sources present. */
#ifndef NONOS_ARCH_INTERFACE_ENTROPY_H
#define NONOS_ARCH_INTERFACE_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/random.h"

/* Writes the CPU's hardware entropy sources that are present, strongest
 * first (x86: RDSEED, then RDRAND), into out[0..max) and returns how many
 * (0 when the CPU has none). */
size_t entropy_hardware_sources(struct random_source *out, size_t max);

/* Timing jitter of the CPU's cycle counter: present on every CPU. */
enum crypto_result entropy_jitter_read(void *context, uint8_t *out, size_t len);

#endif
