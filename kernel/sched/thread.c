/* Kernel threads and the round-robin scheduler (see thread.h).
 *
 * One CPU, so mutual exclusion is "interrupts off": every scheduler
 * structure is touched only with IF clear, and context_switch is always
 * entered with IF clear. The running thread (per CPU: cpu_local_thread) is
 * never on the ready queue; the idle thread (the boot flow, after
 * kernel_main finishes its set-up) is never on it either and runs only when
 * the queue is empty. Sleepers wait on a list sorted by the tick they wake
 * at, so a tick costs nothing until one is due; nothing polls. Each timer
 * tick wakes due sleepers and, if anyone is
 * ready, requests a reschedule (need_resched), which the arch carries out
 * when the interrupt ends (sched_preempt) or, for user code, on the way
 * back to user mode (user_return_work).
 *
 * Threads that run user code (thread_create_user) own an FPU/SIMD state
 * area; every switch saves the previous thread's and restores the next
 * one's (eager: no lazy trap, no state left behind for another process to
 * read). Every switch also tells the arch the next thread's kernel stack top
 * for its next entry from user mode.
 *
 * A finished thread keeps its stack until thread_join frees it, because it
 * is still running on that stack when it marks itself done; the joiner
 * sleeps on the thread's exit queue until then (kernel/sched/wait.h). */
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_internal.h"

#include "kernel/arch/context.h"
#include "kernel/arch/cpu_local.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/arch/user.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"
#include "kernel/proc/process.h"
#include "kernel/sched/wait.h"

#include <stddef.h>

static _Noreturn void thread_start(void *entry, void *arg);

static struct thread boot_thread;
static struct thread *idle;
static struct thread *ready_head, *ready_tail;
static struct thread *sleepers;
static uint64_t next_id = 1;
static uint64_t switches;

/* Appends thread to the ready queue. Interrupts must be off. */
void sched_make_ready(struct thread *thread)
{
    thread->state = THREAD_READY;
    thread->next = NULL;
    if (ready_tail)
        ready_tail->next = thread;
    else
        ready_head = thread;
    ready_tail = thread;
}

static struct thread *ready_pop(void)
{
    struct thread *thread = ready_head;
    if (thread) {
        ready_head = thread->next;
        if (!ready_head)
            ready_tail = NULL;
        thread->next = NULL;
    }
    return thread;
}

static uint64_t thread_stack_top(const struct thread *thread)
{
    return thread->stack_base + THREAD_STACK_PAGES * PAGE_SIZE;
}

/* What changes with the running thread besides the registers: address
 * space, user FPU/SIMD state, the entry stack from user mode. */
static void switch_prepare(struct thread *previous, struct thread *next)
{
    if (previous->fpu_state)
        fpu_state_save(previous->fpu_state);
    if (next->fpu_state)
        fpu_state_restore(next->fpu_state);
    if (next->stack_base)
        user_kernel_stack_set(thread_stack_top(next));
    if (next->space != previous->space)
        vm_space_switch(next->space); /* the stacks are in the shared kernel half */
}

/* Runs next (ready or blocked, on no queue) in place of the current thread,
 * whose state the caller has set. Interrupts must be off. */
static void switch_to(struct thread *next)
{
    struct thread *previous = cpu_local_thread();
    process_account_tick(previous); /* its process pays for the time until now */
    next->state = THREAD_RUNNING;
    cpu_local_thread_set(next);
    switches++;
    next->switches_in++;
    switch_prepare(previous, next);
    context_switch(&previous->saved_context, next->saved_context);
}

/* Switches to the next ready thread; the current one goes to the back of
 * the queue if it is still runnable. Interrupts must be off. */
static void schedule(void)
{
    KERNEL_ASSERT(!interrupts_enabled());
    cpu_local_need_resched_set(false);
    struct thread *previous = cpu_local_thread();
    struct thread *next = ready_pop();
    if (!next) {
        if (previous->state == THREAD_RUNNING)
            return;
        next = idle;
    }
    if (next == previous)
        return;
    if (previous->state == THREAD_RUNNING && previous != idle)
        sched_make_ready(previous);
    switch_to(next);
}

static void name_copy(char *destination, const char *source)
{
    size_t i = 0;
    for (; source && source[i] && i + 1 < THREAD_NAME_SIZE; i++)
        destination[i] = source[i];
    destination[i] = '\0';
}

void sched_init(void)
{
    boot_thread.id = 0;
    name_copy(boot_thread.name, "idle");
    boot_thread.state = THREAD_RUNNING;
    boot_thread.space = vm_space_kernel();
    cpu_local_thread_set(&boot_thread);
    idle = &boot_thread;
}

/* Unmaps and frees the first `mapped` pages of a stack and gives its
 * virtual range (guard page included) back for reuse. */
static void stack_release(uint64_t base, uint64_t mapped)
{
    for (uint64_t i = 0; i < mapped; i++) {
        uint64_t page = base + i * PAGE_SIZE;
        uint64_t phys = virt_to_phys((const void *)(uintptr_t)page);
        vm_unmap(vm_space_kernel(), page, 1);
        if (phys)
            frame_free(phys);
    }
    vm_release(base, THREAD_STACK_PAGES);
}

/* Maps a fresh stack below which vm_reserve left an unmapped guard page. */
static uint64_t stack_allocate(void)
{
    uint64_t base = vm_reserve(THREAD_STACK_PAGES);
    if (!base)
        return 0;
    for (uint64_t i = 0; i < THREAD_STACK_PAGES; i++) {
        uint64_t frame = frame_alloc();
        if (!frame ||
            vm_map(vm_space_kernel(), base + i * PAGE_SIZE, frame, 1, VM_WRITE) != VM_OK) {
            if (frame)
                frame_free(frame);
            stack_release(base, i);
            return 0;
        }
    }
    return base;
}

struct thread *thread_create(const char *name, thread_entry_fn entry, void *arg)
{
    return thread_create_in(vm_space_kernel(), name, entry, arg);
}

/* A clean FPU/SIMD state area, aligned as the arch wants it inside a
 * heap block (kept in fpu_allocation for kfree). */
static bool fpu_state_allocate(struct thread *thread)
{
    size_t alignment = fpu_state_alignment();
    uint8_t *block = kmalloc(fpu_state_size() + alignment - 1);
    if (!block)
        return false;
    uintptr_t address = ((uintptr_t)block + alignment - 1) & ~(uintptr_t)(alignment - 1);
    thread->fpu_allocation = block;
    thread->fpu_state = (void *)address;
    fpu_state_init(thread->fpu_state);
    return true;
}

static void thread_free(struct thread *thread)
{
    kfree(thread->fpu_allocation);
    kfree(thread);
}

static struct thread *thread_new(struct vm_space *space, const char *name, thread_entry_fn entry,
                                 void *arg, bool user)
{
    struct thread *thread = kzalloc(sizeof(*thread));
    if (!thread)
        return NULL;
    if (user && !fpu_state_allocate(thread)) {
        kfree(thread);
        return NULL;
    }
    thread->space = space;
    thread->stack_base = stack_allocate();
    if (!thread->stack_base) {
        thread_free(thread);
        return NULL;
    }
    name_copy(thread->name, name);
    thread->saved_context =
        context_init(thread_stack_top(thread), thread_start, (void *)(uintptr_t)entry, arg);
    bool was_enabled = interrupts_save();
    thread->id = next_id++;
    sched_make_ready(thread);
    interrupts_restore(was_enabled);
    return thread;
}

struct thread *thread_create_in(struct vm_space *space, const char *name, thread_entry_fn entry,
                                void *arg)
{
    return thread_new(space, name, entry, arg, false);
}

struct thread *thread_create_user(struct vm_space *space, const char *name,
                                  thread_entry_fn entry, void *arg)
{
    return thread_new(space, name, entry, arg, true);
}

/* A new thread's first code (through context_init): interrupts were off
 * for the switch that started it. */
static _Noreturn void thread_start(void *entry, void *arg)
{
    interrupts_enable();
    ((thread_entry_fn)(uintptr_t)entry)(arg);
    thread_exit();
}

void thread_yield(void)
{
    bool was_enabled = interrupts_save();
    schedule();
    interrupts_restore(was_enabled);
}

/* Inserts thread into the sleep list, which is sorted by wake_tick (equal
 * deadlines in the order they slept), so each tick looks only at its head. */
static void sleepers_insert(struct thread *thread)
{
    struct thread **link = &sleepers;
    while (*link && (*link)->wake_tick <= thread->wake_tick)
        link = &(*link)->next;
    thread->next = *link;
    *link = thread;
}

static bool sleepers_remove(struct thread *thread)
{
    for (struct thread **link = &sleepers; *link; link = &(*link)->next) {
        if (*link == thread) {
            *link = thread->next;
            thread->next = NULL;
            return true;
        }
    }
    return false;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return a <= UINT64_MAX - b ? a + b : UINT64_MAX;
}

/* Whole tick periods in ns, rounded up (saturating). */
static uint64_t ns_to_ticks(uint64_t ns)
{
    const uint64_t second = 1000000000u;
    uint64_t hz = timer_hz(), whole = ns / second, part = ns % second;
    if (whole > UINT64_MAX / hz - 1)
        return UINT64_MAX;
    return whole * hz + (part * hz + second - 1) / second;
}

/* The deadline is kept in nanoseconds; the tick it estimates may come a
 * little before it (the count can be read anywhere in a period), and then
 * sleepers_wake puts the thread back for one more tick: never early, at
 * most one period late. A thread of a killed process does not sleep: the
 * kill woke it (thread_interrupt), or came before it got here. */
void thread_sleep_ns(uint64_t ns)
{
    if (ns == 0)
        return;
    bool was_enabled = interrupts_save();
    struct thread *self = cpu_local_thread();
    if (self == idle)
        panic("thread_sleep_ns: the idle thread must never sleep");
    if (!process_should_exit(self)) {
        self->wake_ns = add_saturating(timer_uptime_ns(), ns);
        self->wake_tick = add_saturating(timer_ticks(), ns_to_ticks(ns));
        self->state = THREAD_SLEEPING;
        sleepers_insert(self);
        schedule();
    }
    interrupts_restore(was_enabled);
}

void thread_sleep_ms(uint64_t ms)
{
    thread_sleep_ns(ms <= UINT64_MAX / 1000000u ? ms * 1000000u : UINT64_MAX);
}

bool thread_interrupt(struct thread *thread)
{
    bool was_enabled = interrupts_save();
    bool woken = false;
    if (thread->state == THREAD_SLEEPING && sleepers_remove(thread)) {
        sched_make_ready(thread);
        woken = true;
    } else {
        woken = wait_queue_cancel(thread);
    }
    interrupts_restore(was_enabled);
    return woken;
}

void sched_block_current(void)
{
    KERNEL_ASSERT(!interrupts_enabled());
    struct thread *self = cpu_local_thread();
    if (self == idle)
        panic("sched_block_current: the idle thread must never block");
    self->state = THREAD_BLOCKED;
    schedule();
}

void sched_handoff(struct thread *next)
{
    KERNEL_ASSERT(!interrupts_enabled());
    struct thread *self = cpu_local_thread();
    KERNEL_ASSERT(next->state == THREAD_BLOCKED && next != self);
    if (self == idle)
        panic("sched_handoff: the idle thread must never block");
    self->state = THREAD_BLOCKED;
    switch_to(next);
}

_Noreturn void thread_exit(void)
{
    interrupts_disable();
    struct thread *self = cpu_local_thread();
    if (self == idle)
        panic("thread_exit: the idle thread cannot exit");
    self->state = THREAD_DONE;
    wait_queue_wake_all(&self->exit_waiters);
    schedule();
    panic("thread_exit: a finished thread was scheduled again");
}

void thread_join(struct thread *thread)
{
    if (thread == cpu_local_thread())
        panic("thread_join: a thread cannot join itself");
    bool was_enabled = interrupts_save();
    while (thread->state != THREAD_DONE)
        wait_queue_sleep(&thread->exit_waiters);
    interrupts_restore(was_enabled);
    stack_release(thread->stack_base, THREAD_STACK_PAGES);
    thread_free(thread);
}

/* Wakes the sleepers whose deadline tick has come (the head of the sorted
 * list); one whose deadline the clock has not reached yet sleeps one more
 * tick. */
static void sleepers_wake(uint64_t now)
{
    uint64_t now_ns = 0;
    while (sleepers && sleepers->wake_tick <= now) {
        struct thread *thread = sleepers;
        sleepers = thread->next;
        if (now_ns == 0)
            now_ns = timer_uptime_ns();
        if (now_ns < thread->wake_ns) {
            thread->wake_tick = now + 1;
            sleepers_insert(thread);
        } else {
            sched_make_ready(thread);
        }
    }
}

void sched_tick(void)
{
    if (!cpu_local_thread())
        return; /* timer running before sched_init */
    sleepers_wake(timer_ticks());
    process_account_tick(cpu_local_thread());
    if (ready_head)
        cpu_local_need_resched_set(true);
}

void sched_preempt(void)
{
    KERNEL_ASSERT(!interrupts_enabled());
    if (cpu_local_need_resched())
        schedule();
}

/* kernel/arch/user.h's contract: interrupts off, on every return to user
 * mode. A thread whose process is being killed (or has exited) never
 * returns to user mode: it leaves here (kernel/proc/). */
void user_return_work(void)
{
    sched_preempt();
    if (process_should_exit(cpu_local_thread()))
        process_thread_exit();
}

struct thread *thread_current(void)
{
    return cpu_local_thread();
}

const char *thread_name(const struct thread *thread)
{
    return thread->name;
}

enum thread_state thread_state(const struct thread *thread)
{
    return thread->state;
}

uint64_t thread_id(const struct thread *thread)
{
    return thread->id;
}

void thread_set_process(struct thread *thread, struct process *process)
{
    thread->process = process;
}

struct process *thread_process(const struct thread *thread)
{
    return thread->process;
}

struct vm_space *thread_space(const struct thread *thread)
{
    return thread->space;
}

uint64_t thread_stack_base(const struct thread *thread)
{
    return thread->stack_base;
}

uint64_t thread_switch_count(const struct thread *thread)
{
    return thread->switches_in;
}

uint64_t sched_switch_count(void)
{
    return switches;
}
