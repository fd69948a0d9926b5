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
 * (CPUID.(0xd, 1).EAX bit 0): see fpu_state_save.
 *
 * One exception to "the kernel never touches these registers": lib/crypto's
 * ML-DSA-65 (the four-way Keccak of keccak_x4_avx2.c for ExpandA, and the
 * polynomial arithmetic of mldsa65_poly_avx2.c, when a capsule's author key
 * is prepared and its signatures verified) uses the YMM registers when the
 * CPU has AVX2 and XCR0 enables the SSE and AVX state. fpu_init tells
 * lib/crypto so, with fpu_kernel_begin and fpu_kernel_end as the hooks
 * around every such use (one pair per ML-DSA-65 call):
 * begin disables interrupts (no switch can save the kernel's values as a
 * thread's, or run another user thread in between) and saves the
 * registers, whichever user thread's they are; end restores them. One CPU,
 * no nesting (a nested begin panics). */
#include "kernel/arch/x86_64/fpu.h"

#include "crypto/keccak_x4.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/user.h"
#include "kernel/panic.h"

#include <stddef.h>

#define FXSAVE_SIZE 512
#define CLEAN_STATE_SIZE 1024 /* x87 + SSE + AVX is 832 bytes */
#define FCW_DEFAULT 0x037f    /* all exceptions masked, 64-bit precision */
#define MXCSR_DEFAULT 0x1f80  /* all exceptions masked, round to nearest */
#define FXSAVE_MXCSR_OFFSET 24

static size_t state_size = FXSAVE_SIZE;
uint64_t fpu_active_xcr0; /* fpu.h: read by the inline save and restore */
bool fpu_use_xsaveopt;
static uint8_t clean_state[CLEAN_STATE_SIZE] __attribute__((aligned(64)));
static uint8_t kernel_saved_state[CLEAN_STATE_SIZE] __attribute__((aligned(64)));
static bool kernel_saved_interrupts;
static bool kernel_using_registers;

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
        fpu_active_xcr0 = XCR0_X87 | XCR0_SSE | (features->avx ? XCR0_AVX : 0);
        xsetbv(0, fpu_active_xcr0);
        uint32_t a, b, c, d;
        cpuid(0xd, 0, &a, &b, &c, &d);
        state_size = b;
        cpuid(0xd, 1, &a, &b, &c, &d);
        fpu_use_xsaveopt = (a & 1) != 0;
    }
    if (state_size < FXSAVE_SIZE || state_size > CLEAN_STATE_SIZE)
        panic("fpu: unexpected state size %zu", state_size);
    fpu_state_init(clean_state);
    crypto_simd_configure(&(const struct crypto_simd){
        .avx2 = fpu_avx2_usable(), .begin = fpu_kernel_begin, .end = fpu_kernel_end });
}

bool fpu_avx2_usable(void)
{
    const uint64_t ymm_state = XCR0_SSE | XCR0_AVX;
    return cpu_features()->avx2 && (fpu_active_xcr0 & ymm_state) == ymm_state;
}

void fpu_kernel_begin(void)
{
    bool was_enabled = interrupts_save();
    if (kernel_using_registers)
        panic("fpu: nested kernel use of the vector registers");
    kernel_using_registers = true;
    kernel_saved_interrupts = was_enabled;
    fpu_state_save(kernel_saved_state);
}

void fpu_kernel_end(void)
{
    fpu_state_restore(kernel_saved_state);
    kernel_using_registers = false;
    interrupts_restore(kernel_saved_interrupts);
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
    return fpu_active_xcr0;
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

void fpu_state_save(void *state)
{
    fpu_state_save_inline(state);
}

void fpu_state_restore(const void *state)
{
    fpu_state_restore_inline(state);
}
