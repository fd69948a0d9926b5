/* What user_fault (kernel/proc/fault.c) keeps of the faults it handled,
 * for tests: the last record and how many there were, whether the thread
 * belonged to a process (killed) or was a bare kernel thread in user mode
 * (only the arch's own tests make those; the thread is ended). */
#ifndef NONOS_KERNEL_PROC_FAULT_H
#define NONOS_KERNEL_PROC_FAULT_H

#include <stdint.h>

#include "kernel/arch/interrupt.h"

extern struct fault_record user_fault_last;
extern uint64_t user_fault_count;

#endif
