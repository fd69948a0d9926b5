/* Interrupt entry stubs for all 256 vectors. Each stub is 16 bytes long
 * (isr_stubs + 16 * vector), pushes a zero where the CPU pushes no error
 * code, pushes its vector, and jumps to isr_common, which saves every
 * general register into a struct trap_frame (trap.h) and calls
 * trap_dispatch(frame). Returning restores the (possibly modified) frame:
 * the fault-expectation mechanism resumes elsewhere by changing frame->rip.
 *
 * From user mode (the saved CS has RPL 3) the entry executes swapgs first
 * and the exit last (cpu_local.h's invariant), and the exit calls
 * user_return_work with interrupts off before leaving through
 * user_return_by_iret (user_entry.S). One kernel-mode case also needs
 * swapgs: a fault raised by the return-to-user iretq itself
 * (user_return_iret), which runs after the exit's swapgs. */
#include "kernel/arch/x86_64/entry_layout.h"

    .text
    .balign 16
    .global isr_stubs
isr_stubs:
    .set vector, 0
    .rept 256
    .balign 16
    .if (vector == 8) || (vector == 10) || (vector == 11) || (vector == 12) || (vector == 13) || (vector == 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    push $0
    .endif
    push $vector
    jmp isr_common
    .set vector, vector + 1
    .endr

/* Stack on arrival: vector, error code, rip, cs, rflags, rsp, ss. */
isr_common:
    testb $3, 24(%rsp)
    jnz 1f
    cmpq $user_return_iret, 16(%rsp)
    jne 2f
1:  swapgs
2:  SAVE_REGISTERS
    cld
    mov %rsp, %rdi
    call trap_dispatch
    testb $3, TRAP_FRAME_CS(%rsp)
    jz 3f
    call user_return_work
    jmp user_return_by_iret
3:  RESTORE_REGISTERS
    add $16, %rsp
    iretq

    .section .note.GNU-stack, "", @progbits
