/* The two X25519 ladders, for x25519.c and the tests that check each one.
 *
 * x25519_ladder_portable is the 5 x 51-bit C ladder every build has (the
 * kernel and the loader run it). x25519_ladder_mulx exists only in x86_64
 * host builds (not NONOS_FREESTANDING, not NONOS_CRYPTO_SCALAR, where
 * X25519_MULX is defined): a 4 x 64-bit field in inline assembly with the
 * BMI2 and ADX instructions (mulx, adcx, adox), which only a CPU that
 * x25519_mulx_supported accepts may run. x25519() picks one when the program
 * is loaded. Both take an already clamped scalar k, read u ignoring bit 255,
 * and write the canonical u-coordinate of [k]u; both run in time independent
 * of k and u. */
#ifndef NONOS_CRYPTO_X25519_LADDER_H
#define NONOS_CRYPTO_X25519_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__ELF__) && !defined(NONOS_FREESTANDING) && \
    !defined(NONOS_CRYPTO_SCALAR)
#define X25519_MULX 1
#endif

void x25519_ladder_portable(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]);

#ifdef X25519_MULX
#include <cpuid.h>

void x25519_ladder_mulx(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]);

/* True when the CPU has BMI2 and ADX (CPUID leaf 7, EBX). Inline, because
 * x25519.c's ifunc resolver calls it while the program is being relocated. */
static inline bool x25519_mulx_supported(void)
{
    unsigned int a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_BMI2) && (b & bit_ADX);
}
#endif

#endif
