/* Layouts shared by C and the assembly of the entry paths (isr.S,
 * user_entry.S): byte offsets in struct cpu_local (reached as %gs:OFFSET)
 * and in struct trap_frame, the selectors of ring 3, and the register save
 * and restore sequence every entry uses. cpu_local.h and trap.h check the
 * offsets against their structs. */
#ifndef NONOS_ARCH_ENTRY_LAYOUT_H
#define NONOS_ARCH_ENTRY_LAYOUT_H

#define CPU_LOCAL_SELF 0
#define CPU_LOCAL_KERNEL_STACK 8 /* stack top for entries from user mode */
#define CPU_LOCAL_USER_STACK 16  /* scratch: user rsp during syscall entry */
#define CPU_LOCAL_THREAD 24
#define CPU_LOCAL_NEED_RESCHED 32

#define TRAP_FRAME_RAX 112
#define TRAP_FRAME_VECTOR 120
#define TRAP_FRAME_RIP 136
#define TRAP_FRAME_CS 144
#define TRAP_FRAME_RFLAGS 152
#define TRAP_FRAME_RSP 160
#define TRAP_FRAME_SS 168
#define TRAP_FRAME_SIZE 176

#define SELECTOR_USER_DATA (0x18 | 3)
#define SELECTOR_USER_CODE (0x20 | 3)
#define VECTOR_SYSCALL_MARK 0x100 /* trap_frame.vector of a syscall's frame */

/* The register IPC calls syscall_entry passes straight to their handlers
 * (kernel/syscall/syscalls.txt; checked against the table in user.c). */
#define SYSCALL_IPC_CALL_REGISTERS 62
#define SYSCALL_IPC_REPLY_RECEIVE_REGISTERS 63

/* RFLAGS a return to user mode never carries: IOPL, NT, RF, VM, VIF, VIP.
 * Ring 3 cannot set them itself; sysretq is taken only when none is set and
 * IF is, and the iretq path of a syscall clears them and sets IF. */
#define USER_FLAGS_REFUSED 0x1b7000
#define USER_FLAGS_IF 0x200

#ifdef __ASSEMBLER__
/* struct trap_frame's general registers, rax pushed first (trap.h). */
.macro SAVE_REGISTERS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro RESTORE_REGISTERS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm
#endif

#endif
