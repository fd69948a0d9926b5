/* Small x86 CPU helpers: interrupt flag, halt, TSC, MSRs, control
 * registers, CPUID. Inline so they cost nothing. This is the implementation
 * header behind kernel/arch/cpu.h and kernel/arch/interrupt.h (generic code
 * includes those, never this); kernel/arch/x86_64/ and the UEFI loader (an
 * x86_64 program by definition, which shares these rather than keeping a
 * copy) include it directly. Nothing here may depend on kernel state. */
#ifndef NONOS_ARCH_CPU_H
#define NONOS_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_EFER 0xc0000080u
#define MSR_APIC_BASE 0x1bu
#define MSR_PAT 0x277u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_STAR 0xc0000081u   /* syscall/sysret selectors */
#define MSR_LSTAR 0xc0000082u  /* 64-bit syscall entry point */
#define MSR_SFMASK 0xc0000084u /* RFLAGS bits syscall clears */

#define EFER_SCE (1ull << 0)
#define EFER_NXE (1ull << 11)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_LA57 (1ull << 12)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_AC (1ull << 18)

static inline void cpu_halt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}

/* Stops this CPU for good: interrupts off, then halt (in a loop, since an
 * NMI still wakes a halted CPU). */
static inline _Noreturn void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt" : : : "memory");
}

/* Enables interrupts and halts until the next one, with no window between
 * the two (sti takes effect after the following instruction). */
static inline void cpu_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_pause(void)
{
    __asm__ volatile("pause" : : : "memory");
}

static inline void interrupts_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void interrupts_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline uint64_t cpu_flags(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
    return flags;
}

static inline bool interrupts_enabled(void)
{
    return (cpu_flags() & RFLAGS_IF) != 0;
}

/* Disables interrupts and returns whether they were on, for
 * interrupts_restore: critical sections nest safely this way. */
static inline bool interrupts_save(void)
{
    bool was_enabled = interrupts_enabled();
    interrupts_disable();
    return was_enabled;
}

static inline void interrupts_restore(bool was_enabled)
{
    if (was_enabled)
        interrupts_enable();
}

static inline uint64_t rdtsc(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

static inline uint64_t cpu_cycles(void)
{
    return rdtsc();
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t low, high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return ((uint64_t)high << 32) | low;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void tlb_flush_page(uint64_t virt)
{
    __asm__ volatile("invlpg (%0)" : : "r"(virt) : "memory");
}

static inline void swapgs(void)
{
    __asm__ volatile("swapgs" : : : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(subleaf));
}

/* Features found by cpu_detect (kernel/arch/x86_64/cpu.c). */
struct cpu_features {
    bool nx, smep, smap, pge, x2apic, invariant_tsc, rdrand, rdseed;
    bool fxsr, xsave, avx; /* FPU/SIMD state formats and the AVX registers */
    bool avx2;             /* AVX2 (CPUID.(7, 0).EBX bit 5), with SSSE3 and SSE4.1 */
    char vendor[13];
};

void cpu_detect(void);
const struct cpu_features *cpu_features(void);

/* cpu_features()->smap, as a plain flag: read on every user copy, where a
 * call to cpu_features() would cost more than the stac itself. */
extern bool cpu_smap_present;

/* SMAP: the kernel touches user pages only between these two. stac and
 * clac are invalid opcodes on a CPU without SMAP, where there is nothing to
 * open either. */
static inline void user_access_begin(void)
{
    if (cpu_smap_present)
        __asm__ volatile("stac" : : : "memory");
}

static inline void user_access_end(void)
{
    if (cpu_smap_present)
        __asm__ volatile("clac" : : : "memory");
}

/* rep stosq / rep movsq: one instruction per word where a loop takes
 * three or more (and under QEMU -icount each word counts as one). */
static inline void words_zero(volatile void *to, uint64_t words)
{
    volatile void *destination = to;
    __asm__ volatile("rep stosq" : "+D"(destination), "+c"(words) : "a"(0ull) : "memory");
}

static inline void words_copy(void *to, const void *from, uint64_t words)
{
    void *destination = to;
    const void *source = from;
    __asm__ volatile("rep movsq"
                     : "+D"(destination), "+S"(source), "+c"(words)
                     :
                     : "memory");
}

/* Zeroes one 4 KiB page with rep stosq (512 stores instead of 4096). */
static inline void page_zero(void *page)
{
    words_zero(page, 512);
}

/* The last-resort reset: load an empty IDT and raise an exception. The CPU
 * cannot deliver it, nor the double fault that follows, and shuts down
 * (triple fault), which resets a PC. */
static inline _Noreturn void cpu_reset(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty = { 0, 0 };
    __asm__ volatile("cli; lidt %0; int3" : : "m"(empty) : "memory");
    for (;;)
        __asm__ volatile("hlt");
}

#endif
