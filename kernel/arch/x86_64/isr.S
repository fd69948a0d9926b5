/* Interrupt entry stubs for all 256 vectors. Each stub is 16 bytes long
 * (isr_stubs + 16 * vector), pushes a zero where the CPU pushes no error
 * code, pushes its vector, and jumps to isr_common, which saves every
 * general register into a struct trap_frame (trap.h) and calls
 * trap_dispatch(frame). Returning restores the (possibly modified) frame:
 * the fault-expectation mechanism resumes elsewhere by changing frame->rip. */
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

isr_common:
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
    cld
    mov %rsp, %rdi
    call trap_dispatch
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
    add $16, %rsp
    iretq

    .section .note.GNU-stack, "", @progbits
