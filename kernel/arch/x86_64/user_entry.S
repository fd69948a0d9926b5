/* The ways in and out of ring 3 (kernel/arch/user.h; C side in user.c).
 *
 * syscall_entry: the syscall instruction arrives here (LSTAR) with
 * interrupts, TF, DF, AC and NT cleared by SFMASK, rcx = user rip, r11 =
 * user rflags, still on the user stack with the user's GS. It swaps GS,
 * takes the thread's kernel stack from the per-CPU record, saves the whole
 * user state as a struct trap_frame (vector VECTOR_SYSCALL_MARK) like an
 * interrupt would, enables interrupts and calls syscall_dispatch with the
 * struct syscall_arguments it pushes below the frame (rax; rdi, rsi, rdx,
 * r10, r8, r9). The result goes into the frame's rax. Then, interrupts off:
 * user_return_work, and back to user mode with sysretq only when the return
 * rip is a canonical user address (bits 63..47 clear: Intel CPUs raise the
 * #GP of a non-canonical rcx in ring 0, on the user stack) and the flags
 * are ones ring 3 can have (USER_FLAGS_REFUSED clear, IF set). Otherwise
 * through iretq, with the flags and selectors forced to user ones; an iretq
 * to a non-canonical rip faults at user_return_iret, which trap.c turns into
 * a user fault.
 *
 * The register IPC calls (62, 63: the IPC fast path) skip
 * syscall_dispatch and its argument record: their handlers are called with
 * the argument registers directly (kernel/arch/user.h says why that is the
 * same).
 *
 * Fast path cost: no FPU work (the kernel never touches FPU/SIMD
 * registers), no MSR access, one call to user_return_work. */
#include "kernel/arch/x86_64/entry_layout.h"

    .text
    .global syscall_entry
    .type syscall_entry, @function
syscall_entry:
    swapgs
    mov %rsp, %gs:CPU_LOCAL_USER_STACK
    mov %gs:CPU_LOCAL_KERNEL_STACK, %rsp
    pushq $SELECTOR_USER_DATA
    pushq %gs:CPU_LOCAL_USER_STACK
    push %r11
    pushq $SELECTOR_USER_CODE
    push %rcx
    pushq $0
    pushq $VECTOR_SYSCALL_MARK
    SAVE_REGISTERS
    xor %ebp, %ebp              /* backtraces stop here, not at a user pointer */
    sti
    cmp $SYSCALL_IPC_CALL_REGISTERS, %rax
    je syscall_ipc_call_registers
    cmp $SYSCALL_IPC_REPLY_RECEIVE_REGISTERS, %rax
    je syscall_ipc_reply_receive_registers
    sub $8, %rsp                /* frame 176 + arguments 56 + 8: rsp 16-aligned at the call */
    push %r9                    /* struct syscall_arguments */
    push %r8
    push %r10
    push %rdx
    push %rsi
    push %rdi
    push %rax
    mov %rsp, %rdi
    call syscall_dispatch
    add $64, %rsp
syscall_result:
    mov %rax, TRAP_FRAME_RAX(%rsp)
    cli
    call user_return_work
    mov TRAP_FRAME_RIP(%rsp), %rcx
    mov TRAP_FRAME_RFLAGS(%rsp), %r11
    mov %rcx, %rax
    shr $47, %rax
    jnz syscall_return_by_iret
    mov %r11d, %eax
    and $(USER_FLAGS_REFUSED | USER_FLAGS_IF), %eax
    cmp $USER_FLAGS_IF, %eax
    jne syscall_return_by_iret
    RESTORE_REGISTERS
    mov TRAP_FRAME_RIP - TRAP_FRAME_VECTOR(%rsp), %rcx
    mov TRAP_FRAME_RFLAGS - TRAP_FRAME_VECTOR(%rsp), %r11
    mov TRAP_FRAME_RSP - TRAP_FRAME_VECTOR(%rsp), %rsp
    swapgs
    sysretq

/* The register IPC calls (kernel/arch/user.h): their handlers take the six
 * argument registers as they are, the fourth (r10) in rcx as C wants it.
 * rsp is 16-aligned here: the frame (176 bytes) sits at the stack top. */
syscall_ipc_call_registers:
    mov %r10, %rcx
    call sys_ipc_call_registers
    jmp syscall_result
syscall_ipc_reply_receive_registers:
    mov %r10, %rcx
    call sys_ipc_reply_receive_registers
    jmp syscall_result
    .size syscall_entry, . - syscall_entry

syscall_return_by_iret:
    incq syscall_iret_returns(%rip)
    andq $~USER_FLAGS_REFUSED, TRAP_FRAME_RFLAGS(%rsp)
    orq $USER_FLAGS_IF, TRAP_FRAME_RFLAGS(%rsp)
    movq $SELECTOR_USER_CODE, TRAP_FRAME_CS(%rsp)
    movq $SELECTOR_USER_DATA, TRAP_FRAME_SS(%rsp)
    /* fall through */

/* Restores the struct trap_frame at rsp and returns to user mode. Entered
 * with interrupts off and the kernel's GS. */
    .global user_return_by_iret
user_return_by_iret:
    RESTORE_REGISTERS
    add $16, %rsp               /* vector, error code */
    swapgs
    .global user_return_iret
user_return_iret:
    iretq

/* user_enter_iret(pc, stack, argument0, argument1) (user_entry.h). */
    .global user_enter_iret
    .type user_enter_iret, @function
user_enter_iret:
    mov %gs:CPU_LOCAL_KERNEL_STACK, %rsp
    pushq $SELECTOR_USER_DATA
    push %rsi
    pushq $USER_FLAGS_IF
    pushq $SELECTOR_USER_CODE
    push %rdi
    mov %rdx, %rdi
    mov %rcx, %rsi
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    swapgs
    jmp user_return_iret
    .size user_enter_iret, . - user_enter_iret

/* bool user_copy_from(void *kernel_destination, uint64_t user_source, size_t length)
 * bool user_copy_to(uint64_t user_destination, const void *kernel_source, size_t length)
 * (kernel/arch/user.h): one body, as both take (destination, source,
 * length). The range was checked by kernel/syscall/user_memory.h. SMAP is
 * opened (stac) only around the two copying instructions when the CPU has
 * it (cpu_smap_present). By 8-byte words, then the 0-7 bytes left: a rep
 * iteration is one retired instruction, so a 24-byte message header costs
 * 3, not 24. A page fault of either rep on a user address resumes at the
 * fixup through the exception table (trap.c): false, the destination
 * partly written. */
    .global user_copy_from
    .type user_copy_from, @function
    .global user_copy_to
    .type user_copy_to, @function
user_copy_from:
user_copy_to:
    cmpb $0, cpu_smap_present(%rip)
    je 1f
    stac
1:  mov %rdx, %rcx
    shr $3, %rcx
2:  rep movsq
    mov %edx, %ecx
    and $7, %ecx
3:  rep movsb
    mov $1, %eax
    jmp 5f
4:  xor %eax, %eax
5:  cmpb $0, cpu_smap_present(%rip)
    je 6f
    clac
6:  ret
    .size user_copy_from, . - user_copy_from
    .size user_copy_to, . - user_copy_to

    .pushsection exception_table, "a"
    .balign 8
    .quad 2b, 4b
    .quad 3b, 4b
    .popsection

    .data
    .balign 8
    .global syscall_iret_returns
syscall_iret_returns:
    .quad 0

    .section .note.GNU-stack, "", @progbits
