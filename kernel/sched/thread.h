/* Kernel threads and the preemptive round-robin scheduler.
 *
 * Every thread has its own kernel stack in the vmap window with an unmapped
 * guard page below it, so an overflow faults instead of corrupting memory.
 * The LAPIC timer interrupt preempts the running thread at each tick
 * (timer_hz per second); threads may also yield or sleep. When nothing is
 * runnable the idle thread halts the CPU until the next interrupt. */
#ifndef NONOS_SCHED_THREAD_H
#define NONOS_SCHED_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#define THREAD_NAME_SIZE 16
#define THREAD_STACK_PAGES 4

struct thread;
struct vm_space;
typedef void (*thread_entry_fn)(void *arg);

enum thread_state {
    THREAD_READY,
    THREAD_RUNNING,
    THREAD_SLEEPING, /* until a deadline (thread_sleep_ns) */
    THREAD_BLOCKED,  /* on a wait queue (kernel/sched/wait.h) */
    THREAD_DONE,
};

/* Creates a ready thread that runs entry(arg) in the kernel space; returning
 * from entry ends the thread. Returns NULL when out of memory. */
struct thread *thread_create(const char *name, thread_entry_fn entry, void *arg);

/* The same in address space `space`: the scheduler activates a thread's
 * space whenever it switches to it (its stack is in the kernel half, which
 * every space shares). The space must outlive the thread. */
struct thread *thread_create_in(struct vm_space *space, const char *name, thread_entry_fn entry,
                                void *arg);

/* Makes thread part of a process (kernel/proc/), for CPU accounting and
 * kills; thread_process (kernel/proc/process.h) reads it back. */
struct process;
void thread_set_process(struct thread *thread, struct process *process);
/* The same for a thread that will run user code (it calls user_enter,
 * kernel/arch/user.h, from entry): it also owns an FPU/SIMD state area,
 * clean at first, which every switch saves and restores (eagerly). Only
 * such threads may enter user mode. */
struct thread *thread_create_user(struct vm_space *space, const char *name,
                                  thread_entry_fn entry, void *arg);

/* The address space thread runs in. */
struct vm_space *thread_space(const struct thread *thread);

/* Gives the CPU to the next ready thread (if any). */
void thread_yield(void);

/* thread_sleep_ns(ms milliseconds). */
void thread_sleep_ms(uint64_t ms);

/* Sleeps at least ns nanoseconds (by timer_uptime_ns) and at most one
 * timer period more: the thread waits on a deadline-sorted list and the
 * first tick at or past its deadline wakes it (no polling). Returns at once
 * for 0, and for a thread whose process is being killed (process_kill
 * wakes sleepers with thread_interrupt, so a kill ends any sleep at once). */
void thread_sleep_ns(uint64_t ns);

/* Ends thread's sleep (thread_sleep_ns) or its wait on a wait queue
 * (wait_queue_sleep returns as after a wake-up; the waiter re-checks its
 * condition, which for a killed thread includes process_should_exit).
 * False if it was doing neither. Used by process_kill. */
bool thread_interrupt(struct thread *thread);

/* Ends the calling thread; its stack is freed later by the scheduler. */
_Noreturn void thread_exit(void);

struct thread *thread_current(void);
const char *thread_name(const struct thread *thread);
enum thread_state thread_state(const struct thread *thread);
uint64_t thread_id(const struct thread *thread);

/* Lowest address of the thread's stack (0 for the boot thread); the page
 * below it is the unmapped guard page. */
uint64_t thread_stack_base(const struct thread *thread);

/* Waits (on the thread's exit queue, not polling) until thread has finished
 * and releases it (at most one joiner). */
void thread_join(struct thread *thread);

/* Turns the boot flow into the first thread and creates the idle thread. */
void sched_init(void);

/* Called by the timer interrupt handler each tick: wakes sleepers and,
 * when another thread is ready (the running one's one-tick slice is over),
 * requests a reschedule (per-CPU need_resched). It never switches itself. */
void sched_tick(void);

/* Called by the arch at the end of an interrupt that interrupted kernel
 * code, interrupts off: switches threads when a reschedule is pending (the
 * interrupted thread resumes later, where it was). On the way back to user
 * mode the arch calls user_return_work (kernel/arch/user.h) instead, which
 * does the same and more. */
void sched_preempt(void);

/* Context switches since boot (for tests and statistics). */
uint64_t sched_switch_count(void);

/* Context switches to thread since it was created (its first run counts):
 * how often it was woken or resumed. */
uint64_t thread_switch_count(const struct thread *thread);

#endif
