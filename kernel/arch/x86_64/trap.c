/* Dispatch of every interrupt and exception (called from isr.S).
 *
 * Device vectors go to their registered source: acknowledged first as the
 * source says (trap.h), then handled; a reschedule the handler asked for
 * (need_resched) happens after it, here for interrupted kernel code, in
 * user_return_work on the way back to user code.
 *
 * An exception raised in user mode goes to user_fault (kernel/proc/) as a
 * struct fault_record; so does a fault of the return-to-user iretq itself
 * (a non-canonical user rip), which the CPU raises in ring 0. In the kernel,
 * a page fault on a user address at an instruction listed in the exception
 * table (the user copy routine) resumes at its fixup; otherwise it either
 * matches the calling thread's armed fault expectation -- it is recorded and
 * execution resumes at the expectation's resume address -- or it is fatal:
 * a full report (vector, error code, registers, CR2 with decoded page-fault
 * bits, symbolized backtrace) goes to the console and the CPU halts. */
#include "kernel/arch/interrupt.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/arch/x86_64/cpu_local.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/panic_report.h"
#include "kernel/arch/x86_64/user_entry.h"
#include "kernel/lib/print.h"
#include "kernel/mm/vm.h"
#include "kernel/sched/thread.h"

#include <stddef.h>

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
    "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack-segment fault", "general protection fault",
    "page fault", "reserved (15)", "x87 floating-point error", "alignment check",
    "machine check", "SIMD floating-point error", "virtualization exception",
    "control protection exception", "reserved (22)", "reserved (23)", "reserved (24)",
    "reserved (25)", "reserved (26)", "reserved (27)", "hypervisor injection",
    "VMM communication", "security exception", "reserved (31)",
};

struct irq_source {
    bool registered;
    irq_handler_fn handler;
    irq_acknowledge_fn acknowledge;
};

static struct irq_source irq_sources[256];
static uint64_t unexpected_interrupts;

extern const struct exception_table_entry __exception_table_start[], __exception_table_end[];

/* The generic access bits are the page-fault error code's own. */
_Static_assert(FAULT_ACCESS_PRESENT == PF_PRESENT && FAULT_ACCESS_WRITE == PF_WRITE &&
                   FAULT_ACCESS_USER == PF_USER && FAULT_ACCESS_FETCH == PF_FETCH,
               "fault access bits must match the x86 page-fault error code");
#define FAULT_ACCESS_BITS (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH)

struct fault_expectation {
    bool armed;
    bool hit;
    uint64_t vector;
    const void *resume;
    const struct thread *thread;
    struct fault_record record;
};

static struct fault_expectation expectation;

const char *exception_name(uint64_t vector)
{
    if (vector < 32)
        return exception_names[vector];
    return "interrupt";
}

void irq_set_handler(uint8_t vector, irq_handler_fn handler, irq_acknowledge_fn acknowledge)
{
    bool was_enabled = interrupts_save();
    irq_sources[vector] = (struct irq_source){ true, handler, acknowledge };
    interrupts_restore(was_enabled);
}

uint64_t irq_unexpected_count(void)
{
    return unexpected_interrupts;
}

/* The generic description of an exception (kernel/arch/interrupt.h). */
static void fault_record_fill(struct fault_record *record, const struct trap_frame *frame)
{
    bool page_fault = frame->vector == VECTOR_PAGE_FAULT;
    record->page_fault = page_fault;
    record->access = page_fault ? (unsigned)frame->error_code & FAULT_ACCESS_BITS : 0;
    record->vector = frame->vector;
    record->error_code = frame->error_code;
    record->address = page_fault ? read_cr2() : 0;
    record->pc = frame->rip;
    record->frame = *frame;
}

void fault_expect(uint64_t vector, const void *resume)
{
    bool was_enabled = interrupts_save();
    expectation.vector = vector;
    expectation.resume = resume;
    expectation.thread = thread_current();
    expectation.hit = false;
    expectation.armed = true;
    interrupts_restore(was_enabled);
}

bool fault_expect_end(struct fault_record *record)
{
    bool was_enabled = interrupts_save();
    bool hit = expectation.hit;
    if (hit && record)
        *record = expectation.record;
    expectation.armed = false;
    expectation.hit = false;
    interrupts_restore(was_enabled);
    return hit;
}

/* True when this exception was expected: record it and resume. */
static bool fault_expectation_handle(struct trap_frame *frame)
{
    if (!expectation.armed || expectation.vector != frame->vector ||
        expectation.thread != thread_current())
        return false;
    fault_record_fill(&expectation.record, frame);
    expectation.hit = true;
    expectation.armed = false; /* one-shot: a second fault is a real one */
    frame->rip = (uint64_t)(uintptr_t)expectation.resume;
    return true;
}

static void page_fault_decode(uint64_t error_code, uint64_t cr2)
{
    kprintf("  page fault at cr2=%016lx: %s, %s, %s mode%s%s%s\n", cr2,
            (error_code & PF_PRESENT) ? "protection violation" : "page not present",
            (error_code & PF_FETCH) ? "instruction fetch"
                                    : ((error_code & PF_WRITE) ? "write" : "read"),
            (error_code & PF_USER) ? "user" : "kernel",
            (error_code & PF_RESERVED) ? ", reserved bit set" : "",
            (error_code & PF_PROTECTION_KEY) ? ", protection key" : "",
            ((error_code & PF_PRESENT) && !(error_code & PF_USER) && !(error_code & PF_FETCH) &&
             cr2 < 0x800000000000ull)
                ? " (SMAP?)"
                : "");
}

void trap_report(const struct trap_frame *frame)
{
    kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", frame->rax, frame->rbx,
            frame->rcx, frame->rdx);
    kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n", frame->rsi, frame->rdi,
            frame->rbp, frame->rsp);
    kprintf("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n", frame->r8, frame->r9, frame->r10,
            frame->r11);
    kprintf("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n", frame->r12, frame->r13,
            frame->r14, frame->r15);
    kprintf("  rip=%016lx cs=%04lx ss=%04lx rflags=%08lx\n", frame->rip, frame->cs, frame->ss,
            frame->rflags);
    kprintf("  cr0=%016lx cr3=%016lx cr4=%016lx\n", read_cr0(), read_cr3(), read_cr4());
    backtrace_print(frame->rip, frame->rbp);
}

void exception_report(const struct trap_frame *frame, uint64_t cr2)
{
    const struct thread *thread = thread_current();
    kprintf("CPU exception %lu (%s), error code 0x%lx, thread %s\n", frame->vector,
            exception_name(frame->vector), frame->error_code,
            thread ? thread_name(thread) : "(boot)");
    if (frame->vector == VECTOR_PAGE_FAULT)
        page_fault_decode(frame->error_code, cr2);
    if (frame->rsp >= 0xffff800000000000ull && !vm_query(vm_space_active(), frame->rsp, NULL))
        kprintf("  rsp %016lx is unmapped: kernel stack overflow into a guard page?\n",
                frame->rsp);
    trap_report(frame);
}

static _Noreturn void exception_fatal(struct trap_frame *frame)
{
    panic_begin();
    kprintf("\nPANIC: ");
    exception_report(frame, read_cr2());
    panic_halt();
}

/* An exception in user mode: the process's problem, never the kernel's.
 * Interrupts stay off; user_fault does not return. */
static _Noreturn void user_exception(const struct trap_frame *frame)
{
    struct fault_record record;
    fault_record_fill(&record, frame);
    user_fault(&record);
}

/* The return-to-user iretq faulted (non-canonical rip): the CPU raised it in
 * ring 0, after the exit path had restored the user's registers, with the
 * user's iretq frame (rip, cs, rflags, rsp, ss) at frame->rsp. isr.S has
 * already swapped GS back. Reported as the user's fault at that rip. */
static _Noreturn void user_return_fault(const struct trap_frame *frame)
{
    const uint64_t *user = (const uint64_t *)(uintptr_t)frame->rsp;
    struct trap_frame user_frame = *frame;
    user_frame.rip = user[0];
    user_frame.cs = user[1];
    user_frame.rflags = user[2];
    user_frame.rsp = user[3];
    user_frame.ss = user[4];
    user_exception(&user_frame);
}

/* A page fault on a user address at a listed instruction resumes at its
 * fixup. A kernel address is never fixed up: that is a kernel bug. */
static bool exception_table_fixup(struct trap_frame *frame)
{
    if (frame->vector != VECTOR_PAGE_FAULT || read_cr2() >= MMU_USER_END)
        return false;
    /* The linker's two bounds delimit one array; C cannot say so of two
     * declarations, so the count comes from their addresses. */
    size_t count = ((uintptr_t)__exception_table_end - (uintptr_t)__exception_table_start) /
                   sizeof(struct exception_table_entry);
    for (size_t i = 0; i < count; i++) {
        if (__exception_table_start[i].fault == frame->rip) {
            frame->rip = __exception_table_start[i].fixup;
            return true;
        }
    }
    return false;
}

/* NMI, double fault and machine check can interrupt the few kernel
 * instructions that run with the user's GS (around swapgs); they are fatal,
 * and the report needs the per-CPU record: take it back if need be. A
 * kernel GS base is a kernel-half address, the user's never is. */
static _Noreturn void exception_fatal_paranoid(struct trap_frame *frame)
{
    if ((int64_t)rdmsr(MSR_GS_BASE) >= 0)
        swapgs();
    exception_fatal(frame);
}

static void exception_dispatch(struct trap_frame *frame)
{
    uint64_t vector = frame->vector;
    if (vector == VECTOR_NMI || vector == VECTOR_DOUBLE_FAULT || vector == VECTOR_MACHINE_CHECK)
        exception_fatal_paranoid(frame);
    if (frame->cs & 3)
        user_exception(frame);
    if (frame->rip == (uint64_t)(uintptr_t)user_return_iret)
        user_return_fault(frame);
    if (exception_table_fixup(frame) || fault_expectation_handle(frame))
        return;
    exception_fatal(frame);
}

static void interrupt_dispatch(struct trap_frame *frame)
{
    const struct irq_source *source = &irq_sources[frame->vector];
    if (!source->registered) {
        unexpected_interrupts++;
        lapic_eoi();
        return;
    }
    if (source->acknowledge)
        source->acknowledge();
    if (source->handler)
        source->handler(frame);
    if (!(frame->cs & 3))
        sched_preempt();
}

void trap_dispatch(struct trap_frame *frame)
{
    /* Interrupt delivery keeps RFLAGS.AC: a handler entered inside
     * user_access_begin/end would run with SMAP off. Clear it here; iretq
     * restores the interrupted code's flags from the frame. */
    user_access_end();
    if (frame->vector < VECTOR_IRQ_BASE)
        exception_dispatch(frame);
    else
        interrupt_dispatch(frame);
}

bool fault_try_read(const volatile void *address, struct fault_record *record)
{
    uint64_t value;
    fault_expect(VECTOR_PAGE_FAULT, probe_read_fault);
    probe_read(address, &value);
    return fault_expect_end(record);
}

bool fault_try_write(volatile void *address, uint64_t value, struct fault_record *record)
{
    fault_expect(VECTOR_PAGE_FAULT, probe_write_fault);
    probe_write(address, value);
    return fault_expect_end(record);
}

bool fault_try_exec(const void *code, struct fault_record *record)
{
    fault_expect(VECTOR_PAGE_FAULT, probe_exec_fault);
    probe_exec(code);
    return fault_expect_end(record);
}
