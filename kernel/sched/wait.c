/* Wait queues (see wait.h): a FIFO of blocked threads linked through their
 * `next` field, which a blocked thread uses for nothing else (it is on no
 * ready queue or sleep list). */
#include "kernel/sched/wait.h"

#include "kernel/arch/interrupt.h"
#include "kernel/panic.h"
#include "kernel/sched/thread_internal.h"

#include <stddef.h>

void wait_queue_sleep(struct wait_queue *queue)
{
    KERNEL_ASSERT(!interrupts_enabled());
    struct thread *self = thread_current();
    self->next = NULL;
    if (queue->tail)
        queue->tail->next = self;
    else
        queue->head = self;
    queue->tail = self;
    self->blocked_on = queue;
    sched_block_current();
}

static struct thread *queue_pop(struct wait_queue *queue)
{
    struct thread *thread = queue->head;
    if (thread) {
        queue->head = thread->next;
        if (!queue->head)
            queue->tail = NULL;
        thread->next = NULL;
        thread->blocked_on = NULL;
    }
    return thread;
}

/* Unlinks thread from the queue it is on (O(length): queues are short). */
static void queue_remove(struct wait_queue *queue, struct thread *thread)
{
    struct thread *previous = NULL;
    for (struct thread *each = queue->head; each; previous = each, each = each->next) {
        if (each != thread)
            continue;
        if (previous)
            previous->next = thread->next;
        else
            queue->head = thread->next;
        if (queue->tail == thread)
            queue->tail = previous;
        thread->next = NULL;
        thread->blocked_on = NULL;
        return;
    }
    panic("wait_queue_cancel: thread %lu is not on the queue it names", thread->id);
}

bool wait_queue_cancel(struct thread *thread)
{
    KERNEL_ASSERT(!interrupts_enabled());
    if (thread->state != THREAD_BLOCKED || !thread->blocked_on)
        return false;
    queue_remove(thread->blocked_on, thread);
    sched_make_ready(thread);
    return true;
}

bool wait_queue_wake_one(struct wait_queue *queue)
{
    bool was_enabled = interrupts_save();
    struct thread *thread = queue_pop(queue);
    if (thread) {
        KERNEL_ASSERT(thread->state == THREAD_BLOCKED);
        sched_make_ready(thread);
    }
    interrupts_restore(was_enabled);
    return thread != NULL;
}

unsigned wait_queue_wake_all(struct wait_queue *queue)
{
    unsigned woken = 0;
    while (wait_queue_wake_one(queue))
        woken++;
    return woken;
}
