/* The capsule entry point. The kernel enters _start with rsp at the top of
 * the capsule's stack; _start realigns it (the psABI wants rsp % 16 == 0
 * before a call), clears rbp so that stack walks end here, calls main and
 * hands the status to nonos_exit. Linked first into every payload by
 * `nonos-capsule build`. */
#include "include/nonos/capsule.h" /* relative: builds without -I */
#include "include/nonos/syscall.h"

__attribute__((naked, noreturn, used)) void _start(void);

__attribute__((naked, noreturn, used)) void _start(void)
{
    __asm__ volatile("xor %%ebp, %%ebp\n\t"
                     "and $-16, %%rsp\n\t"
                     "call main\n\t"
                     "mov %%eax, %%edi\n\t"
                     "call nonos_exit\n\t"
                     "ud2" /* nonos_exit does not return */
                     ::: "memory");
}

_Noreturn void nonos_exit(int status)
{
    /* The kernel never returns from exit; if it ever did, asking again is
     * the only correct thing to do. */
    for (;;)
        nonos_syscall1(NONOS_SYSCALL_EXIT, status);
}
