/* FPU/SIMD state for user threads, saved and restored eagerly (on every
 * switch, by the scheduler: kernel/sched/thread.c). The kernel itself is
 * built -mgeneral-regs-only and never touches these registers, so the
 * registers always hold the user state of the last user thread that ran.
 *
 * With XSAVE: CR4.OSXSAVE, XCR0 = x87 | SSE (| AVX when CPUID has it), the
 * standard (non-compacted) XSAVE format, size from CPUID.(0xd, 0).EBX for
 * the enabled set. Without: FXSAVE's 512-byte format. Either way the area is
 * 64-byte aligned (fpu_state_alignment) and CR0/CR4 allow SSE in user mode
 * (CR4.OSFXSR, OSXMMEXCPT; CR0.MP and NE set, EM and TS clear: no lazy
 * switching, no #NM). Saves use XSAVEOPT when the CPU has it
 * (CPUID.(0xd, 1).EAX bit 0): see fpu_state_save. */
#include "kernel/arch/x86_64/fpu.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/user.h"
#include "kernel/panic.h"

#include <stddef.h>

#define FXSAVE_SIZE 512
#define CLEAN_STATE_SIZE 1024 /* x87 + SSE + AVX is 832 bytes */
#define FCW_DEFAULT 0x037f    /* all exceptions masked, 64-bit precision */
#define MXCSR_DEFAULT 0x1f80  /* all exceptions masked, round to nearest */
#define FXSAVE_MXCSR_OFFSET 24

static size_t state_size = FXSAVE_SIZE;
static uint64_t xcr0;
static bool use_xsaveopt;
static uint8_t clean_state[CLEAN_STATE_SIZE] __attribute__((aligned(64)));

static void xsetbv(uint32_t index, uint64_t value)
{
    __asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

void fpu_init(void)
{
    const struct cpu_features *features = cpu_features();
    if (!features->fxsr)
        panic("CPU lacks FXSAVE: user FPU/SSE state cannot be kept");
    write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (features->xsave)
        cr4 |= CR4_OSXSAVE;
    write_cr4(cr4);
    if (features->xsave) {
        xcr0 = XCR0_X87 | XCR0_SSE | (features->avx ? XCR0_AVX : 0);
        xsetbv(0, xcr0);
        uint32_t a, b, c, d;
        cpuid(0xd, 0, &a, &b, &c, &d);
        state_size = b;
        cpuid(0xd, 1, &a, &b, &c, &d);
        use_xsaveopt = (a & 1) != 0;
    }
    if (state_size < FXSAVE_SIZE || state_size > CLEAN_STATE_SIZE)
        panic("fpu: unexpected state size %zu", state_size);
    fpu_state_init(clean_state);
}

size_t fpu_state_size(void)
{
    return state_size;
}

size_t fpu_state_alignment(void)
{
    return 64;
}

uint64_t fpu_xcr0(void)
{
    return xcr0;
}

const void *fpu_clean_state(void)
{
    return clean_state;
}

/* The legacy region with default control words; in XSAVE format an
 * all-zero header (XSTATE_BV = 0) makes xrstor load every component's
 * initial state, MXCSR excepted, which comes from the legacy region. */
void fpu_state_init(void *state)
{
    uint8_t *bytes = state;
    for (size_t i = 0; i < state_size; i++)
        bytes[i] = 0;
    *(uint16_t *)bytes = FCW_DEFAULT;
    *(uint32_t *)(bytes + FXSAVE_MXCSR_OFFSET) = MXCSR_DEFAULT;
}

/* XSAVEOPT writes only the components modified since the last XRSTOR,
 * when that XRSTOR was from this same area on this CPU -- always so here:
 * a thread's area is restored each time it is switched to, saved when it
 * is switched from, and written by nothing else after fpu_state_init
 * (before its first restore). A state a process never changed between two
 * switches is then not written again. */
void fpu_state_save(void *state)
{
    if (use_xsaveopt)
        __asm__ volatile("xsaveopt64 (%0)" : : "r"(state), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else if (xcr0)
        __asm__ volatile("xsave64 (%0)" : : "r"(state), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(state) : "memory");
}

void fpu_state_restore(const void *state)
{
    if (xcr0)
        __asm__ volatile("xrstor64 (%0)" : : "r"(state), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(state) : "memory");
}
