/* x86 interrupts and exceptions: the register frame the ISR stubs (isr.S)
 * save, the IDT, handlers for device interrupt vectors. The implementation
 * header behind kernel/arch/interrupt.h (generic code includes that). */
#ifndef NONOS_ARCH_TRAP_H
#define NONOS_ARCH_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/x86_64/entry_layout.h"

/* Layout fixed by isr.S: general registers in reverse push order, then the
 * stub's vector and error code, then what the CPU pushed. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(offsetof(struct trap_frame, rax) == TRAP_FRAME_RAX &&
                   offsetof(struct trap_frame, vector) == TRAP_FRAME_VECTOR &&
                   offsetof(struct trap_frame, rip) == TRAP_FRAME_RIP &&
                   offsetof(struct trap_frame, cs) == TRAP_FRAME_CS &&
                   offsetof(struct trap_frame, rflags) == TRAP_FRAME_RFLAGS &&
                   offsetof(struct trap_frame, rsp) == TRAP_FRAME_RSP &&
                   offsetof(struct trap_frame, ss) == TRAP_FRAME_SS &&
                   sizeof(struct trap_frame) == TRAP_FRAME_SIZE,
               "struct trap_frame layout (entry_layout.h)");

#define VECTOR_PAGE_FAULT 14
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_NMI 2
#define VECTOR_MACHINE_CHECK 18
#define VECTOR_INVALID_OPCODE 6
#define VECTOR_IRQ_BASE 32        /* first vector for device interrupts */
#define VECTOR_TIMER 32           /* LAPIC timer */
#define VECTOR_IOMMU_FAULT 0xfe   /* VT-d fault events (kernel/arch/x86_64/iommu) */
#define VECTOR_SPURIOUS 0xff      /* LAPIC spurious interrupt */

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RESERVED (1u << 3)
#define PF_FETCH (1u << 4)
#define PF_PROTECTION_KEY (1u << 5)

void idt_init(void);

/* A device interrupt source on a vector (>= VECTOR_IRQ_BASE): its handler,
 * which runs with interrupts off and must not block, and how the source is
 * acknowledged, which trap_dispatch calls before the handler (the handler
 * may end in a thread switch that comes back much later): lapic_eoi for
 * the LAPIC's own sources (its timer) and for IOAPIC or MSI interrupts,
 * whatever else a controller needs, NULL for none (the LAPIC's spurious
 * vector, which must not be acknowledged). A vector nobody registered gets
 * a LAPIC EOI (the only controller that routes interrupts today) and is
 * counted in irq_unexpected_count. After the handler, when the interrupted
 * code was the kernel's, trap_dispatch calls sched_preempt (a pending
 * reschedule); for user code the exit path calls user_return_work. */
typedef void (*irq_handler_fn)(struct trap_frame *frame);
typedef void (*irq_acknowledge_fn)(void);
void irq_set_handler(uint8_t vector, irq_handler_fn handler, irq_acknowledge_fn acknowledge);
uint64_t irq_unexpected_count(void);

void trap_dispatch(struct trap_frame *frame);

/* Prints a register dump and a symbolized backtrace starting at frame. */
void trap_report(const struct trap_frame *frame);

const char *exception_name(uint64_t vector);

/* Arms the one-shot expectation behind fault_try_* (kernel/arch/
 * interrupt.h): the next exception `vector` the calling thread raises is
 * recorded and execution resumes at `resume` (a probe's *_fault label). */
struct fault_record;
void fault_expect(uint64_t vector, const void *resume);
extern const char probe_read_fault[], probe_write_fault[], probe_exec_fault[];

#endif
