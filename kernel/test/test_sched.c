/* In-kernel tests of time and threads: timer ticks advance (both while
 * sleeping and while spinning), sleep lasts as long as asked, a thread
 * that spins without ever yielding cannot keep another thread from running
 * (preemption), and a thread runs in its own address space. */
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"
#include "kernel/test/test.h"

#include <stdint.h>

static bool test_timer_ticks(void)
{
    TEST_REQUIRE(interrupts_enabled(), "selftest running with interrupts off");
    uint64_t start_ticks = timer_ticks(), start_ns = timer_uptime_ns();
    thread_sleep_ms(100);
    uint64_t slept_ticks = timer_ticks() - start_ticks;
    uint64_t slept_ns = timer_uptime_ns() - start_ns;
    TEST_REQUIRE(slept_ticks >= timer_hz() / 10, "100 ms sleep took %lu ticks at %u Hz",
                 slept_ticks, timer_hz());
    TEST_REQUIRE(slept_ns >= 95000000ull && slept_ns < 5000000000ull,
                 "100 ms sleep took %lu ns by the TSC", slept_ns);
    /* Ticks also advance under a busy loop: the interrupt is not sleep-driven. */
    uint64_t spin_start = timer_ticks();
    uint64_t deadline = cpu_cycles() + timer_cycles_hz(); /* give up after a second */
    while (timer_ticks() < spin_start + 3 && cpu_cycles() < deadline)
        cpu_pause();
    TEST_REQUIRE(timer_ticks() >= spin_start + 3, "ticks stuck at %lu while spinning",
                 timer_ticks());
    return true;
}

static volatile bool spinner_stop;
static volatile uint64_t spinner_loops;
static volatile bool witness_ran;

static void spinner_main(void *arg)
{
    (void)arg;
    while (!spinner_stop)
        spinner_loops++;
}

static void witness_main(void *arg)
{
    (void)arg;
    witness_ran = true;
}

/* The test thread itself busy-waits too (no yield, no sleep): the witness
 * can only run if the timer preempts both spinners. */
static bool test_preemption(void)
{
    spinner_stop = false;
    spinner_loops = 0;
    witness_ran = false;
    uint64_t switches = sched_switch_count();
    struct thread *spinner = thread_create("spinner", spinner_main, NULL);
    struct thread *witness = thread_create("witness", witness_main, NULL);
    TEST_REQUIRE(spinner && witness, "thread_create failed");
    uint64_t deadline = cpu_cycles() + 2 * timer_cycles_hz();
    while (!witness_ran && cpu_cycles() < deadline)
        cpu_pause();
    bool ran = witness_ran;
    uint64_t loops = spinner_loops;
    spinner_stop = true;
    thread_join(spinner);
    thread_join(witness);
    TEST_REQUIRE(ran, "witness never ran while two threads spun (loops %lu)", loops);
    TEST_REQUIRE(loops > 0, "spinner never ran");
    TEST_REQUIRE(sched_switch_count() - switches >= 3, "only %lu context switches",
                 sched_switch_count() - switches);
    return true;
}

static volatile uint64_t order_log;

static void order_main(void *arg)
{
    uint64_t digit = (uint64_t)(uintptr_t)arg;
    thread_sleep_ms(digit * 20);
    order_log = order_log * 10 + digit;
}

/* Sleepers wake in deadline order, whatever order they were created in. */
static bool test_sleep_order(void)
{
    order_log = 0;
    struct thread *threads[3];
    const uint64_t digits[3] = { 3, 1, 2 };
    for (int i = 0; i < 3; i++) {
        threads[i] = thread_create("sleeper", order_main, (void *)(uintptr_t)digits[i]);
        TEST_REQUIRE(threads[i], "thread_create failed");
    }
    for (int i = 0; i < 3; i++)
        thread_join(threads[i]);
    TEST_REQUIRE(order_log == 123, "wake order %lu, expected 123", order_log);
    return true;
}

static void idle_briefly(void *arg)
{
    (void)arg;
    thread_sleep_ms(10);
}

/* Every thread stack has an unmapped page right below it, so an overflow
 * faults (and, on the IST, gets a double-fault report) instead of
 * overwriting a neighbour. */
static bool test_stack_guard_page(void)
{
    struct thread *thread = thread_create("guarded", idle_briefly, NULL);
    TEST_REQUIRE(thread, "thread_create failed");
    uint64_t base = thread_stack_base(thread);
    struct vm_space *kernel = vm_space_kernel();
    bool stack_mapped = vm_query(kernel, base, NULL) &&
                        vm_query(kernel, base + THREAD_STACK_PAGES * PAGE_SIZE - 1, NULL);
    bool guard_mapped = vm_query(kernel, base - PAGE_SIZE, NULL);
    struct fault_record record;
    bool faulted = fault_try_write((volatile void *)(uintptr_t)(base - 8), 0, &record);
    thread_join(thread);
    TEST_REQUIRE(stack_mapped, "stack at 0x%lx not fully mapped", base);
    TEST_REQUIRE(!guard_mapped && faulted && record.address == base - 8,
                 "guard page below 0x%lx is mapped or did not fault", base);
    TEST_REQUIRE(!vm_query(kernel, base, NULL), "stack still mapped after thread_join");
    return true;
}

#define SPACE_USER_ADDRESS 0x0000000040000000ull
#define SPACE_MAGIC 0x0123fedc4567ba98ull

struct space_reader {
    bool faulted;
    uint64_t value;
    bool space_active; /* vm_space_active() was the thread's space */
};

/* Runs in a user space: reads the user page mapped there. Sleeps first, so
 * that the scheduler switches away and back (the space must come back). */
static void space_reader_main(void *arg)
{
    struct space_reader *reader = arg;
    struct fault_record record;
    const volatile uint64_t *user = (const volatile uint64_t *)(uintptr_t)SPACE_USER_ADDRESS;
    thread_sleep_ms(10);
    reader->space_active = vm_space_active() == thread_space(thread_current());
    user_access_begin();
    reader->faulted = fault_try_read(user, &record);
    reader->value = reader->faulted ? 0 : *user;
    user_access_end();
}

/* A thread created in a user space sees that space's user page while the
 * creating thread, in the kernel space and running at the same time, does
 * not; after the join the CPU is back in the kernel space. */
static bool thread_space_checks(struct vm_space *space, struct space_reader *reader)
{
    struct fault_record record;
    struct thread *thread = thread_create_in(space, "reader", space_reader_main, reader);
    TEST_REQUIRE(thread, "thread_create_in failed");
    thread_yield(); /* let it start, then come back while it sleeps */
    bool faulted_here = fault_try_read((const volatile void *)SPACE_USER_ADDRESS, &record);
    bool in_kernel_space = vm_space_active() == vm_space_kernel();
    thread_join(thread);
    TEST_REQUIRE(faulted_here && !(record.access & FAULT_ACCESS_PRESENT) && in_kernel_space,
                 "the kernel-space thread sees the user page (faulted %d, access 0x%x)",
                 faulted_here, record.access);
    TEST_REQUIRE(reader->space_active && !reader->faulted && reader->value == SPACE_MAGIC,
                 "the thread in the user space: active %d, faulted %d, value 0x%lx",
                 reader->space_active, reader->faulted, reader->value);
    TEST_REQUIRE(vm_space_active() == vm_space_kernel(), "not back in the kernel space");
    return true;
}

static bool test_thread_runs_in_its_space(void)
{
    static struct space_reader reader;
    reader = (struct space_reader){ true, 0, false };
    struct vm_space *space = vm_space_create();
    uint64_t frame = frame_alloc();
    bool ok = false;
    if (!space || !frame) {
        test_fail("no space or no frame");
    } else if (vm_map(space, SPACE_USER_ADDRESS, frame, 1, VM_USER | VM_WRITE) != VM_OK) {
        test_fail("vm_map in the new space failed");
    } else {
        *(uint64_t *)phys_to_virt(frame) = SPACE_MAGIC;
        ok = thread_space_checks(space, &reader);
    }
    if (space)
        vm_space_destroy(space);
    if (frame)
        frame_free(frame);
    return ok;
}

/* thread_join waits on the thread's exit queue: joining a thread that
 * sleeps 100 ms costs a handful of context switches. Polling every tick
 * (the old thread_join) costs two per tick, about 50 at 250 Hz. */
static void sleep_100_ms(void *arg)
{
    (void)arg;
    thread_sleep_ms(100);
}

static bool test_join_waits_without_polling(void)
{
    struct thread *thread = thread_create("sleeper", sleep_100_ms, NULL);
    TEST_REQUIRE(thread, "thread_create failed");
    uint64_t switches = sched_switch_count(), start = timer_ticks();
    thread_join(thread);
    uint64_t used = sched_switch_count() - switches, ticks = timer_ticks() - start;
    TEST_REQUIRE(ticks >= timer_hz() / 10, "join returned after %lu ticks, before the thread ended",
                 ticks);
    TEST_REQUIRE(used <= 8, "%lu context switches while joining a sleeping thread (polling?)",
                 used);
    return true;
}

static struct wait_queue test_queue = WAIT_QUEUE_INIT;
static volatile bool queue_flag;
static volatile uint64_t queue_log;

/* Waits for queue_flag on test_queue, then appends its digit to queue_log. */
static void queue_waiter(void *arg)
{
    bool was_enabled = interrupts_save();
    while (!queue_flag)
        wait_queue_sleep(&test_queue);
    /* With interrupts still off: a preemption between the read and the
     * write of queue_log lost the other waiter's digit. */
    queue_log = queue_log * 10 + (uint64_t)(uintptr_t)arg;
    interrupts_restore(was_enabled);
}

/* Waiters stay asleep until woken, however long that takes, and wake in the
 * order they slept; a wake-up with the condition still false sends them
 * back to sleep. */
static bool test_wait_queue_order(void)
{
    queue_flag = false;
    queue_log = 0;
    struct thread *first = thread_create("waiter1", queue_waiter, (void *)1);
    struct thread *second = thread_create("waiter2", queue_waiter, (void *)2);
    TEST_REQUIRE(first && second, "thread_create failed");
    thread_sleep_ms(20);
    TEST_REQUIRE(wait_queue_wake_all(&test_queue) == 2, "two waiters expected on the queue");
    thread_sleep_ms(20); /* both re-check the flag and sleep again */
    TEST_REQUIRE(queue_log == 0, "a waiter ran past a false condition (log %lu)", queue_log);
    queue_flag = true;
    TEST_REQUIRE(wait_queue_wake_all(&test_queue) == 2, "waiters did not go back to sleep");
    thread_join(first);
    thread_join(second);
    TEST_REQUIRE(queue_log == 12, "wake order %lu, expected 12", queue_log);
    TEST_REQUIRE(!wait_queue_wake_one(&test_queue), "queue not empty after both woke");
    return true;
}

/* A spinlock turns interrupts off while held and restores them as they
 * were, also when two locks nest. */
static bool test_spinlock_interrupts(void)
{
    static struct spinlock outer = SPINLOCK_INIT, inner = SPINLOCK_INIT;
    TEST_REQUIRE(interrupts_enabled(), "selftest running with interrupts off");
    bool outer_flags = spinlock_acquire(&outer);
    TEST_REQUIRE(!interrupts_enabled() && spinlock_held(&outer), "outer lock: interrupts on or not held");
    bool inner_flags = spinlock_acquire(&inner);
    spinlock_release(&inner, inner_flags);
    TEST_REQUIRE(!interrupts_enabled(), "releasing the inner lock turned interrupts on");
    TEST_REQUIRE(!spinlock_held(&inner), "inner lock still held");
    spinlock_release(&outer, outer_flags);
    TEST_REQUIRE(interrupts_enabled() && !spinlock_held(&outer), "outer release did not restore");
    return true;
}

static const struct test_case test_sched_cases[] = {
    { "timer_ticks_advance", test_timer_ticks },
    { "preemption_of_busy_thread", test_preemption },
    { "sleep_wake_order", test_sleep_order },
    { "thread_stack_guard_page", test_stack_guard_page },
    { "thread_runs_in_its_space", test_thread_runs_in_its_space },
    { "thread_join_waits_without_polling", test_join_waits_without_polling },
    { "wait_queue_order_and_recheck", test_wait_queue_order },
    { "spinlock_restores_interrupts", test_spinlock_interrupts },
};
TEST_TABLE(test_sched_cases);
