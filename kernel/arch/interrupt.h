/* The arch interface for interrupts and exceptions: the interrupt flag
 * (the single CPU's lock: scheduler and allocator state is touched only with
 * interrupts off), bring-up of the interrupt controller, and the
 * fault-expectation mechanism tests use to trigger faults on purpose and
 * carry on. Scheme: see kernel/arch/io.h.
 *
 * A fatal exception prints a report (exception_report) and halts; device
 * interrupts are routed by the architecture (today only its timer, which
 * calls sched_tick). */
#ifndef NONOS_ARCH_INTERFACE_INTERRUPT_H
#define NONOS_ARCH_INTERFACE_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>

/* The implementation: struct trap_frame, which struct fault_record below
 * embeds, must be complete here. */
#include "kernel/arch/x86_64/trap.h"

static inline void interrupts_enable(void);
static inline void interrupts_disable(void);
static inline bool interrupts_enabled(void);

/* Disables interrupts and returns whether they were on, for
 * interrupts_restore: critical sections nest safely this way. */
static inline bool interrupts_save(void);
static inline void interrupts_restore(bool was_enabled);

/* Sets up the interrupt controller (x86: 8259 PICs remapped and masked,
 * local APIC enabled). Needs vm_map_mmio. */
void interrupt_controller_init(void);

/* ---- Deliberate faults (for tests) ----
 * fault_try_read/write/exec touch one address under a one-shot expectation
 * of a page fault by the calling thread: the fault, if it happens, is
 * recorded instead of being fatal and the probe returns. They return true
 * when the access faulted, with *record filled. Any other exception, from
 * any other thread, or a second one, is still fatal. */
#define FAULT_ACCESS_PRESENT (1u << 0) /* the page was mapped: a rights violation */
#define FAULT_ACCESS_WRITE (1u << 1)   /* the access was a write */
#define FAULT_ACCESS_USER (1u << 2)    /* the access came from user mode */
#define FAULT_ACCESS_FETCH (1u << 4)   /* the access was an instruction fetch */

struct fault_record {
    bool page_fault;     /* the exception was a page fault */
    unsigned access;     /* page fault: FAULT_ACCESS_* bits */
    uint64_t address;    /* page fault: the address accessed */
    uint64_t pc;         /* where the fault happened */
    uint64_t vector;     /* the architecture's exception number */
    uint64_t error_code; /* the architecture's raw error code */
    struct trap_frame frame; /* registers at the fault (pc before resuming) */
};

bool fault_try_read(const volatile void *address, struct fault_record *record);
bool fault_try_write(volatile void *address, uint64_t value, struct fault_record *record);
bool fault_try_exec(const void *code, struct fault_record *record);

/* The probes under fault_try_*: each touches one address and returns 0, or
 * 1 when it faulted under an expectation. fault_expect_end disarms a
 * pending expectation and says whether it was hit (record may be NULL). */
int probe_read(const volatile void *address, uint64_t *value);
int probe_write(volatile void *address, uint64_t value);
int probe_exec(const void *code);
bool fault_expect_end(struct fault_record *record);

/* The report a fatal exception prints after "PANIC: " (exception name,
 * thread, decoded page-fault address and bits, registers, symbolized
 * backtrace), for tests to check it on a caught fault. */
void exception_report(const struct trap_frame *frame, uint64_t address);

/* The inline definitions. */
#include "kernel/arch/x86_64/cpu.h"

#endif
