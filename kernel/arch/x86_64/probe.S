/* Probes for deliberate faults (kernel/arch/x86_64/fault.h). Each touches
 * one address and returns 0; if the access faults while an expectation is
 * armed, the trap handler resumes at the probe's *_fault label, which
 * returns 1. Resume labels sit where the stack is exactly as at the faulting
 * instruction (plus the rbp frame for exec), so returning is safe. */
    .text
    .global probe_read
    .type probe_read, @function
probe_read:                     /* int probe_read(const volatile void *addr, uint64_t *value) */
    mov (%rdi), %rax
    mov %rax, (%rsi)
    xor %eax, %eax
    ret
    .global probe_read_fault
probe_read_fault:
    mov $1, %eax
    ret
    .size probe_read, . - probe_read

    .global probe_write
    .type probe_write, @function
probe_write:                    /* int probe_write(volatile void *addr, uint64_t value) */
    mov %rsi, (%rdi)
    xor %eax, %eax
    ret
    .global probe_write_fault
probe_write_fault:
    mov $1, %eax
    ret
    .size probe_write, . - probe_write

    .global probe_exec
    .type probe_exec, @function
probe_exec:                     /* int probe_exec(const void *code): calls code */
    push %rbp
    mov %rsp, %rbp
    call *%rdi
    xor %eax, %eax
    pop %rbp
    ret
    .global probe_exec_fault
probe_exec_fault:
    mov %rbp, %rsp
    mov $1, %eax
    pop %rbp
    ret
    .size probe_exec, . - probe_exec

    .section .note.GNU-stack, "", @progbits
