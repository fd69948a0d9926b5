/* Kernel entry. The loader jumps here with rdi = physical address of the
 * struct bootinfo, a loader stack, interrupts off and its own page tables
 * (boot/bootinfo.h). We record the TSC, clear .bss, move to the kernel's own
 * boot stack (in .bss, so it survives boot data being reused), clear rbp so
 * backtraces end here, and call kernel_main(bootinfo, entry_tsc). */
    .section .text.start, "ax"
    .global _start
    .type _start, @function
_start:
    cli
    cld
    mov %rdi, %r12              /* bootinfo physical address */
    rdtsc
    shl $32, %rdx
    or %rax, %rdx
    mov %rdx, %r13              /* TSC at kernel entry */

    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    shr $3, %rcx
    xor %eax, %eax
    rep stosq

    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %r12, %rdi
    mov %r13, %rsi
    call kernel_main
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

    .section .bss
    .balign 4096
    .global boot_stack_bottom
boot_stack_bottom:
    .skip 32768
    .global boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
