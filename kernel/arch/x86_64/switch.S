/* context_switch(uint64_t *save, uint64_t load) (kernel/arch/context.h):
 * saves the callee-saved registers of the current thread on its stack,
 * stores its rsp in *save, loads load into rsp and restores the next
 * thread's registers (the layout context.c builds for a new thread).
 * Caller-saved registers need no saving: this is an ordinary C call.
 * Interrupts must be off (the scheduler's invariant). */
    .text
    .global context_switch
    .type context_switch, @function
context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size context_switch, . - context_switch

/* First code of a new thread: context_switch "returns" here with r12 =
 * start, r13 and r14 its two arguments (placed by context_init, context.c).
 * rbp = 0 ends backtraces. start never returns. */
    .global context_trampoline
    .type context_trampoline, @function
context_trampoline:
    xor %ebp, %ebp
    mov %r13, %rdi
    mov %r14, %rsi
    call *%r12
    ud2
    .size context_trampoline, . - context_trampoline

    .section .note.GNU-stack, "", @progbits
