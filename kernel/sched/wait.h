/* Wait queues: a thread that must wait for an event sleeps on a queue and is
 * woken by whoever makes the event happen, instead of polling.
 *
 * The waiter checks its condition and calls wait_queue_sleep with
 * interrupts off (the single CPU's lock), so no wake-up can fall between the
 * check and the sleep; it re-checks after waking, since a wake-up means
 * "look again", not "it happened". Wakers may run with interrupts on or off
 * (also in interrupt handlers). Threads wake in the order they slept. */
#ifndef NONOS_SCHED_WAIT_H
#define NONOS_SCHED_WAIT_H

#include <stdbool.h>

struct thread;

struct wait_queue {
    struct thread *head, *tail;
};

#define WAIT_QUEUE_INIT { 0, 0 }

/* Blocks the calling thread on queue until a wake call picks it. Must be
 * called with interrupts off; returns with them off. */
void wait_queue_sleep(struct wait_queue *queue);

/* Makes the first waiter ready; false when nobody waited. */
bool wait_queue_wake_one(struct wait_queue *queue);

/* Makes every waiter ready; returns how many there were. */
unsigned wait_queue_wake_all(struct wait_queue *queue);

#endif
