/* TEMPORARY (branch `user`, issue 11): syscall_dispatch with two calls,
 * 0 exit (ends the thread) and 4 null (returns 0); every other number
 * returns -ERROR_INVALID_SYSCALL. Replaced at merge by the generated
 * dispatcher (kernel/syscall/syscalls.txt). */
#include "kernel/syscall/dispatch_temporary.h"

#include "kernel/error.h"
#include "kernel/sched/thread.h"

struct syscall_arguments syscall_temporary_last_exit;

int64_t syscall_dispatch(const struct syscall_arguments *call)
{
    switch (call->number) {
    case SYSCALL_TEMPORARY_NULL:
        return 0;
    case SYSCALL_TEMPORARY_EXIT:
        syscall_temporary_last_exit = *call;
        thread_exit();
    default:
        return -ERROR_INVALID_SYSCALL;
    }
}
