/* CPU feature detection (CPUID) and the protection bits the kernel turns
 * on: EFER.NXE (no-execute pages), CR0.WP (supervisor writes honour
 * read-only pages), CR4.PGE (global kernel pages), CR4.SMEP and CR4.SMAP
 * when the CPU has them, and a PAT with a write-combining entry. */
#include "kernel/arch/cpu.h"

#include "kernel/arch/x86_64/cpu_local.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/lib/print.h"
#include "kernel/panic.h"

static struct cpu_features features;
bool cpu_smap_present;

void cpu_detect(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    uint32_t max_leaf = a;
    const uint32_t vendor[3] = { b, d, c };
    for (int i = 0; i < 12; i++)
        features.vendor[i] = (char)(vendor[i / 4] >> (8 * (i % 4)));
    features.vendor[12] = '\0';
    cpuid(1, 0, &a, &b, &c, &d);
    features.pge = (d >> 13) & 1;
    features.x2apic = (c >> 21) & 1;
    features.rdrand = (c >> 30) & 1;
    features.fxsr = (d >> 24) & 1;
    features.xsave = (c >> 26) & 1;
    features.avx = features.xsave && ((c >> 28) & 1);
    /* The compiler's AVX2 code may use the VEX forms of SSSE3 and SSE4.1
     * instructions (vpshufb, vpmovzx...), which a CPU model may lack even
     * with AVX2 (QEMU's qemu64,+avx2 does; no real CPU): AVX2 counts only
     * with them. */
    bool sse_below_avx2 = ((c >> 9) & 1) && ((c >> 19) & 1);
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        features.avx2 = features.avx && sse_below_avx2 && ((b >> 5) & 1);
        features.smep = (b >> 7) & 1;
        features.smap = (b >> 20) & 1;
        cpu_smap_present = features.smap;
        features.rdseed = (b >> 18) & 1;
    }
    cpuid(0x80000000u, 0, &a, &b, &c, &d);
    uint32_t max_extended = a;
    if (max_extended >= 0x80000001u) {
        cpuid(0x80000001u, 0, &a, &b, &c, &d);
        features.nx = (d >> 20) & 1;
    }
    if (max_extended >= 0x80000007u) {
        cpuid(0x80000007u, 0, &a, &b, &c, &d);
        features.invariant_tsc = (d >> 8) & 1;
    }
}

void cpu_init(void)
{
    cpu_detect();
    gdt_init();
    cpu_local_init(); /* after gdt_init: loading GS may clear its base */
    idt_init();
}

const struct cpu_features *cpu_features(void)
{
    return &features;
}

void cpu_describe(char *text, size_t size)
{
    ksnprintf(text, size, "%s nx=%d smep=%d smap=%d xsave=%d avx=%d avx2=%d", features.vendor,
              features.nx, features.smep, features.smap, features.xsave, features.avx,
              features.avx2);
}

/* PAT entries (Intel SDM 11.12): 0 WB, 1 WC (instead of WT), 2 UC-, 3 UC,
 * then the same again. Page-table PWT alone selects WC; PCD|PWT selects UC. */
#define PAT_VALUE 0x0007010600070106ull

void cpu_enable_protection(void)
{
    if (!features.nx)
        panic("CPU lacks NX (no-execute): W^X cannot be enforced");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    write_cr0(read_cr0() | CR0_WP);
    wrmsr(MSR_PAT, PAT_VALUE);
    uint64_t cr4 = read_cr4();
    if (features.pge)
        cr4 |= CR4_PGE;
    if (features.smep)
        cr4 |= CR4_SMEP;
    if (features.smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
}
