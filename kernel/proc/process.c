/* Processes (process.h): the process table, limits and accounting, kills,
 * thread exit and the reaper that ends a process after its last thread.
 *
 * One CPU: every structure here is changed with interrupts off. A thread
 * that leaves (exit, kill, fault) cannot free its own kernel stack or the
 * address space it runs in, so it hands itself to the reaper, a kernel
 * thread in the kernel space, which joins it and, after the last thread of
 * a process, ends the process (process_finish). A kill only sets flags and
 * records why: each thread stops at its next return to user mode
 * (user_return_work asks process_should_exit), which is also why it is
 * safe from the timer interrupt. Ended processes stay in the table (with
 * their figures, for ps) up to PROCESS_ENDED_KEPT of them. */
#include "kernel/proc/process_internal.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/cpu_local.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/audit/audit.h"
#include "kernel/capsule/capsule.h"
#include "kernel/ipc/ipc.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"
#include "kernel/random/system_random.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_internal.h"
#include "base/checked.h"
#include "sdk/include/nonos/abi.h"

#define PROCESS_ENDED_KEPT 32u

static struct process *table;
static struct process *finish_list;       /* processes the reaper must end */
static struct wait_queue reaper_queue = WAIT_QUEUE_INIT;
static struct thread *reaper;
/* CPU accounting in raw cycles (cpu_cycles()): a switch costs a
 * subtraction, not a conversion; nanoseconds only when read. */
static uint64_t last_account_cycles, last_account_ticks, account_cycles_per_tick;

/* On every system call: the thread's field directly, not through
 * thread_current() and thread_process(). */
struct process *process_current(void)
{
    struct thread *thread = cpu_local_thread();
    return thread ? thread->process : NULL;
}

uint64_t process_id(const struct process *process)
{
    return process->id;
}

const char *process_name(const struct process *process)
{
    return process->name;
}

struct cap_table *process_caps(struct process *process)
{
    return process->caps;
}

struct cap_table *process_current_caps(void)
{
    struct thread *thread = cpu_local_thread();
    return thread && thread->process ? thread->process->caps : NULL;
}

struct vm_space *process_space(struct process *process)
{
    return process->space;
}

const struct manifest *process_manifest(const struct process *process)
{
    return process->manifest;
}

struct process *process_first(void)
{
    return table;
}

struct process *process_by_id(uint64_t id)
{
    for (struct process *p = table; p; p = p->next) {
        if (p->id == id)
            return p;
    }
    return NULL;
}

int process_memory_charge(struct process *process, uint64_t bytes)
{
    bool was_enabled = interrupts_save();
    uint64_t total;
    bool fits = u64_add(process->memory_used, bytes, &total) &&
                total <= process->memory_limit;
    uint64_t used = process->memory_used;
    if (fits)
        process->memory_used = total;
    interrupts_restore(was_enabled);
    if (fits)
        return 0;
    /* The limit says no: the audit log says so (issue 11, limits). */
    char detail[63];
    ksnprintf(detail, sizeof detail, "limit %lu bytes: %lu used, %lu more refused",
              process->memory_limit, used, bytes);
    process_audit(process, NONOS_AUDIT_MEMORY, detail);
    return -ERROR_NO_MEMORY;
}

/* After the end every charge was returned at once: an object charged to
 * the process that outlives it (an endpoint another process holds) then
 * returns nothing. */
void process_memory_uncharge(struct process *process, uint64_t bytes)
{
    bool was_enabled = interrupts_save();
    if (process->finished) {
        interrupts_restore(was_enabled);
        return;
    }
    KERNEL_ASSERT(bytes <= process->memory_used);
    process->memory_used -= bytes;
    interrupts_restore(was_enabled);
}

bool process_random_below(uint64_t bound, uint64_t *out)
{
    uint8_t bytes[8];
    if (bound == 0 || system_random_bytes(bytes, sizeof bytes) != CRYPTO_OK)
        return false;
    uint64_t value = 0;
    for (size_t i = 0; i < sizeof bytes; i++)
        value = value << 8 | bytes[i];
    *out = value % bound; /* bias below 2^-40 for the bounds used here */
    return true;
}

/* ---- Kills and accounting ---- */

static uint32_t audit_kind_of(enum process_end why)
{
    switch (why) {
    case PROCESS_END_FAULT: return NONOS_AUDIT_FAULT;
    case PROCESS_END_CPU_BUDGET: return NONOS_AUDIT_CPU_BUDGET;
    case PROCESS_END_EXIT: return NONOS_AUDIT_EXIT;
    default: return NONOS_AUDIT_KILL;
    }
}

/* Queues a process for the reaper (it has no thread left to do it). */
static void finish_queue(struct process *process)
{
    if (process->queued_for_finish)
        return;
    process->queued_for_finish = true;
    process->finish_next = finish_list;
    finish_list = process;
    wait_queue_wake_one(&reaper_queue);
}

void process_kill(struct process *process, enum process_end why, const char *detail)
{
    bool was_enabled = interrupts_save();
    if (process->killed) {
        interrupts_restore(was_enabled);
        return;
    }
    process->killed = true;
    process->end = why;
    process->state = why == PROCESS_END_EXIT ? PROCESS_EXITED : PROCESS_KILLED;
    process_audit(process, audit_kind_of(why), detail);
    /* Every blocked thread wakes now: one waiting in IPC (with
     * ERROR_OBJECT_GONE), one sleeping on the timer list or on a wait queue
     * (console_read's); each leaves on its way back to user mode. */
    for (uint32_t i = 0; i < process->thread_count; i++) {
        if (!ipc_thread_cancel(process->threads[i]))
            thread_interrupt(process->threads[i]);
    }
    if (process->thread_count == process->exiting)
        finish_queue(process);
    interrupts_restore(was_enabled);
}

bool process_should_exit(const struct thread *thread)
{
    struct process *process = thread->process;
    return process != NULL && process->killed;
}

/* The cycles since the previous call: the counter's difference, but never
 * negative and never more than the timer ticks seen since (plus one): under
 * QEMU without -icount the guest TSC follows the host's, which was seen to
 * jump by hundreds of milliseconds either way, while the tick count (the
 * emulated timer) only moves forward at its rate. */
static uint64_t account_elapsed(void)
{
    uint64_t now = cpu_cycles(), ticks = timer_ticks();
    uint64_t elapsed = now > last_account_cycles ? now - last_account_cycles : 0;
    uint64_t bound = (ticks - last_account_ticks + 1) * account_cycles_per_tick;
    last_account_cycles = now;
    last_account_ticks = ticks;
    return elapsed < bound ? elapsed : bound;
}

void process_account_tick(struct thread *running)
{
    uint64_t elapsed = account_elapsed();
    struct process *process = running ? running->process : NULL;
    if (process == NULL || process->killed)
        return;
    process->cpu_used_cycles += elapsed;
    if (process->cpu_used_cycles >= process->cpu_budget_cycles)
        process_kill(process, PROCESS_END_CPU_BUDGET, "CPU budget spent");
}

uint64_t process_cpu_used_ns(const struct process *process)
{
    return timer_cycles_to_ns(process->cpu_used_cycles);
}

void process_cpu_budget_set(struct process *process, uint64_t ns)
{
    uint64_t cycles = timer_ns_to_cycles(ns);
    if (cycles < UINT64_MAX && timer_cycles_to_ns(cycles) < ns)
        cycles++; /* rounded up: a process stopped at its budget has used all of it */
    process->cpu_budget_ns = ns;
    process->cpu_budget_cycles = cycles;
}

/* ---- Threads leaving and the reaper ---- */

/* A kernel thread (no process) that gets here simply ends. */
_Noreturn void process_thread_exit(void)
{
    interrupts_disable();
    struct process *process = thread_process(thread_current());
    if (process) {
        process->exiting++;
        if (!process->killed && process->exiting == process->thread_count) {
            process->exit_status = 0;
            process_kill(process, PROCESS_END_EXIT, "last thread ended");
        }
        wait_queue_wake_one(&reaper_queue); /* it runs after this thread is done */
    }
    thread_exit();
}

_Noreturn void process_exit(int64_t status)
{
    struct process *process = process_current();
    bool was_enabled = interrupts_save();
    if (process && !process->killed) {
        process->exit_status = status;
        process_kill(process, PROCESS_END_EXIT, "exit");
    }
    interrupts_restore(was_enabled);
    process_thread_exit();
}

/* Removes a joined thread from its process (interrupts off). */
static void thread_forget(struct process *process, struct thread *thread)
{
    for (uint32_t i = 0; i < process->thread_count; i++) {
        if (process->threads[i] == thread) {
            process->threads[i] = process->threads[--process->thread_count];
            process->exiting--;
            return;
        }
    }
    panic("thread_forget: thread not in its process");
}

static void reap_thread(struct thread *thread)
{
    struct process *process = thread_process(thread);
    thread_join(thread); /* frees its kernel stack and struct */
    process_memory_uncharge(process, PROCESS_THREAD_CHARGE);
    bool was_enabled = interrupts_save();
    thread_forget(process, thread);
    bool last = process->thread_count == 0 && process->killed;
    interrupts_restore(was_enabled);
    if (last)
        process_finish(process);
}

/* A finished thread of some process, or NULL. A thread that called
 * process_thread_exit is done before anything else runs (interrupts stay
 * off until its last switch), so `exiting` threads are found done. No list
 * of its own: nothing can overflow however many threads end at once.
 * Interrupts off. */
static struct thread *dead_thread_find(void)
{
    for (struct process *p = table; p; p = p->next) {
        for (uint32_t i = 0; p->exiting && i < p->thread_count; i++) {
            if (thread_state(p->threads[i]) == THREAD_DONE)
                return p->threads[i];
        }
    }
    return NULL;
}

static void reaper_main(void *arg)
{
    (void)arg;
    for (;;) {
        interrupts_disable();
        struct thread *thread;
        while ((thread = dead_thread_find()) == NULL && finish_list == NULL)
            wait_queue_sleep(&reaper_queue);
        struct process *process = NULL;
        if (thread == NULL) {
            process = finish_list;
            finish_list = process->finish_next;
        }
        interrupts_enable();
        if (thread)
            reap_thread(thread);
        else if (!process->finished && process->thread_count == 0)
            process_finish(process);
    }
}

void process_init(void)
{
    if (reaper)
        return;
    account_cycles_per_tick = timer_cycles_hz() / timer_hz(); /* calibrated by now */
    last_account_cycles = cpu_cycles();
    last_account_ticks = timer_ticks();
    reaper = thread_create("reaper", reaper_main, NULL);
    if (!reaper)
        panic("cannot create the process reaper");
}

void process_wait_end(struct process *process)
{
    bool was_enabled = interrupts_save();
    while (!process->finished)
        wait_queue_sleep(&process->end_waiters);
    interrupts_restore(was_enabled);
}

/* ---- The table ---- */

/* Drops the oldest ended processes beyond PROCESS_ENDED_KEPT (interrupts
 * off: the reaper and the supervisor calls walk the table). */
static void table_trim(void)
{
    KERNEL_ASSERT(!interrupts_enabled());
    uint32_t ended = 0;
    for (struct process **link = &table; *link;) {
        struct process *p = *link;
        if (p->finished && ++ended > PROCESS_ENDED_KEPT) {
            *link = p->next;
            object_put(&p->object);
            continue;
        }
        link = &p->next;
    }
}

void process_table_add(struct process *process)
{
    bool was_enabled = interrupts_save();
    process->next = table; /* newest first: trimming keeps the newest */
    table = process;
    table_trim();
    interrupts_restore(was_enabled);
}

const char *process_end_name(enum process_end end)
{
    switch (end) {
    case PROCESS_END_EXIT: return "exit";
    case PROCESS_END_FAULT: return "fault";
    case PROCESS_END_CPU_BUDGET: return "cpu budget";
    case PROCESS_END_KILLED: return "killed";
    default: return "-";
    }
}

void process_audit(const struct process *process, uint32_t kind, const char *detail)
{
    audit_event(process, kind, detail); /* also prints the log line */
}

/* supervisor_watch: notifications signalled (bit 0) whenever a process
 * ends. Each holds a reference; at most PROCESS_WATCHERS_MAX, the oldest
 * dropped for a new one beyond that. */
#define PROCESS_WATCHERS_MAX 16u
static struct object *watchers[PROCESS_WATCHERS_MAX];
static uint32_t watcher_count;

int process_watch_add(struct object *notification)
{
    bool was_enabled = interrupts_save();
    for (uint32_t i = 0; i < watcher_count; i++) {
        if (watchers[i] == notification) {
            interrupts_restore(was_enabled);
            return 0;
        }
    }
    struct object *dropped = NULL;
    if (watcher_count == PROCESS_WATCHERS_MAX) {
        dropped = watchers[0];
        for (uint32_t i = 1; i < watcher_count; i++)
            watchers[i - 1] = watchers[i];
        watcher_count--;
    }
    object_get(notification);
    watchers[watcher_count++] = notification;
    if (dropped)
        object_put(dropped);
    interrupts_restore(was_enabled);
    return 0;
}

void process_watchers_signal(struct process *process)
{
    (void)process;
    bool was_enabled = interrupts_save();
    for (uint32_t i = 0; i < watcher_count; i++)
        notification_signal_object(watchers[i], 1);
    interrupts_restore(was_enabled);
}

bool process_start_init(void)
{
    process_init();
    size_t index;
    if (!capsule_find("init", 4, &index)) {
        kprintf("proc: the boot bundle has no verified capsule named init\n");
        return false;
    }
    int64_t id = process_launch(index);
    if (id < 0) {
        kprintf("proc: init did not start: %s\n", kernel_error_message(id));
        return false;
    }
    kprintf("proc: init started (process %ld)\n", id);
    return true;
}
