/* The scheduler's private view of a thread, shared by kernel/sched/thread.c,
 * kernel/sched/wait.c, kernel/ipc/ (which blocks threads and hands the
 * CPU to them directly) and kernel/proc/process.c (which reads `process`
 * on every system call and switch). Everything else uses thread.h's
 * accessors. Every
 * field is touched with interrupts off. */
#ifndef NONOS_SCHED_THREAD_INTERNAL_H
#define NONOS_SCHED_THREAD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"

struct ipc_waiter;

struct thread {
    uint64_t saved_context; /* context_switch's saved stack pointer, while not running */
    uint64_t id;
    char name[THREAD_NAME_SIZE];
    enum thread_state state;
    uint64_t wake_tick;      /* the tick that checks its deadline (sleep list order) */
    uint64_t wake_ns;        /* its deadline, by timer_uptime_ns */
    uint64_t switches_in;    /* context switches to it: thread_switch_count */
    struct thread *next;     /* ready queue, sleep list or one wait queue */
    struct wait_queue *blocked_on; /* the wait queue it sleeps on, or NULL */
    uint64_t stack_base;     /* lowest mapped stack page; 0 for the boot thread */
    struct vm_space *space;  /* the address space it runs in */
    struct wait_queue exit_waiters; /* thread_join's */
    struct process *process; /* NULL for a kernel thread (kernel/proc/) */
    void *fpu_state;         /* user FPU/SIMD state (thread_create_user), else NULL */
    void *fpu_allocation;    /* the heap block fpu_state lies in */
    struct ipc_waiter *ipc_waiter;  /* kernel/ipc/: the IPC wait it sleeps in, or NULL */
};

/* Marks the running thread blocked and switches away; it runs again after
 * sched_make_ready. Interrupts off. */
void sched_block_current(void);

/* Marks the running thread blocked and switches straight to next, a
 * blocked thread, without the ready queue (IPC's direct hand-off: the
 * receiver runs in what is left of the sender's time slice). Interrupts
 * off. */
void sched_handoff(struct thread *next);

/* Appends thread to the ready queue. Interrupts off. */
void sched_make_ready(struct thread *thread);

/* Takes a thread blocked in wait_queue_sleep off its queue and makes it
 * ready (its sleep returns as after a wake-up); false if it sleeps on no
 * wait queue. Interrupts off. */
bool wait_queue_cancel(struct thread *thread);

#endif
