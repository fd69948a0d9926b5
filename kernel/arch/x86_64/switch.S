/* context_switch(uint64_t *save_rsp, uint64_t load_rsp): saves the
 * callee-saved registers of the current thread on its stack, stores its rsp
 * in *save_rsp, loads load_rsp and restores the next thread's registers.
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
 * entry and r13 = argument (placed by thread_create). rbp = 0 ends
 * backtraces. */
    .global thread_trampoline
    .type thread_trampoline, @function
thread_trampoline:
    xor %ebp, %ebp
    mov %r12, %rdi
    mov %r13, %rsi
    call thread_start
    ud2
    .size thread_trampoline, . - thread_trampoline

    .section .note.GNU-stack, "", @progbits
