/* FPU/SIMD state of user threads (x86_64/fpu.c). */
#ifndef NONOS_ARCH_FPU_H
#define NONOS_ARCH_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* Enables x87/SSE for user mode and, when the CPU has XSAVE, XCR0 with
 * x87 + SSE (+ AVX when present); sizes the state area. user_init. */
void fpu_init(void);

/* The state every thread starts user mode with (fpu_state_init's). */
const void *fpu_clean_state(void);

/* XCR0 as set by fpu_init (0 when the CPU has no XSAVE: FXSAVE is used). */
uint64_t fpu_xcr0(void);

/* The CPU has AVX2 and XCR0 enables the YMM state: lib/crypto may use AVX2
 * (fpu_init configures it so). */
bool fpu_avx2_usable(void);
/* Around kernel code that uses vector registers (lib/crypto calls them
 * through crypto_simd_begin/end): interrupts off, the registers' contents
 * saved, then restored. Not nested. */
void fpu_kernel_begin(void);
void fpu_kernel_end(void);

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)

#endif
