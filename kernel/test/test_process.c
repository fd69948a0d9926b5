/* In-kernel tests of processes (kernel/proc/): a real capsule of the boot
 * bundle ("hello", the SDK template) loaded into a new address space with
 * each segment's own rights, nothing below 4 MiB, a stack with an unmapped
 * guard page at an address that differs between loads; the memory limit
 * refusing a charge without side effects; the thread limit; CPU budget
 * accounting and the kill it triggers (simulated by a kernel thread
 * accounted to the process, until ring 3 is merged); the decoding of user
 * faults; and that an ended process gives back every frame. */
#include "base/endian.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/time.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/syscall/handlers.h"
#include "kernel/capsule/capsule.h"
#include "kernel/error.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/process_internal.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_internal.h"
#include "kernel/shell/report.h"
#include "kernel/test/test.h"
#include "sdk/include/nonos/abi.h"

#include <stdint.h>

#define ELF_PF_X 1u
#define ELF_PF_W 2u

static uint64_t free_frames(void)
{
    struct frame_stats stats;
    frame_stats(&stats);
    return stats.free_frames;
}

static bool hello_index(size_t *index)
{
    TEST_REQUIRE(capsule_find("hello", 5, index), "the boot bundle has no verified \"hello\"");
    return true;
}

/* Kills a process that has no thread and waits until it has ended. */
static void process_end_now(struct process *process)
{
    process_kill(process, PROCESS_END_KILLED, "test");
    process_wait_end(process);
}

/* Every page of every PT_LOAD of the payload is mapped with exactly the
 * segment's rights; counts the code and data segments seen. */
static bool segments_checked(struct process *process, struct bytes payload, unsigned *code,
                             unsigned *data)
{
    const uint8_t *header = payload.data;
    uint64_t phoff = load64_le(header + 32);
    for (uint16_t i = 0; i < load16_le(header + 56); i++) {
        const uint8_t *ph = header + phoff + (uint64_t)i * 56;
        if (load32_le(ph) != 1)
            continue;
        uint32_t flags = load32_le(ph + 4);
        uint64_t vaddr = load64_le(ph + 16), memsz = load64_le(ph + 40);
        unsigned want = VM_USER | (flags & ELF_PF_W ? VM_WRITE : 0) | (flags & ELF_PF_X ? VM_EXEC : 0);
        for (uint64_t page = vaddr; page < vaddr + memsz; page += PAGE_SIZE) {
            struct vm_mapping mapping;
            TEST_REQUIRE(vm_query(process->space, page, &mapping), "segment page 0x%lx unmapped", page);
            TEST_REQUIRE(mapping.flags == want, "page 0x%lx flags 0x%x, segment wants 0x%x", page,
                         mapping.flags, want);
        }
        *code += (want & VM_EXEC) != 0;
        *data += (want & VM_WRITE) != 0;
    }
    return true;
}

static bool layout_checked(struct process *process)
{
    for (uint64_t page = 0; page < 0x400000; page += PAGE_SIZE)
        TEST_REQUIRE(!vm_query(process->space, page, NULL), "0x%lx below 4 MiB is mapped", page);
    uint64_t top = process->stack_top, base = top - PROCESS_STACK_PAGES * PAGE_SIZE;
    for (uint64_t page = base; page < top; page += PAGE_SIZE) {
        struct vm_mapping mapping;
        TEST_REQUIRE(vm_query(process->space, page, &mapping) &&
                         mapping.flags == (VM_USER | VM_WRITE),
                     "stack page 0x%lx not user RW NX (flags 0x%x)", page, mapping.flags);
    }
    TEST_REQUIRE(!vm_query(process->space, base - PAGE_SIZE, NULL), "guard page below 0x%lx mapped",
                 base);
    TEST_REQUIRE(!vm_query(process->space, top, NULL), "page above the stack top mapped");
    TEST_REQUIRE(top >= PROCESS_STACK_AREA_LOW && top < PROCESS_STACK_AREA_HIGH &&
                     top % PAGE_SIZE == 0,
                 "stack top 0x%lx outside its area", top);
    return true;
}

/* The text page holds the payload's first bytes (a copy, not the sealed
 * bundle's frame). */
static bool text_copied(struct process *process, struct bytes payload)
{
    struct vm_mapping mapping;
    TEST_REQUIRE(vm_query(process->space, 0x400000, &mapping), "no page at 0x400000");
    const uint8_t *copy = phys_to_virt(mapping.phys);
    for (size_t i = 0; i < 256 && i < payload.len; i++)
        TEST_REQUIRE(copy[i] == payload.data[i], "text byte %zu differs from the payload", i);
    TEST_REQUIRE(copy != payload.data, "the sealed bundle itself is mapped");
    TEST_REQUIRE(frame_references(mapping.phys) == 1, "text frame has %u references",
                 frame_references(mapping.phys));
    return true;
}

static bool load_checks(struct process *process, size_t index)
{
    struct manifest *manifest = kmalloc(sizeof *manifest);
    struct bytes payload;
    TEST_REQUIRE(manifest, "no memory");
    bool found = capsule_verified(index, &payload, manifest);
    kfree(manifest);
    TEST_REQUIRE(found, "capsule_verified refused hello");
    unsigned code = 0, data = 0;
    if (!segments_checked(process, payload, &code, &data) || !layout_checked(process) ||
        !text_copied(process, payload))
        return false;
    TEST_REQUIRE(code >= 1 && data >= 1, "hello has %u code and %u data segments", code, data);
    TEST_REQUIRE(process->memory_used > 0 && process->memory_used <= process->memory_limit,
                 "memory used %lu of %lu", process->memory_used, process->memory_limit);
    return true;
}

static bool test_process_load_rights(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *first, *second;
    int error = process_create(index, &first);
    TEST_REQUIRE(error == 0, "process_create: %s", kernel_error_message(error));
    error = process_create(index, &second);
    bool ok = error == 0 && load_checks(first, index) && load_checks(second, index);
    bool differ = error == 0 && first->stack_top != second->stack_top &&
                  first->map_area != second->map_area;
    if (error == 0)
        process_end_now(second);
    process_end_now(first);
    TEST_REQUIRE(error == 0, "second process_create: %s", kernel_error_message(error));
    TEST_REQUIRE(differ, "two loads share the stack 0x%lx or memory_map area 0x%lx",
                 first->stack_top, first->map_area);
    TEST_REQUIRE(first->finished && first->memory_used == 0 && first->space == NULL,
                 "the ended process still holds memory (%lu bytes)", first->memory_used);
    return ok;
}

/* An ended process gives back every frame it took (after one warm-up
 * round, so the heap has the pages it needs for the structures). */
static bool test_process_end_frees_frames(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "warm-up process_create failed");
    process_end_now(process);
    uint64_t before = free_frames();
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    uint64_t during = free_frames();
    process_end_now(process);
    uint64_t after = free_frames();
    TEST_REQUIRE(during + PROCESS_STACK_PAGES + 2 <= before, "a loaded process took %lu frames",
                 before - during);
    TEST_REQUIRE(after == before, "%ld frames not returned", (long)(before - after));
    return true;
}

/* Frames for a mapping test; all freed by the caller. */
static bool frames_take(uint64_t *frames, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        frames[i] = frame_alloc();
        TEST_REQUIRE(frames[i], "out of frames");
    }
    return true;
}

#define MAP_TEST_ADDRESS 0x0000100000000000ull

static bool limit_checks(struct process *process)
{
    uint64_t frames[4];
    if (!frames_take(frames, 4))
        return false;
    process->memory_limit = process->memory_used + 16 * PAGE_SIZE;
    int error = process_map_frames(process, MAP_TEST_ADDRESS, frames, 2, VM_WRITE);
    TEST_REQUIRE(error == 0, "2 pages within the limit refused: %s", kernel_error_message(error));
    uint64_t used = process->memory_used;
    process->memory_limit = used + 3 * PAGE_SIZE; /* 4 pages do not fit */
    error = process_map_frames(process, MAP_TEST_ADDRESS + 8 * PAGE_SIZE, frames + 2, 2, VM_WRITE);
    TEST_REQUIRE(error == 0, "2 more pages (3 left) refused: %s", kernel_error_message(error));
    used = process->memory_used;
    uint64_t extra[2];
    if (!frames_take(extra, 2))
        return false;
    uint64_t free_before = free_frames();
    process->memory_limit = used + PAGE_SIZE;
    error = process_map_frames(process, MAP_TEST_ADDRESS + 64 * PAGE_SIZE, extra, 2, VM_WRITE);
    bool unchanged = process->memory_used == used && free_frames() == free_before &&
                     !vm_query(process->space, MAP_TEST_ADDRESS + 64 * PAGE_SIZE, NULL) &&
                     frame_references(extra[0]) == 1 && frame_references(extra[1]) == 1;
    frame_free(extra[0]);
    frame_free(extra[1]);
    TEST_REQUIRE(error == -ERROR_NO_MEMORY, "a charge past the limit gave %d", error);
    TEST_REQUIRE(unchanged, "the refused charge changed something (used %lu, was %lu)",
                 process->memory_used, used);
    TEST_REQUIRE(process_memory_charge(process, 2 * PAGE_SIZE) == -ERROR_NO_MEMORY &&
                     process->memory_used == used,
                 "process_memory_charge past the limit changed the charge");
    return true;
}

static bool test_process_memory_limit(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    bool ok = limit_checks(process);
    process_end_now(process);
    return ok;
}

/* map_pages maps each physically contiguous run of frames with one
 * vm_map: frames in runs, alone and in descending order must each land at
 * their own page, and nothing past the last. */
static bool map_runs_checks(struct process *process)
{
    uint64_t run = frame_alloc_contiguous(4, PAGE_SIZE, 0), single = frame_alloc();
    TEST_REQUIRE(run && single, "out of frames");
    uint64_t frames[5] = { run + 2 * PAGE_SIZE, run + 3 * PAGE_SIZE, single, run + PAGE_SIZE, run };
    int error = process_map_frames(process, MAP_TEST_ADDRESS, frames, 5, VM_WRITE);
    TEST_REQUIRE(error == 0, "mapping 5 frames: %s", kernel_error_message(error));
    for (unsigned i = 0; i < 5; i++) {
        struct vm_mapping mapping;
        bool mapped = vm_query(process->space, MAP_TEST_ADDRESS + i * PAGE_SIZE, &mapping);
        TEST_REQUIRE(mapped && mapping.phys == frames[i] &&
                         mapping.flags == (VM_USER | VM_WRITE),
                     "page %u: mapped %d to 0x%lx, want 0x%lx", i, mapped,
                     mapped ? mapping.phys : 0, frames[i]);
    }
    TEST_REQUIRE(!vm_query(process->space, MAP_TEST_ADDRESS + 5 * PAGE_SIZE, NULL),
                 "a page past the 5 is mapped");
    return true;
}

static bool test_process_map_frame_runs(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    bool ok = map_runs_checks(process);
    process_end_now(process);
    return ok;
}

/* A kernel thread accounted to a process, standing for a user thread: it
 * busy-loops (or sleeps) until its process is being killed, then leaves
 * the way a user thread does on its return to user mode. */
static void accounted_main(void *arg)
{
    bool spin = arg != NULL;
    for (;;) {
        if (process_should_exit(thread_current()))
            process_thread_exit();
        if (!spin)
            thread_sleep_ms(4);
    }
}

static bool test_process_thread_limit(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    uint32_t limit = process->thread_limit; /* hello's manifest: the default, 1 */
    uint64_t used = process->memory_used;
    int first = process_thread_add(process, false, accounted_main, NULL, NULL);
    uint64_t used_one = process->memory_used;
    int second = process_thread_add(process, false, accounted_main, NULL, NULL);
    bool second_clean = process->memory_used == used_one && process->thread_count == 1;
    process_kill(process, PROCESS_END_KILLED, "test");
    process_wait_end(process);
    TEST_REQUIRE(limit == 1, "hello's thread limit is %u, not the default 1", limit);
    TEST_REQUIRE(first == 0, "a thread within the limit refused: %d", first);
    TEST_REQUIRE(used_one == used + PROCESS_THREAD_CHARGE, "a thread charged %lu bytes",
                 used_one - used);
    TEST_REQUIRE(second == -ERROR_THREAD_LIMIT, "a thread past the limit gave %d", second);
    TEST_REQUIRE(second_clean, "the refused thread changed the process");
    TEST_REQUIRE(process->end == PROCESS_END_KILLED && process->thread_count == 0,
                 "end %d, %u threads left", process->end, process->thread_count);
    return true;
}

/* A process whose only thread spins is stopped when its CPU budget is
 * spent, within 10 % of the budget, with end reason CPU_BUDGET. */
static bool test_process_cpu_budget(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    process_cpu_budget_set(process, 500000000ull); /* 500 ms, as the hostile CPU hog of issue 11 */
    uint64_t start = timer_uptime_ns();
    int error = process_thread_add(process, false, accounted_main, (void *)1, NULL);
    if (error)
        process_kill(process, PROCESS_END_KILLED, "test");
    process_wait_end(process);
    uint64_t wall = timer_uptime_ns() - start;
    TEST_REQUIRE(error == 0, "process_thread_add: %s", kernel_error_message(error));
    TEST_REQUIRE(process->end == PROCESS_END_CPU_BUDGET && process->state == PROCESS_KILLED,
                 "ended with %s", process_end_name(process->end));
    uint64_t used = process_cpu_used_ns(process);
    TEST_REQUIRE(used >= process->cpu_budget_ns && used <= process->cpu_budget_ns / 10 * 11,
                 "stopped at %lu us for a budget of %lu us", used / 1000,
                 process->cpu_budget_ns / 1000);
    TEST_REQUIRE(wall >= used, "more CPU (%lu ns) than wall time (%lu ns)", used, wall);
    return true;
}

/* process_account_switch (a switch's charge) against process_account_tick's
 * rule: with interrupts off (the tick count frozen), a short stretch is
 * charged in full and within what the counter saw around it; a stretch
 * longer than a tick is charged exactly the bound, one tick's cycles, as
 * account_elapsed would. */
static bool test_process_account_switch_charge(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    process_cpu_budget_set(process, 3600ull * 1000000000ull);
    struct thread stand_in = { .process = process };
    uint64_t per_tick = timer_cycles_hz() / timer_hz();
    bool was_enabled = interrupts_save();
    uint64_t before = cpu_cycles();
    process_account_tick(NULL); /* starts a stretch, charges no one */
    uint64_t used_before = process->cpu_used_cycles;
    process_account_switch(&stand_in);
    uint64_t short_charge = process->cpu_used_cycles - used_before;
    uint64_t outside = cpu_cycles() - before;
    uint64_t spin_start = cpu_cycles();
    while (cpu_cycles() - spin_start < 2 * per_tick)
        cpu_pause();
    used_before = process->cpu_used_cycles;
    process_account_switch(&stand_in);
    uint64_t long_charge = process->cpu_used_cycles - used_before;
    interrupts_restore(was_enabled);
    process_end_now(process);
    TEST_REQUIRE(short_charge > 0 && short_charge <= outside,
                 "short stretch charged %lu cycles (the counter saw %lu)", short_charge, outside);
    TEST_REQUIRE(long_charge == per_tick,
                 "a stretch of two ticks with the tick count frozen charged %lu, want one tick's %lu",
                 long_charge, per_tick);
    return true;
}

static bool fault_is(struct process *process, uint64_t address, unsigned access,
                     const char *want)
{
    struct fault_record record = { .page_fault = true, .access = access | FAULT_ACCESS_USER,
                                   .address = address, .pc = 0x400100 };
    const char *got = process_fault_describe(process, &record);
    for (size_t i = 0;; i++) {
        TEST_REQUIRE(got[i] == want[i], "fault at 0x%lx access 0x%x: \"%s\", want \"%s\"",
                     address, access, got, want);
        if (got[i] == '\0')
            return true;
    }
}

static bool fault_checks(struct process *process)
{
    uint64_t stack = process->stack_top - PAGE_SIZE;
    uint64_t guard = process->stack_top - (PROCESS_STACK_PAGES + 1) * PAGE_SIZE;
    return fault_is(process, 0x10, 0, "null access") &&
           fault_is(process, 0x400010, FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE, "write to code") &&
           fault_is(process, stack + 8, FAULT_ACCESS_PRESENT | FAULT_ACCESS_FETCH,
                    "execute from stack") &&
           fault_is(process, MEMORY_KERNEL_BASE, FAULT_ACCESS_PRESENT, "kernel address access") &&
           fault_is(process, guard + 16, FAULT_ACCESS_WRITE, "stack overflow (guard page)") &&
           fault_is(process, 0x0000200000000000ull, 0, "access to unmapped memory");
}

static bool test_process_fault_describe(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    struct process *process;
    TEST_REQUIRE(process_create(index, &process) == 0, "process_create failed");
    bool ok = fault_checks(process);
    process_end_now(process);
    return ok;
}

/* The memory calls, made by a thread of the process (in the kernel, as a
 * system call's handler would run): results recorded for the test. */
struct memory_calls {
    struct process *process;
    int64_t allocate, map, map_again, map_over, map_exec, map_guard, map_kernel;
    int64_t allocate_past_limit, unmap, unmap_text;
    unsigned flags_rw, flags_ro;
    uint32_t references_mapped, references_after_unmap, references_after_delete;
    uint64_t used_before_refused, used_after_refused, used_before_delete, used_after_delete;
    bool mapped_before_delete, mapped_after_delete;
    bool slot_empty_after_refusal, unmapped;
    uint64_t frame;
};

#define MEMORY_SLOT 9u

static void memory_calls_map(struct memory_calls *r, uint64_t area)
{
    struct process *p = r->process;
    struct vm_mapping mapping = { 0, 0, 0 };
    r->map = sys_memory_map(MEMORY_SLOT, area, RIGHT_READ | RIGHT_WRITE);
    vm_query(p->space, area, &mapping);
    r->flags_rw = mapping.flags;
    r->frame = mapping.phys;
    r->map_again = sys_memory_map(MEMORY_SLOT, area + 64 * PAGE_SIZE, RIGHT_READ);
    vm_query(p->space, area + 64 * PAGE_SIZE, &mapping);
    r->flags_ro = mapping.flags;
    r->references_mapped = frame_references(r->frame);
    r->map_over = sys_memory_map(MEMORY_SLOT, area + 2 * PAGE_SIZE, RIGHT_READ);
    r->map_exec = sys_memory_map(MEMORY_SLOT, area + 128 * PAGE_SIZE, RIGHT_READ | RIGHT_CONTROL);
    r->map_guard = sys_memory_map(MEMORY_SLOT, p->stack_top - (PROCESS_STACK_PAGES + 1) * PAGE_SIZE,
                                  RIGHT_READ);
    r->map_kernel = sys_memory_map(MEMORY_SLOT, MEMORY_KERNEL_BASE, RIGHT_READ);
}

static void memory_calls_main(void *arg)
{
    struct memory_calls *r = arg;
    struct process *p = r->process;
    r->allocate = sys_memory_allocate(4, MEMORY_SLOT);
    memory_calls_map(r, p->map_area);
    r->used_before_refused = p->memory_used;
    r->allocate_past_limit = sys_memory_allocate(p->memory_limit / PAGE_SIZE, MEMORY_SLOT + 1);
    r->used_after_refused = p->memory_used;
    r->slot_empty_after_refusal = p->caps->slots[MEMORY_SLOT + 1].object == NULL;
    r->unmap = sys_memory_unmap(p->map_area, 4);
    r->unmapped = !vm_query(p->space, p->map_area, NULL);
    r->references_after_unmap = frame_references(r->frame);
    r->unmap_text = sys_memory_unmap(0x400000, 1);
    r->used_before_delete = p->memory_used;
    r->mapped_before_delete = vm_query(p->space, p->map_area + 64 * PAGE_SIZE, NULL);
    bool was_enabled = interrupts_save();
    cap_delete_apply(p->caps, MEMORY_SLOT); /* still mapped once: the mapping goes with it */
    interrupts_restore(was_enabled);
    r->mapped_after_delete = vm_query(p->space, p->map_area + 64 * PAGE_SIZE, NULL);
    r->references_after_delete = frame_references(r->frame);
    r->used_after_delete = p->memory_used;
    process_thread_exit();
}

static bool memory_calls_checked(const struct memory_calls *r)
{
    TEST_REQUIRE(r->allocate == 0, "memory_allocate: %ld", r->allocate);
    TEST_REQUIRE(r->map == 0 && r->flags_rw == (VM_USER | VM_WRITE), "map RW: %ld, flags 0x%x",
                 r->map, r->flags_rw);
    TEST_REQUIRE(r->map_again == 0 && r->flags_ro == VM_USER, "second map RO: %ld, flags 0x%x",
                 r->map_again, r->flags_ro);
    TEST_REQUIRE(r->references_mapped == 3, "a frame mapped twice has %u references, want 3",
                 r->references_mapped);
    TEST_REQUIRE(r->map_over == -ERROR_BAD_ADDRESS && r->map_guard == -ERROR_BAD_ADDRESS,
                 "map over a mapping %ld, over the guard page %ld", r->map_over, r->map_guard);
    TEST_REQUIRE(r->map_exec == -ERROR_INVALID_ARGUMENT && r->map_kernel == -ERROR_INVALID_ARGUMENT,
                 "map with a bad right %ld, at a kernel address %ld", r->map_exec, r->map_kernel);
    TEST_REQUIRE(r->allocate_past_limit == -ERROR_NO_MEMORY &&
                     r->used_after_refused == r->used_before_refused && r->slot_empty_after_refusal,
                 "allocation past the limit: %ld, charge %lu -> %lu", r->allocate_past_limit,
                 r->used_before_refused, r->used_after_refused);
    TEST_REQUIRE(r->unmap == 0 && r->unmapped && r->references_after_unmap == 2,
                 "unmap: %ld, gone %d, references %u", r->unmap, r->unmapped,
                 r->references_after_unmap);
    TEST_REQUIRE(r->unmap_text == -ERROR_BAD_ADDRESS, "unmapping payload text gave %ld",
                 r->unmap_text);
    /* The capability was the object's last: deleting it unmaps the page it
     * still had mapped, frees the frames and gives back the owner's charge. */
    TEST_REQUIRE(r->mapped_before_delete && !r->mapped_after_delete &&
                     r->references_after_delete == 0 && r->used_after_delete < r->used_before_delete,
                 "deleting a mapped object's capability: mapped %d -> %d, references %u, charge "
                 "%lu -> %lu", r->mapped_before_delete, r->mapped_after_delete,
                 r->references_after_delete, r->used_before_delete, r->used_after_delete);
    return true;
}

static bool test_process_memory_calls(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    static struct memory_calls r;
    __builtin_memset(&r, 0, sizeof r);
    TEST_REQUIRE(process_create(index, &r.process) == 0, "process_create failed");
    int error = process_thread_add(r.process, false, memory_calls_main, &r, NULL);
    if (error)
        process_kill(r.process, PROCESS_END_KILLED, "test");
    process_wait_end(r.process);
    TEST_REQUIRE(error == 0, "process_thread_add: %s", kernel_error_message(error));
    if (!memory_calls_checked(&r))
        return false;
    TEST_REQUIRE(r.process->end == PROCESS_END_EXIT && frame_references(r.frame) == 0,
                 "after the end: %s, the object's frame has %u references",
                 process_end_name(r.process->end), frame_references(r.frame));
    return true;
}

/* The supervisor's calls, made by a thread of a process (in the kernel, as
 * their handlers run) into a buffer it mapped with memory_map; the results
 * are read back through the user mapping. */
struct supervisor_calls {
    struct process *process;
    int64_t map, list, info, info_missing, caps, capsule, report, report_topic, kill_missing;
    int64_t audit, audit_past, audit_kernel;
    uint64_t audit_first;
    struct nonos_audit_record audit_records[2];
    struct nonos_process_info listed[4], info_record;
    struct nonos_cap_info caps_records[8];
    struct nonos_capsule_info capsule_record;
    char report_text[64];
};

static void user_read(void *to, uint64_t from, size_t length)
{
    user_access_begin();
    __builtin_memcpy(to, (const void *)(uintptr_t)from, length);
    user_access_end();
}

static void supervisor_calls_main(void *arg)
{
    struct supervisor_calls *r = arg;
    struct process *p = r->process;
    uint64_t buffer = p->map_area;
    r->map = sys_memory_allocate(16, MEMORY_SLOT);
    if (r->map == 0)
        r->map = sys_memory_map(MEMORY_SLOT, buffer, RIGHT_READ | RIGHT_WRITE);
    if (r->map == 0) {
        r->list = sys_process_list(NONOS_SLOT_SUPERVISOR, buffer, sizeof r->listed);
        user_read(r->listed, buffer, sizeof r->listed);
        r->info = sys_process_info(NONOS_SLOT_SUPERVISOR, p->id, buffer);
        user_read(&r->info_record, buffer, sizeof r->info_record);
        r->info_missing = sys_process_info(NONOS_SLOT_SUPERVISOR, 1u << 30, buffer);
        r->caps = sys_process_caps(NONOS_SLOT_SUPERVISOR, p->id, buffer, sizeof r->caps_records);
        user_read(r->caps_records, buffer, sizeof r->caps_records);
        r->capsule = sys_capsule_info(NONOS_SLOT_SUPERVISOR, p->capsule_index, buffer);
        user_read(&r->capsule_record, buffer, sizeof r->capsule_record);
        r->report = sys_kernel_report(NONOS_SLOT_SUPERVISOR, 1, buffer, sizeof r->report_text);
        user_read(r->report_text, buffer, sizeof r->report_text);
        r->report_topic = sys_kernel_report(NONOS_SLOT_SUPERVISOR, REPORT_TOPIC_COUNT, buffer, 64);
        r->kill_missing = sys_process_kill(NONOS_SLOT_SUPERVISOR, 1u << 30);
        /* The newest record (at least this process's start exists) on: one
         * or more (others may be written meanwhile), the first the asked one. */
        r->audit_first = audit_next_sequence() - 1;
        r->audit = sys_audit_read(NONOS_SLOT_SUPERVISOR, r->audit_first, buffer,
                                  sizeof r->audit_records);
        user_read(r->audit_records, buffer, sizeof r->audit_records);
        r->audit_past = sys_audit_read(NONOS_SLOT_SUPERVISOR, 1ull << 40, buffer,
                                       sizeof r->audit_records);
        r->audit_kernel = sys_audit_read(NONOS_SLOT_SUPERVISOR, 0, (uint64_t)(uintptr_t)r,
                                         sizeof r->audit_records);
    }
    process_thread_exit();
}

static bool supervisor_calls_checked(const struct supervisor_calls *r)
{
    const struct process *p = r->process;
    TEST_REQUIRE(r->map == 0, "memory for the buffer: %ld", r->map);
    TEST_REQUIRE(r->list >= 1 && r->listed[0].id == p->id && r->listed[0].memory_limit ==
                     p->memory_limit && r->listed[0].state == NONOS_PROCESS_RUNNING,
                 "process_list: %ld records, first id %lu", r->list, r->listed[0].id);
    TEST_REQUIRE(r->info == 0 && r->info_record.id == p->id && r->info_record.threads == 1 &&
                     r->info_record.slot_limit == p->slot_limit &&
                     r->info_record.cpu_budget_us == p->cpu_budget_ns / 1000,
                 "process_info: %ld, id %lu, %u threads", r->info, r->info_record.id,
                 r->info_record.threads);
    TEST_REQUIRE(r->info_missing == -ERROR_NOT_FOUND && r->kill_missing == -ERROR_NOT_FOUND,
                 "an unknown process: info %ld, kill %ld", r->info_missing, r->kill_missing);
    TEST_REQUIRE(r->caps == 4 && r->caps_records[0].slot == 0 &&
                     r->caps_records[0].type == NONOS_OBJECT_CONSOLE &&
                     r->caps_records[2].type == NONOS_OBJECT_ENDPOINT &&
                     r->caps_records[2].badge == p->id &&
                     r->caps_records[3].slot == MEMORY_SLOT &&
                     r->caps_records[3].type == NONOS_OBJECT_MEMORY,
                 "process_caps: %ld records", r->caps);
    TEST_REQUIRE(r->capsule == 0 && r->capsule_record.verified == 1 &&
                     r->capsule_record.name[0] == 'h' && r->capsule_record.version[0] == '0',
                 "capsule_info: %ld, name %.8s", r->capsule, r->capsule_record.name);
    TEST_REQUIRE(r->report > 0 && r->report < 64 && r->report_text[0] == 'u' &&
                     r->report_topic == -ERROR_INVALID_ARGUMENT,
                 "kernel_report: %ld (\"%.20s\"), unknown topic %ld", r->report, r->report_text,
                 r->report_topic);
    TEST_REQUIRE(r->audit >= 1 && r->audit <= 2 && r->audit_records[0].sequence == r->audit_first,
                 "audit_read from %lu: %ld records, first %lu", r->audit_first, r->audit,
                 r->audit_records[0].sequence);
    TEST_REQUIRE(r->audit_past == 0 && r->audit_kernel == -ERROR_BAD_ADDRESS,
                 "audit_read past the end: %ld; into kernel memory: %ld", r->audit_past,
                 r->audit_kernel);
    return true;
}

static bool test_process_supervisor_calls(void)
{
    size_t index;
    if (!hello_index(&index))
        return false;
    static struct supervisor_calls r;
    __builtin_memset(&r, 0, sizeof r);
    TEST_REQUIRE(process_create(index, &r.process) == 0, "process_create failed");
    int error = process_thread_add(r.process, false, supervisor_calls_main, &r, NULL);
    if (error)
        process_kill(r.process, PROCESS_END_KILLED, "test");
    process_wait_end(r.process);
    TEST_REQUIRE(error == 0, "process_thread_add: %s", kernel_error_message(error));
    return supervisor_calls_checked(&r);
}

static const struct test_case test_process_cases[] = {
    { "process_supervisor_calls", test_process_supervisor_calls },
    { "process_memory_calls", test_process_memory_calls },
    { "process_load_rights", test_process_load_rights },
    { "process_end_frees_frames", test_process_end_frees_frames },
    { "process_memory_limit", test_process_memory_limit },
    { "process_map_frame_runs", test_process_map_frame_runs },
    { "process_thread_limit", test_process_thread_limit },
    { "process_cpu_budget", test_process_cpu_budget },
    { "process_fault_describe", test_process_fault_describe },
    { "process_account_switch_charge", test_process_account_switch_charge },
};

TEST_TABLE(test_process_cases);
