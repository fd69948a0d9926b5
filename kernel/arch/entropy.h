/* The arch interface for the CPU's entropy sources, in the shape
 * lib/crypto/random.h wants (struct random_source). The architecture's
 * header, included below, declares them (x86: entropy_rdseed_read,
 * entropy_rdrand_read, entropy_jitter_read); each read either fills the whole
 * buffer or fails with CRYPTO_ERR_HEALTH. Which are present is told by
 * cpu_features() (cpu.h). Scheme: see kernel/arch/io.h; the declarations
 * stay in the architecture's file while kernel/random/ and
 * kernel/arch/x86_64/entropy.c are being reworked on another branch. */
#ifndef NONOS_ARCH_INTERFACE_ENTROPY_H
#define NONOS_ARCH_INTERFACE_ENTROPY_H

#include "kernel/arch/x86_64/entropy.h"

#endif
