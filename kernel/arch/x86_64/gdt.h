/* GDT and TSS. Selector layout is fixed by syscall/sysret (user.c):
 * STAR[63:48] = 0x10 gives user SS = 0x18|3 and user CS = 0x20|3, so user
 * data must sit right below user code. */
#ifndef NONOS_ARCH_GDT_H
#define NONOS_ARCH_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA 0x18
#define GDT_USER_CODE 0x20
#define GDT_TSS 0x28

/* Interrupt stack table slots (1-based, as the IDT gate wants them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

void gdt_init(void);

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

extern struct tss tss; /* gdt.c; rsp[0] is written on every switch, inline */

/* Stack the CPU switches to on an interrupt from user mode. */
static inline void tss_set_kernel_stack(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}

#endif
