/* The IDT: one interrupt gate per vector, each pointing at its 16-byte stub
 * in isr.S. Interrupt gates clear IF on entry, so handlers run with
 * interrupts off. NMI, double fault and machine check switch to their own
 * IST stacks (gdt.c). */
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"

#include <stddef.h>

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

extern const char isr_stubs[];

static struct idt_gate idt[256];

static void idt_set_gate(unsigned vector, unsigned ist)
{
    uint64_t handler = (uint64_t)(uintptr_t)(isr_stubs + 16 * vector);
    struct idt_gate *gate = &idt[vector];
    gate->offset_low = (uint16_t)handler;
    gate->selector = GDT_KERNEL_CODE;
    gate->ist = (uint8_t)ist;
    gate->type_attributes = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
    gate->offset_middle = (uint16_t)(handler >> 16);
    gate->offset_high = (uint32_t)(handler >> 32);
    gate->reserved = 0;
}

void idt_init(void)
{
    for (unsigned vector = 0; vector < 256; vector++)
        idt_set_gate(vector, 0);
    idt_set_gate(2, IST_NMI);
    idt_set_gate(VECTOR_DOUBLE_FAULT, IST_DOUBLE_FAULT);
    idt_set_gate(18, IST_MACHINE_CHECK);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) pointer = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(pointer) : "memory");
}
