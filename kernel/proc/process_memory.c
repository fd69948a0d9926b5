/* A process's memory and threads (process_internal.h): user mappings
 * charged to its memory limit, the regions that say what lies where, the
 * threads charged to its thread limit, and the release of all of it when
 * the process ends.
 *
 * Page tables are charged too: vm_map allocates them from the frame
 * allocator, so with interrupts off (nothing else can allocate on the one
 * CPU) the drop in free frames during a vm_map, minus nothing (the data
 * frames were allocated before), is exactly the page-table frames it made. */
#include "kernel/proc/process_internal.h"

#include "base/checked.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/user.h"
#include "kernel/cap/capability.h"
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"
#include "kernel/sched/thread.h"
#include "sdk/include/nonos/abi.h"

int process_region_add(struct process *process, uint64_t base, uint64_t pages,
                       enum process_region_kind kind)
{
    int error = process_memory_charge(process, sizeof(struct process_region));
    if (error)
        return error;
    struct process_region *region = kzalloc(sizeof *region);
    if (!region) {
        process_memory_uncharge(process, sizeof(struct process_region));
        return -ERROR_NO_MEMORY;
    }
    region->base = base;
    region->pages = pages;
    region->kind = kind;
    region->process = process;
    bool was_enabled = interrupts_save();
    region->next = process->regions;
    process->regions = region;
    interrupts_restore(was_enabled);
    return 0;
}

struct process_region *process_region_find(struct process *process, uint64_t virt)
{
    for (struct process_region *r = process->regions; r; r = r->next) {
        if (virt >= r->base && (virt - r->base) / PAGE_SIZE < r->pages)
            return r;
    }
    return NULL;
}

/* Frames from frames[0] on that follow each other in physical memory. */
static uint64_t contiguous_run(const uint64_t *frames, uint64_t pages)
{
    uint64_t run = 1;
    while (run < pages && frames[run] == frames[0] + run * PAGE_SIZE)
        run++;
    return run;
}

/* Maps frames (they need not be contiguous: each physically contiguous
 * run is one vm_map, which writes a page table's entries in one walk, as
 * the frame allocator's runs of fresh frames usually are); on failure
 * unmaps what it mapped. Returns the page-table frames made. Interrupts
 * off. */
static int map_pages(struct vm_space *space, uint64_t virt, const uint64_t *frames,
                     uint64_t pages, unsigned flags, uint64_t *tables)
{
    uint64_t before = frame_free_count();
    for (uint64_t i = 0; i < pages;) {
        uint64_t run = contiguous_run(frames + i, pages - i);
        int result = vm_map(space, virt + i * PAGE_SIZE, frames[i], run, flags | VM_USER);
        if (result != VM_OK) {
            vm_unmap(space, virt, i); /* vm_map undid its own part */
            return result;
        }
        i += run;
    }
    *tables = before - frame_free_count();
    return VM_OK;
}

static int vm_to_error(int result)
{
    return result == VM_ERROR_NO_MEMORY ? -ERROR_NO_MEMORY : -ERROR_BAD_ADDRESS;
}

/* charge_data: the frames are charged here (the process's own); else
 * only the page tables (a memory object's frames, charged to its owner). */
static int map_charged(struct process *process, uint64_t virt, const uint64_t *frames,
                       uint64_t pages, unsigned flags, bool charge_data)
{
    uint64_t data;
    if (!u64_mul(pages, PAGE_SIZE, &data))
        return -ERROR_INVALID_ARGUMENT;
    if (!charge_data)
        data = 0;
    int error = process_memory_charge(process, data);
    if (error)
        return error;
    bool was_enabled = interrupts_save();
    uint64_t tables = 0;
    int result = map_pages(process->space, virt, frames, pages, flags, &tables);
    if (result == VM_OK && process_memory_charge(process, tables * PAGE_SIZE) != 0) {
        vm_unmap(process->space, virt, pages); /* frees the tables it made */
        result = VM_ERROR_NO_MEMORY;
    }
    interrupts_restore(was_enabled);
    if (result != VM_OK) {
        process_memory_uncharge(process, data);
        return vm_to_error(result);
    }
    return 0;
}

int process_map_frames(struct process *process, uint64_t virt, const uint64_t *frames,
                       uint64_t pages, unsigned flags)
{
    return map_charged(process, virt, frames, pages, flags, true);
}

int process_map_shared(struct process *process, uint64_t virt, const uint64_t *frames,
                       uint64_t pages, unsigned flags)
{
    return map_charged(process, virt, frames, pages, flags, false);
}

enum unmap_kind { UNMAP_OWN, UNMAP_SHARED, UNMAP_REGISTERS };

static uint64_t unmap_charged(struct process *process, uint64_t virt, uint64_t pages,
                              enum unmap_kind kind)
{
    uint64_t released = 0;
    bool was_enabled = interrupts_save();
    uint64_t before = frame_free_count();
    uint64_t data_freed = 0;
    for (uint64_t i = 0; i < pages; i++) {
        struct vm_mapping mapping;
        uint64_t page = virt + i * PAGE_SIZE;
        if (!vm_query(process->space, page, &mapping))
            continue;
        vm_unmap(process->space, page, 1);
        released += kind == UNMAP_OWN ? PAGE_SIZE : 0;
        if (kind != UNMAP_REGISTERS && frame_put(mapping.phys & ~(PAGE_SIZE - 1)))
            data_freed++;
    }
    uint64_t tables = frame_free_count() - before - data_freed;
    released += tables * PAGE_SIZE;
    if (released > process->memory_used)
        released = process->memory_used; /* a table charged to nobody (see finish) */
    process->memory_used -= released;
    interrupts_restore(was_enabled);
    return released;
}

uint64_t process_unmap_pages(struct process *process, uint64_t virt, uint64_t pages)
{
    return unmap_charged(process, virt, pages, UNMAP_OWN);
}

uint64_t process_unmap_shared(struct process *process, uint64_t virt, uint64_t pages)
{
    return unmap_charged(process, virt, pages, UNMAP_SHARED);
}

uint64_t process_unmap_registers(struct process *process, uint64_t virt, uint64_t pages)
{
    return unmap_charged(process, virt, pages, UNMAP_REGISTERS);
}

int process_map_registers(struct process *process, uint64_t virt, uint64_t phys,
                          uint64_t pages)
{
    bool was_enabled = interrupts_save();
    uint64_t before = frame_free_count();
    int result = vm_map(process->space, virt, phys, pages,
                        VM_WRITE | VM_UNCACHED | VM_USER);
    uint64_t tables = before - frame_free_count();
    if (result == VM_OK && process_memory_charge(process, tables * PAGE_SIZE) != 0) {
        vm_unmap(process->space, virt, pages);
        result = VM_ERROR_NO_MEMORY;
    }
    interrupts_restore(was_enabled);
    return result == VM_OK ? 0 : vm_to_error(result);
}

void process_region_remove(struct process *process, struct process_region *region)
{
    bool was_enabled = interrupts_save();
    struct process_region **link = &process->regions;
    while (*link != region)
        link = &(*link)->next;
    *link = region->next;
    cap_mapping_unlink(&region->mapping);
    interrupts_restore(was_enabled);
    if (region->memory)
        object_put(region->memory);
    kfree(region);
    process_memory_uncharge(process, sizeof(struct process_region));
}

static void regions_release(struct process *process)
{
    while (process->regions) {
        struct process_region *region = process->regions;
        if (region->kind == REGION_MAP)
            process_unmap_shared(process, region->base, region->pages);
        else if (region->kind == REGION_DEVICE)
            process_unmap_registers(process, region->base, region->pages);
        else
            process_unmap_pages(process, region->base, region->pages);
        process_region_remove(process, region);
    }
}

/* Everything a process holds, given back; used by process_finish and by
 * process_create when a load fails half-way. Its threads are gone. */
void process_release(struct process *process)
{
    KERNEL_ASSERT(process->thread_count == 0);
    /* Its devices first: bus mastering off, DMA mappings and interrupt
     * bindings gone before any frame they reached can be freed. */
    device_release_process(process);
    /* Interrupts off, like every table change: deleting the slots unlinks
     * them from derivation trees other processes share (the names
     * endpoint's), and the self-check and supervisor calls walk the table
     * (a preemption half-way left another process's sibling list broken:
     * the hostile fuzzer found it). */
    bool was_enabled = interrupts_save();
    if (process->caps)
        cap_table_destroy(process->caps);
    process->caps = NULL;
    interrupts_restore(was_enabled);
    if (process->space)
        regions_release(process);
    if (process->space)
        vm_space_destroy(process->space);
    process->space = NULL;
    kfree(process->threads);
    process->threads = NULL;
    kfree(process->manifest); /* the figures ps shows are kept in the process */
    process->manifest = NULL;
    process->memory_used = 0; /* every charge above was returned with its object */
}

void process_finish(struct process *process)
{
    process_release(process);
    bool was_enabled = interrupts_save();
    process->finished = true;
    wait_queue_wake_all(&process->end_waiters);
    interrupts_restore(was_enabled);
    kprintf("proc: %s (process %lu) ended: %s, status %ld, cpu %lu us of %lu us\n",
            process->name, process->id, process_end_name(process->end), process->exit_status,
            process_cpu_used_ns(process) / 1000, process->cpu_budget_ns / 1000);
    process_watchers_signal(process);
}

int process_thread_add(struct process *process, bool user, void (*entry)(void *), void *arg,
                       struct thread **out)
{
    if (process->killed)
        return -ERROR_DENIED;
    if (process->thread_count >= process->thread_limit)
        return -ERROR_THREAD_LIMIT;
    int error = process_memory_charge(process, PROCESS_THREAD_CHARGE);
    if (error)
        return error;
    bool was_enabled = interrupts_save(); /* it must not run before it is the process's */
    struct thread *thread = user ? thread_create_user(process->space, process->name, entry, arg)
                                 : thread_create_in(process->space, process->name, entry, arg);
    if (thread) {
        thread_set_process(thread, process);
        process->threads[process->thread_count++] = thread;
    }
    interrupts_restore(was_enabled);
    if (!thread) {
        process_memory_uncharge(process, PROCESS_THREAD_CHARGE);
        return -ERROR_NO_MEMORY;
    }
    if (out)
        *out = thread;
    return 0;
}

/* A user thread's first kernel code: leaves for user mode. */
static void user_thread_start(void *arg)
{
    struct user_start start = *(struct user_start *)arg;
    kfree(arg);
    user_enter(&start);
}

int process_thread_start_user(struct process *process, uint64_t pc, uint64_t stack,
                              uint64_t argument, struct thread **out)
{
    struct user_start *start = kmalloc(sizeof *start);
    if (!start)
        return -ERROR_NO_MEMORY;
    start->pc = pc;
    start->stack = stack;
    start->argument0 = argument;
    start->argument1 = 0;
    int error = process_thread_add(process, true, user_thread_start, start, out);
    if (error)
        kfree(start);
    return error;
}

int process_start(struct process *process)
{
    /* Recorded first: the new thread may run (and fault) before this
     * returns, and its records must follow this one. A failed start is
     * followed by the caller's kill record. */
    process_audit(process, NONOS_AUDIT_START, "started");
    /* rdi = the suggested base of the randomized memory_map area. */
    return process_thread_start_user(process, process->entry, process->stack_top,
                                     process->map_area, NULL);
}
