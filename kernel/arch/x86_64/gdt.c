/* The kernel's own GDT and TSS. Long mode ignores segment bases and limits
 * except for the TSS, so the code/data descriptors only carry type, DPL and
 * the L bit. The TSS holds the IST stacks: double fault, NMI and machine
 * check always run on a known-good stack, even after a stack overflow. */
#include "kernel/arch/x86_64/gdt.h"

#include <stddef.h>


#define IST_STACK_SIZE 8192
#define IST_STACK_COUNT 3

static uint8_t ist_stacks[IST_STACK_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
struct tss tss;

/* 5 segment descriptors + the 16-byte TSS descriptor. */
static uint64_t gdt[7];

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Access byte: present, DPL, S=1 (code/data), type; flags nibble: L bit for code. */
static uint64_t segment_descriptor(unsigned dpl, int code)
{
    uint64_t access = 0x80u | (dpl << 5) | 0x10u | (code ? 0x0au : 0x02u);
    uint64_t flags = code ? 0x2u : 0x0u; /* L = 1 for 64-bit code */
    return (access << 40) | (flags << 52);
}

static void tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
    slot[0] = (limit & 0xffffull) | ((base & 0xffffffull) << 16) | (0x89ull << 40) |
              ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xffull) << 56);
    slot[1] = base >> 32;
}

static void gdt_load(void)
{
    struct descriptor_pointer pointer = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "mov %1, %%ds\n\t"
                     "mov %1, %%es\n\t"
                     "mov %1, %%ss\n\t"
                     "xor %%eax, %%eax\n\t"
                     "mov %%ax, %%fs\n\t"
                     "mov %%ax, %%gs\n\t"
                     "pushq %2\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:"
                     :
                     : "m"(pointer), "r"((uint64_t)GDT_KERNEL_DATA), "i"(GDT_KERNEL_CODE)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_TSS) : "memory");
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = segment_descriptor(0, 1);
    gdt[GDT_KERNEL_DATA / 8] = segment_descriptor(0, 0);
    gdt[GDT_USER_DATA / 8] = segment_descriptor(3, 0);
    gdt[GDT_USER_CODE / 8] = segment_descriptor(3, 1);
    for (int i = 0; i < IST_STACK_COUNT; i++)
        tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE);
    tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
    tss_descriptor(&gdt[GDT_TSS / 8], (uint64_t)(uintptr_t)&tss, sizeof(tss) - 1);
    gdt_load();
}
