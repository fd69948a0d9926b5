/* The process manager's private view of a process, shared by the files of
 * kernel/proc/ and the in-kernel tests only; everything else goes through
 * process.h.
 *
 * Invariants (interrupts off, the single CPU's lock, around every change):
 *   - memory_used <= memory_limit at all times; it counts the frames mapped
 *     in the user half, the page tables vm_map made for them, the thread
 *     structures and kernel stacks, the capability table and the regions;
 *   - threads[0..thread_count) are the process's threads not yet reaped;
 *     `exiting` of them have called process_thread_exit;
 *   - every page mapped in the user half lies in one of `regions` and holds
 *     one frame reference that the mapping owns (dropped at unmap/end);
 *   - state != PROCESS_RUNNING implies killed; once ended (`finished`),
 *     space, caps, threads and regions are gone and memory_used is 0. */
#ifndef NONOS_KERNEL_PROC_PROCESS_INTERNAL_H
#define NONOS_KERNEL_PROC_PROCESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsule/manifest.h"
#include "kernel/cap/capability.h"
#include "kernel/cap/object.h"
#include "kernel/proc/process.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"

#define PROCESS_STACK_PAGES 16u   /* 64 KiB user stack per thread */
/* What one thread costs its process: its kernel stack and structure. */
#define PROCESS_THREAD_CHARGE ((uint64_t)THREAD_STACK_PAGES * 4096u + 256u)

/* The randomized areas of the user half (docs/kernel.md, "Processes"). */
#define PROCESS_MAP_AREA_LOW (1ull << 40)    /* memory_map area base: 1 TiB .. */
#define PROCESS_MAP_AREA_HIGH (32ull << 40)  /* .. 32 TiB, 2 MiB aligned */
#define PROCESS_MAP_AREA_ALIGN (2ull << 20)
#define PROCESS_STACK_AREA_LOW (64ull << 40)  /* stack tops: 64 TiB .. */
#define PROCESS_STACK_AREA_HIGH (127ull << 40) /* .. 127 TiB, page aligned */

enum process_region_kind {
    REGION_LOAD,  /* a payload segment */
    REGION_STACK, /* a thread's stack; base is its guard page */
    REGION_MAP,   /* memory_map of a memory object */
    REGION_DEVICE, /* device_map_bar: device registers, no frames of RAM */
};

struct process_region {
    uint64_t base, pages;
    enum process_region_kind kind;
    struct object *memory; /* REGION_MAP: the memory object (a reference) */
    /* REGION_MAP: on the list of the capability memory_map used, which
     * removes the region (and its pages) when that capability is emptied. */
    struct cap_mapping mapping;
    struct process *process; /* the region's process (no reference: it owns the region) */
    struct process_region *next;
};

struct process {
    struct object object; /* OBJECT_PROCESS; first member */
    uint64_t id;
    char name[MANIFEST_NAME_MAX + 1];
    enum process_state state;
    enum process_end end;
    int64_t exit_status;
    size_t capsule_index;
    struct manifest *manifest;
    struct vm_space *space;
    struct cap_table *caps;
    struct thread **threads;
    uint32_t thread_count, thread_limit, exiting;
    uint32_t slot_limit;
    uint64_t memory_used, memory_limit;
    /* CPU time in cpu_cycles() units (converted when read:
     * process_cpu_used_ns); the budget in both units (process_cpu_budget_set). */
    uint64_t cpu_used_cycles, cpu_budget_cycles, cpu_budget_ns;
    bool killed, finished, queued_for_finish;
    uint64_t entry;
    uint64_t stack_top; /* the first thread's initial stack pointer */
    uint64_t map_area; /* the randomized base suggested for memory_map */
    struct process_region *regions;
    struct wait_queue end_waiters; /* woken when the process has ended */
    struct process *next;          /* the process table */
    struct process *finish_next;   /* the reaper's list of processes to end */
};

/* CPU time used so far, in nanoseconds. */
uint64_t process_cpu_used_ns(const struct process *process);
/* Sets the CPU budget (and its equivalent in cycles, which the switch checks). */
void process_cpu_budget_set(struct process *process, uint64_t ns);

/* Loads capsule `index` of the sealed bundle into a new process that has no
 * thread yet (kernel/proc/loader.c). 0 and *out set, or a negative
 * kernel_error with nothing left behind. */
int process_create(size_t index, struct process **out);

/* The same from a payload and a manifest (kmalloc'd; the process takes
 * it) the caller vouches for: process_create passes the sealed bundle's
 * verified ones; the tests pass payloads they build (still checked with
 * payload_check_elf). */
int process_create_payload(size_t index, struct bytes payload, struct manifest *manifest,
                           struct process **out);

/* Starts the first thread at the payload's entry, on a fresh stack. */
int process_start(struct process *process);

/* Loads and starts in one step; the new process's id or a negative error. */
int64_t process_launch(size_t index);

/* Creates a thread of `process` that runs entry(arg), accounted to the
 * process (its CPU time, its thread limit, its memory); `user`: it will
 * enter user mode (it gets FPU/SIMD state; thread_create_user). What
 * process_thread_start_user uses with the user-mode trampoline, and what
 * the tests use (user false) to simulate a process's thread in the kernel. */
int process_thread_add(struct process *process, bool user, void (*entry)(void *), void *arg,
                       struct thread **out);

/* Maps `pages` frames (one reference each, which the mapping now owns) at
 * virt, charging them and the page tables they need; all or nothing. */
int process_map_frames(struct process *process, uint64_t virt, const uint64_t *frames,
                       uint64_t pages, unsigned flags);

/* Unmaps the mapped pages of [virt, virt + pages * 4 KiB), drops the
 * mappings' frame references and uncharges them and the page tables freed;
 * returns the bytes uncharged. */
uint64_t process_unmap_pages(struct process *process, uint64_t virt, uint64_t pages);

/* The same for frames of a memory object, charged to its owner: only the
 * page tables are charged to (or returned by) the mapping process. */
int process_map_shared(struct process *process, uint64_t virt, const uint64_t *frames,
                       uint64_t pages, unsigned flags);
uint64_t process_unmap_shared(struct process *process, uint64_t virt, uint64_t pages);

/* Maps device registers (physical, not frames of RAM) uncached,
 * read-write, never executable; only the page tables are charged. And the
 * undo, which drops no frame reference. */
int process_map_registers(struct process *process, uint64_t virt, uint64_t phys,
                          uint64_t pages);
uint64_t process_unmap_registers(struct process *process, uint64_t virt, uint64_t pages);

/* Unlinks and frees a region (taking it off its capability's list and
 * dropping its memory object), uncharged. */
void process_region_remove(struct process *process, struct process_region *region);

/* Gives back everything a process holds (its threads must be gone). */
void process_release(struct process *process);

/* Starts a user thread of process at pc with stack pointer stack and
 * argument in the first argument register. */
int process_thread_start_user(struct process *process, uint64_t pc, uint64_t stack,
                              uint64_t argument, struct thread **out);

/* "exit", "fault", "cpu budget", "killed" or "-" for ps and messages. */
const char *process_end_name(enum process_end end);

/* Adds a notification (supervisor_watch) to signal when a process ends. */
int process_watch_add(struct object *notification);

/* Signals every supervisor_watch notification: a process ended. */
void process_watchers_signal(struct process *process);

/* Records a user region (charged as a kernel object). */
int process_region_add(struct process *process, uint64_t base, uint64_t pages,
                       enum process_region_kind kind);

/* The region holding virt, or NULL. */
struct process_region *process_region_find(struct process *process, uint64_t virt);

/* Ends a process with no thread left: capabilities, mappings, frames,
 * space and charges released, watchers woken. From thread context. */
void process_finish(struct process *process);

/* A random value below `bound` from the system generator; false when the
 * generator cannot give one (nothing is then started). */
bool process_random_below(uint64_t bound, uint64_t *out);

/* The process table (for process_list and the tests). */
struct process *process_first(void);
struct process *process_by_id(uint64_t id);
/* Adds a new process to the table (which holds its creation reference). */
void process_table_add(struct process *process);

/* Sleeps until `process` has ended. */
void process_wait_end(struct process *process);

/* What a user page fault was ("null access", "write to code", ...),
 * decoded from its access bits, address and the process's regions. */
struct fault_record;
const char *process_fault_describe(struct process *process, const struct fault_record *record);

/* Policy: fills the initial capability slots (kernel/proc/policy.c). */
int process_policy_grant(struct process *process);
/* The supervisor rights the manifest's policy gives (0: none). */
uint32_t process_policy_supervisor_rights(size_t capsule_index, const struct manifest *manifest);

/* The audit record of a lifecycle event (kind: enum nonos_audit_kind). */
void process_audit(const struct process *process, uint32_t kind, const char *detail);

/* Sets up the process manager (the reaper thread); idempotent. */
void process_init(void);

#endif
