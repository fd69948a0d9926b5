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

/* Set by fpu_init, read by the inline save and restore below. */
extern uint64_t fpu_active_xcr0;
extern bool fpu_use_xsaveopt;

/* XSAVEOPT writes only the components modified since the last XRSTOR,
 * when that XRSTOR was from this same area on this CPU -- always so here:
 * a thread's area is restored each time it is switched to, saved when it
 * is switched from, and written by nothing else after fpu_state_init
 * (before its first restore). A state a process never changed between two
 * switches is then not written again. Inline: the scheduler saves and
 * restores on every switch (user_thread_switch). */
static inline void fpu_state_save_inline(void *state)
{
    uint64_t xcr0 = fpu_active_xcr0;
    if (fpu_use_xsaveopt)
        __asm__ volatile("xsaveopt64 (%0)" : : "r"(state), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else if (xcr0)
        __asm__ volatile("xsave64 (%0)" : : "r"(state), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(state) : "memory");
}

static inline void fpu_state_restore_inline(const void *state)
{
    uint64_t xcr0 = fpu_active_xcr0;
    if (xcr0)
        __asm__ volatile("xrstor64 (%0)" : : "r"(state), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(state) : "memory");
}

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)

#endif
