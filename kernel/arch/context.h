/* The arch interface for switching between kernel threads.
 *
 * A thread that is not running is represented by one word: its saved stack
 * pointer, below which the architecture keeps whatever registers it must
 * preserve. The scheduler treats that word as opaque. Scheme: see
 * kernel/arch/io.h (no inline functions here). */
#ifndef NONOS_ARCH_INTERFACE_CONTEXT_H
#define NONOS_ARCH_INTERFACE_CONTEXT_H

#include <stdint.h>

/* The first code a new thread runs: start(first, second), on its own stack,
 * with interrupts still off (as context_switch left them). It must never
 * return (thread_start ends with thread_exit). */
typedef void (*context_start_fn)(void *first, void *second);

/* Builds the initial frame of a new thread at the top of its stack (stack_top
 * aligned to 16 bytes) so that the first context_switch to it calls
 * start(first, second); returns the saved stack pointer to switch to. Any
 * backtrace from inside the thread ends at start. */
uint64_t context_init(uint64_t stack_top, context_start_fn start, void *first, void *second);

/* Saves the current thread's registers on its stack and its stack pointer
 * in *save, then resumes the thread whose saved stack pointer is load.
 * Returns when some later context_switch resumes the caller. Interrupts
 * must be off (the scheduler's invariant). */
void context_switch(uint64_t *save, uint64_t load);

#endif
