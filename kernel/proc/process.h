/* Processes: a verified capsule running in ring 3 in its own address space,
 * with its capability table, threads and limits.
 *
 * A process is created from one capsule of the sealed boot bundle
 * (capsule_bundle_sealed): its payload ELF is loaded into fresh frames of a
 * new vm_space, segment by segment with the segment's own rights (W^X), a
 * stack with an unmapped guard page below it at a randomized address, and
 * the capabilities its manifest's policy allows (docs/policy.md). Limits
 * from the manifest are enforced for its whole life: CPU time (stopped when
 * spent), memory (charges past the limit fail with ERROR_NO_MEMORY),
 * threads, capability slots. A process that faults is killed and reported
 * with its name and the fault; nothing else is affected.
 *
 * struct process is an object (kernel/cap/object.h, OBJECT_PROCESS): the
 * process table holds one reference, each capability to it another. */
#ifndef NONOS_KERNEL_PROC_PROCESS_H
#define NONOS_KERNEL_PROC_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cap/object.h"

struct cap_table;
struct thread;
struct vm_space;
struct manifest;

enum process_state {
    PROCESS_RUNNING,
    PROCESS_EXITED,  /* called exit */
    PROCESS_KILLED,  /* killed by a fault, a spent CPU budget or a supervisor */
};

/* Why a process ended, for ps, the audit log and init's restart rule. */
enum process_end {
    PROCESS_END_NONE,
    PROCESS_END_EXIT,
    PROCESS_END_FAULT,
    PROCESS_END_CPU_BUDGET,
    PROCESS_END_KILLED,
};

/* The calling thread's process; NULL for a kernel thread. */
struct process *process_current(void);
/* The process a thread belongs to; NULL for a kernel thread. */
struct process *thread_process(const struct thread *thread);

uint64_t process_id(const struct process *process);
const char *process_name(const struct process *process);
struct cap_table *process_caps(struct process *process);
/* The running thread's process's table, or NULL for a thread of no
 * process (one call on the IPC fast path instead of two). */
struct cap_table *process_current_caps(void);
struct vm_space *process_space(struct process *process);
const struct manifest *process_manifest(const struct process *process);

/* Charges or returns `bytes` of memory to a process's limit (frames it
 * maps, page tables, kernel objects made on its behalf). A charge past the
 * limit changes nothing and returns ERROR_NO_MEMORY. */
int process_memory_charge(struct process *process, uint64_t bytes);
/* A memory object's frames (OBJECT_MEMORY; kernel/proc/memory_syscalls.c). */
struct object;
void memory_object_frames(struct object *object, const uint64_t **frames, uint64_t *pages);
/* device_map_bar: a device's registers at a page-aligned user address of
 * the process (checked as memory_map's), charged for its page tables. */
int process_map_device(struct process *process, uint64_t address, uint64_t phys,
                       uint64_t pages);
void process_memory_uncharge(struct process *process, uint64_t bytes);

/* Ends a process (every thread, at its next return to user mode or at
 * once when blocked), records why and writes the audit record. */
void process_kill(struct process *process, enum process_end why, const char *detail);

/* Ends the calling thread's process with `status` (the exit system call). */
_Noreturn void process_exit(int64_t status);

/* Ends the calling user thread (thread_exit, and a killed thread on its way
 * back to user mode); the process ends with its last thread. */
_Noreturn void process_thread_exit(void);

/* True when thread's process is being killed or has exited: user_return_work
 * then calls process_thread_exit instead of returning to user mode. */
bool process_should_exit(const struct thread *thread);

/* The scheduler's accounting hook, interrupts off: charges the time since
 * the previous call to `running`'s process (called at every switch with
 * the thread switched away from, and every tick with the running thread)
 * and kills the process whose CPU budget is spent. */
void process_account_tick(struct thread *running);

/* Called by kernel_main after sched_init: starts the capsule named "init"
 * when the bundle has a verified one; false (and a message) otherwise. */
bool process_start_init(void);

#endif
