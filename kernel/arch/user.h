/* The arch interface for user mode: entering ring 3, the system-call and
 * exception paths back into the kernel, copying to and from user memory,
 * per-thread FPU/SIMD state and per-CPU data. Scheme: see kernel/arch/io.h.
 *
 * Contract between the architecture and generic code (issue 11):
 *   - The arch calls syscall_dispatch (kernel/syscall/) for every system
 *     call, with the caller's registers decoded into struct
 *     syscall_arguments; its return value goes back in the result register.
 *     The two register IPC calls (the IPC fast path) may instead go
 *     straight to their handlers, sys_ipc_call_registers and
 *     sys_ipc_reply_receive_registers (kernel/syscall/handlers.h): they
 *     have no slot argument for the dispatcher to check, so it would do
 *     nothing but call them (tests/kernel/dispatch_test.c checks the table
 *     says so).
 *   - The arch calls user_fault (kernel/proc/) for every exception raised
 *     in user mode; user_fault never returns to the faulting code.
 *   - On every return to user mode (after a system call, an exception or an
 *     interrupt), with interrupts off, the arch calls user_return_work
 *     (kernel/sched/): it switches threads when a reschedule is pending
 *     (returning when this thread runs again) and ends the thread, never
 *     returning, when its process is being killed.
 *   - The kernel stack used on entry from user mode is the running thread's
 *     own; the scheduler tells the arch with user_kernel_stack_set on each
 *     switch. */
#ifndef NONOS_ARCH_INTERFACE_USER_H
#define NONOS_ARCH_INTERFACE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fault_record;

/* A system call as the arch decoded it. */
struct syscall_arguments {
    uint64_t number;
    uint64_t argument[6];
};

/* Where a thread starts in user mode. */
struct user_start {
    uint64_t pc;        /* entry point */
    uint64_t stack;     /* initial stack pointer (16-byte aligned + 8 is the arch's business) */
    uint64_t argument0; /* first argument register */
    uint64_t argument1; /* second argument register */
};

/* Sets up system-call entry and the FPU/SIMD state format of the boot CPU
 * (its per-CPU data, kernel/arch/cpu_local.h, exists from cpu_init on).
 * Called once by cpu_init's caller after the heap exists. */
void user_init(void);

/* Leaves the kernel for user mode in the calling thread's address space;
 * the thread's kernel stack is abandoned and reused for every later entry.
 * Interrupts are enabled in user mode. */
_Noreturn void user_enter(const struct user_start *start);

/* The kernel stack top the next entry from user mode uses (the running
 * thread's). Interrupts off. */
void user_kernel_stack_set(uint64_t stack_top);

/* Sets the registers the running thread's system call returns besides its
 * result: the six argument registers (x86: rdi, rsi, rdx, r10, r8, r9)
 * take value[0..5] on the way back to user mode. For the register IPC
 * calls (kernel/ipc/ipc_syscalls.c); only from a system call's handler. */
#define SYSCALL_OUTPUTS 6
void user_syscall_outputs_set(const uint64_t value[SYSCALL_OUTPUTS]);

/* Copies between kernel memory and user memory of the active address
 * space, under SMAP opened only for the copy. The range must already have
 * been checked to lie in the user half (kernel/syscall/user_memory.h does
 * that, and is the only caller); a fault during the copy is caught by the
 * exception table and reported as false, never as a kernel fault. */
bool user_copy_from(void *kernel_destination, uint64_t user_source, size_t length);
bool user_copy_to(uint64_t user_destination, const void *kernel_source, size_t length);

/* FPU/SIMD (x86: XSAVE) state of a user thread, saved and restored eagerly
 * on every switch by the scheduler. */
size_t fpu_state_size(void);      /* bytes, valid after user_init */
size_t fpu_state_alignment(void); /* 64 on x86 */
void fpu_state_init(void *state); /* the clean state a new thread starts with */
void fpu_state_save(void *state);
void fpu_state_restore(const void *state);

/* Generic functions the arch calls (defined outside kernel/arch/). */
int64_t syscall_dispatch(const struct syscall_arguments *call);
/* The handlers of the register IPC calls (kernel/syscall/handlers.h):
 * sys_ipc_call_registers, sys_ipc_reply_receive_registers. */
_Noreturn void user_fault(const struct fault_record *record);
void user_return_work(void);

#endif
