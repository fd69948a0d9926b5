/* The assembly of user mode (user_entry.S) as C sees it. */
#ifndef NONOS_ARCH_USER_ENTRY_H
#define NONOS_ARCH_USER_ENTRY_H

#include <stddef.h>
#include <stdint.h>

/* LSTAR's target: the syscall instruction lands here. */
void syscall_entry(void);

/* Leaves for ring 3 through iretq at pc with rsp = stack, rdi = argument0,
 * rsi = argument1, every other general register zero, IF set. Uses the
 * per-CPU entry stack (the running thread's) for the iretq frame. */
_Noreturn void user_enter_iret(uint64_t pc, uint64_t stack, uint64_t argument0,
                               uint64_t argument1);


/* The one iretq that returns to user mode (from an interrupt, an exception
 * or a syscall that cannot use sysretq). A fault raised by the iretq itself
 * (a non-canonical return address) arrives in ring 0 with the user's GS:
 * isr.S and trap.c recognise it by this address. */
extern const char user_return_iret[];

/* Returns to user mode through user_return_iret with the frame at rsp
 * (isr.S's exit path, also taken by syscalls whose return state sysretq
 * must not load). */
extern const char user_return_by_iret[];

/* How many syscalls returned through iretq instead of sysretq (tests). */
extern uint64_t syscall_iret_returns;

/* An entry of the exception table (the linker section exception_table,
 * bounded by __exception_table_start/end in kernel/kernel.ld): a page
 * fault at `fault` on a user address resumes at `fixup`. */
struct exception_table_entry {
    uint64_t fault;
    uint64_t fixup;
};

#endif
