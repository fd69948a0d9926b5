/* Kernel threads and the round-robin scheduler (see thread.h).
 *
 * One CPU, so mutual exclusion is "interrupts off": every scheduler
 * structure is touched only with IF clear, and context_switch is always
 * entered with IF clear. The running thread is never on the ready queue;
 * the idle thread (the boot flow, after kernel_main finishes its set-up) is
 * never on it either and runs only when the queue is empty. Each timer tick
 * wakes due sleepers and, if anyone is ready, preempts the running thread.
 *
 * A finished thread keeps its stack until thread_join frees it, because it
 * is still running on that stack when it marks itself done; the joiner
 * sleeps on the thread's exit queue until then (kernel/sched/wait.h). */
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_internal.h"

#include "kernel/arch/context.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"
#include "kernel/sched/wait.h"

#include <stddef.h>

static _Noreturn void thread_start(void *entry, void *arg);

static struct thread boot_thread;
static struct thread *current;
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

/* Runs next (ready or blocked, on no queue) in place of the current thread,
 * whose state the caller has set. Interrupts must be off. */
static void switch_to(struct thread *next)
{
    struct thread *previous = current;
    next->state = THREAD_RUNNING;
    current = next;
    switches++;
    if (next->space != previous->space)
        vm_space_activate(next->space); /* the stacks are in the shared kernel half */
    context_switch(&previous->saved_context, next->saved_context);
}

/* Switches to the next ready thread; the current one goes to the back of
 * the queue if it is still runnable. Interrupts must be off. */
static void schedule(void)
{
    KERNEL_ASSERT(!interrupts_enabled());
    struct thread *previous = current;
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
    current = &boot_thread;
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

struct thread *thread_create_in(struct vm_space *space, const char *name, thread_entry_fn entry,
                                void *arg)
{
    struct thread *thread = kzalloc(sizeof(*thread));
    if (!thread)
        return NULL;
    thread->space = space;
    thread->stack_base = stack_allocate();
    if (!thread->stack_base) {
        kfree(thread);
        return NULL;
    }
    name_copy(thread->name, name);
    uint64_t stack_top = thread->stack_base + THREAD_STACK_PAGES * PAGE_SIZE;
    thread->saved_context = context_init(stack_top, thread_start, (void *)(uintptr_t)entry, arg);
    bool was_enabled = interrupts_save();
    thread->id = next_id++;
    sched_make_ready(thread);
    interrupts_restore(was_enabled);
    return thread;
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

void thread_sleep_ms(uint64_t ms)
{
    uint64_t ticks = (ms * timer_hz() + 999) / 1000;
    if (current == idle)
        panic("thread_sleep_ms: the idle thread must never sleep");
    bool was_enabled = interrupts_save();
    current->wake_tick = timer_ticks() + (ticks ? ticks : 1);
    current->state = THREAD_SLEEPING;
    current->next = sleepers;
    sleepers = current;
    schedule();
    interrupts_restore(was_enabled);
}

void sched_block_current(void)
{
    KERNEL_ASSERT(!interrupts_enabled());
    if (current == idle)
        panic("sched_block_current: the idle thread must never block");
    current->state = THREAD_BLOCKED;
    schedule();
}

void sched_handoff(struct thread *next)
{
    KERNEL_ASSERT(!interrupts_enabled());
    KERNEL_ASSERT(next->state == THREAD_BLOCKED && next != current);
    if (current == idle)
        panic("sched_handoff: the idle thread must never block");
    current->state = THREAD_BLOCKED;
    switch_to(next);
}

_Noreturn void thread_exit(void)
{
    interrupts_disable();
    if (current == idle)
        panic("thread_exit: the idle thread cannot exit");
    current->state = THREAD_DONE;
    wait_queue_wake_all(&current->exit_waiters);
    schedule();
    panic("thread_exit: a finished thread was scheduled again");
}

void thread_join(struct thread *thread)
{
    if (thread == current)
        panic("thread_join: a thread cannot join itself");
    bool was_enabled = interrupts_save();
    while (thread->state != THREAD_DONE)
        wait_queue_sleep(&thread->exit_waiters);
    interrupts_restore(was_enabled);
    stack_release(thread->stack_base, THREAD_STACK_PAGES);
    kfree(thread);
}

static void sleepers_wake(uint64_t now)
{
    struct thread **link = &sleepers;
    while (*link) {
        struct thread *thread = *link;
        if (thread->wake_tick <= now) {
            *link = thread->next;
            sched_make_ready(thread);
        } else {
            link = &thread->next;
        }
    }
}

void sched_tick(void)
{
    if (!current)
        return; /* timer running before sched_init */
    sleepers_wake(timer_ticks());
    if (ready_head)
        schedule();
}

struct thread *thread_current(void)
{
    return current;
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

struct vm_space *thread_space(const struct thread *thread)
{
    return thread->space;
}

uint64_t thread_stack_base(const struct thread *thread)
{
    return thread->stack_base;
}

uint64_t sched_switch_count(void)
{
    return switches;
}
