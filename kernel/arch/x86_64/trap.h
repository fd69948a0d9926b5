/* Interrupts and exceptions: the register frame the ISR stubs (isr.S) save,
 * the IDT, handlers for device interrupt vectors, and the fault-expectation
 * mechanism tests use to trigger faults on purpose and carry on. */
#ifndef NONOS_ARCH_TRAP_H
#define NONOS_ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Layout fixed by isr.S: general registers in reverse push order, then the
 * stub's vector and error code, then what the CPU pushed. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

#define VECTOR_PAGE_FAULT 14
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_INVALID_OPCODE 6
#define VECTOR_IRQ_BASE 32        /* first vector for device interrupts */
#define VECTOR_TIMER 32           /* LAPIC timer */
#define VECTOR_SPURIOUS 0xff      /* LAPIC spurious interrupt */

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RESERVED (1u << 3)
#define PF_FETCH (1u << 4)
#define PF_PROTECTION_KEY (1u << 5)

void idt_init(void);

/* Handler for a device interrupt vector (>= VECTOR_IRQ_BASE). The handler
 * runs with interrupts off and must not block; the LAPIC EOI is sent by
 * trap_dispatch after it returns. */
typedef void (*irq_handler_fn)(struct trap_frame *frame);
void irq_set_handler(uint8_t vector, irq_handler_fn handler);

void trap_dispatch(struct trap_frame *frame);

/* Prints a register dump and a symbolized backtrace starting at frame. */
void trap_report(const struct trap_frame *frame);

/* The whole report a fatal exception prints after "PANIC: ": vector name,
 * error code, thread, decoded page-fault address and bits (cr2 is passed
 * in, as the CPU's CR2 may have moved on), registers, backtrace. */
void exception_report(const struct trap_frame *frame, uint64_t cr2);

const char *exception_name(uint64_t vector);

/* ---- Deliberate faults (for tests) ----
 * fault_expect arms a one-shot expectation for the calling thread: the next
 * exception `vector` it raises is recorded and, instead of a panic, execution
 * resumes at `resume`. fault_expect_end disarms and says whether the fault
 * happened, filling *record. The probes below (probe.S) provide the resume
 * points: each returns 0 when the access worked and 1 when it faulted. */
struct fault_record {
    uint64_t vector;
    uint64_t error_code;
    uint64_t address; /* CR2 for page faults */
    uint64_t rip;     /* where the fault happened */
    struct trap_frame frame; /* as saved at the fault (rip before resuming) */
};

void fault_expect(uint64_t vector, const void *resume);
bool fault_expect_end(struct fault_record *record);

int probe_read(const volatile void *address, uint64_t *value);
int probe_write(volatile void *address, uint64_t value);
int probe_exec(const void *code);
extern const char probe_read_fault[], probe_write_fault[], probe_exec_fault[];

/* Convenience wrappers: run the probe under an expectation of a page fault.
 * Return true when the access faulted, with the record filled. */
bool fault_try_read(const volatile void *address, struct fault_record *record);
bool fault_try_write(volatile void *address, uint64_t value, struct fault_record *record);
bool fault_try_exec(const void *code, struct fault_record *record);

#endif
