/* TEMPORARY (branch `user`, issue 11): a stand-in for kernel/proc's
 * user_fault, so that the user-mode layer links and can be tested. Deleted
 * at merge together with fault_temporary.c. */
#ifndef NONOS_PROC_FAULT_TEMPORARY_H
#define NONOS_PROC_FAULT_TEMPORARY_H

#include "kernel/arch/interrupt.h"

/* The last user fault and how many there were (what tests observe). */
extern struct fault_record user_fault_temporary_last;
extern uint64_t user_fault_temporary_count;

#endif
