/* TEMPORARY (branch `user`, issue 11): a stand-in for the generated
 * dispatcher of the `cap` work, so that the user-mode layer links and can
 * be tested. Deleted at merge together with dispatch_temporary.c. */
#ifndef NONOS_SYSCALL_DISPATCH_TEMPORARY_H
#define NONOS_SYSCALL_DISPATCH_TEMPORARY_H

#include "kernel/arch/user.h"

#define SYSCALL_TEMPORARY_EXIT 0 /* ends the calling thread */
#define SYSCALL_TEMPORARY_NULL 4 /* returns 0 */

/* The arguments of the last exit call (what a test's user program reports). */
extern struct syscall_arguments syscall_temporary_last_exit;

#endif
