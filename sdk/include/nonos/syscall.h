/* The system-call convention capsules use: the `syscall` instruction with
 * the call number in rax and arguments in rdi, rsi, rdx, r10, r8, r9; the
 * result comes back in rax; rcx and r11 are clobbered (the instruction
 * itself uses them). This is the x86_64 convention that syscall/sysret
 * imposes. The numbers beyond NONOS_SYSCALL_EXIT belong to the microkernel's
 * ABI document; this header will grow with it. */
#ifndef NONOS_SDK_SYSCALL_H
#define NONOS_SDK_SYSCALL_H

#define NONOS_SYSCALL_EXIT 0 /* rdi = status; does not return */

static inline long nonos_syscall1(long number, long a0)
{
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0)
                     : "rcx", "r11", "memory");
    return result;
}

#endif
