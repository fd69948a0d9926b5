/* Loading a verified capsule into a new process (process_create).
 *
 * The payload comes from the sealed bundle only (capsule_verified), and is
 * checked again with payload_check_elf, the same rules the boot verdict
 * used, before a program header is read: every PT_LOAD is page aligned,
 * inside the file, at or above 4 MiB, sorted and W^X, so each segment maps
 * page by page with exactly its own rights (VM_USER + R, R+W or R+X) into
 * fresh frames holding a copy of its file bytes, the rest zero (bss). The
 * kernel never maps the sealed copy itself into a process.
 *
 * Randomized: the stack (its top anywhere page-aligned in 64..127 TiB, an
 * unmapped guard page below it) and the suggested base of the memory_map
 * area (2 MiB aligned in 1..32 TiB, passed in the first argument
 * register). Not randomized: the payload, which the SDK links non-PIE at
 * 0x400000 (docs/kernel.md, "Processes"). */
#include "kernel/proc/process_internal.h"

#include "base/endian.h"
#include "capsule/container.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/capsule/capsule.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"

#define ELF_PT_LOAD 1u
#define ELF_PF_X 1u
#define ELF_PF_W 2u

static uint64_t next_process_id = 1;

static unsigned segment_rights(uint32_t elf_flags)
{
    return (elf_flags & ELF_PF_W ? VM_WRITE : 0) | (elf_flags & ELF_PF_X ? VM_EXEC : 0);
}

/* A fresh frame holding the page of the segment at `at`: a page wholly
 * inside the file bytes is copied into an unzeroed frame (every byte is
 * written, so zeroing it first would write it twice); any other page is
 * zeroed, and its file bytes, if any, copied in. */
static uint64_t page_fill(struct bytes payload, uint64_t offset, uint64_t at, uint64_t filesz)
{
    const uint8_t *from = payload.data + offset + at;
    if (filesz >= at + PAGE_SIZE) {
        uint64_t frame = frame_alloc_unzeroed();
        if (frame)
            words_copy(phys_to_virt(frame), from, PAGE_SIZE / 8);
        return frame;
    }
    uint64_t frame = frame_alloc();
    if (frame && at < filesz)
        __builtin_memcpy(phys_to_virt(frame), from, (size_t)(filesz - at));
    return frame;
}

static void frames_free(const uint64_t *frames, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++)
        frame_free(frames[i]);
}

/* One fresh frame per page, file bytes copied in, the rest zero, mapped
 * with the segment's rights LOAD_BATCH pages at a time: one charge and
 * one mapping call per batch instead of per page (at most a batch of
 * frames is held before the charge can refuse it). */
#define LOAD_BATCH 32u
static int load_pages(struct process *process, struct bytes payload, uint64_t offset,
                      uint64_t vaddr, uint64_t filesz, uint64_t pages, unsigned rights)
{
    uint64_t frames[LOAD_BATCH];
    for (uint64_t done = 0; done < pages;) {
        uint64_t count = pages - done < LOAD_BATCH ? pages - done : LOAD_BATCH;
        for (uint64_t k = 0; k < count; k++) {
            frames[k] = page_fill(payload, offset, (done + k) * PAGE_SIZE, filesz);
            if (!frames[k]) {
                frames_free(frames, k);
                return -ERROR_NO_MEMORY;
            }
        }
        int error = process_map_frames(process, vaddr + done * PAGE_SIZE, frames, count, rights);
        if (error) {
            frames_free(frames, count);
            return error;
        }
        done += count;
    }
    return 0;
}

static int load_segment(struct process *process, struct bytes payload, const uint8_t *ph)
{
    if (load32_le(ph) != ELF_PT_LOAD)
        return 0;
    uint32_t flags = load32_le(ph + 4);
    uint64_t offset = load64_le(ph + 8), vaddr = load64_le(ph + 16);
    uint64_t filesz = load64_le(ph + 32), memsz = load64_le(ph + 40);
    /* payload_check_elf bounded all of these: no overflow below. */
    uint64_t pages = (memsz + PAGE_SIZE - 1) / PAGE_SIZE;
    int error = process_region_add(process, vaddr, pages, REGION_LOAD);
    if (error)
        return error;
    return load_pages(process, payload, offset, vaddr, filesz, pages, segment_rights(flags));
}

static int load_payload(struct process *process, struct bytes payload)
{
    if (payload_check_elf(payload, &process->entry) != CAPSULE_OK)
        return -ERROR_DENIED;
    const uint8_t *header = payload.data;
    uint64_t phoff = load64_le(header + 32);
    uint16_t phnum = load16_le(header + 56);
    for (uint16_t i = 0; i < phnum; i++) {
        int error = load_segment(process, payload, header + phoff + (uint64_t)i * 56);
        if (error)
            return error;
    }
    return 0;
}

/* A stack of PROCESS_STACK_PAGES at a random page-aligned top, its guard
 * page (unmapped, part of the region so nothing is mapped there later)
 * below it. */
static int stack_create(struct process *process)
{
    uint64_t slots = (PROCESS_STACK_AREA_HIGH - PROCESS_STACK_AREA_LOW) / PAGE_SIZE;
    uint64_t slot;
    if (!process_random_below(slots, &slot))
        return -ERROR_DENIED;
    uint64_t top = PROCESS_STACK_AREA_LOW + slot * PAGE_SIZE;
    uint64_t base = top - PROCESS_STACK_PAGES * PAGE_SIZE;
    int error = process_region_add(process, base - PAGE_SIZE, PROCESS_STACK_PAGES + 1,
                                   REGION_STACK);
    if (error)
        return error;
    uint64_t frames[PROCESS_STACK_PAGES];
    for (uint64_t i = 0; i < PROCESS_STACK_PAGES; i++) {
        frames[i] = frame_alloc();
        if (!frames[i]) {
            frames_free(frames, i);
            return -ERROR_NO_MEMORY;
        }
    }
    error = process_map_frames(process, base, frames, PROCESS_STACK_PAGES, VM_WRITE);
    if (error) {
        frames_free(frames, PROCESS_STACK_PAGES);
        return error;
    }
    process->stack_top = top;
    return 0;
}

static int map_area_choose(struct process *process)
{
    uint64_t slots = (PROCESS_MAP_AREA_HIGH - PROCESS_MAP_AREA_LOW) / PROCESS_MAP_AREA_ALIGN;
    uint64_t slot;
    if (!process_random_below(slots, &slot))
        return -ERROR_DENIED;
    process->map_area = PROCESS_MAP_AREA_LOW + slot * PROCESS_MAP_AREA_ALIGN;
    return 0;
}

static void process_destroy(struct object *object)
{
    struct process *process = (struct process *)object;
    kfree(process->manifest);
    kfree(process);
}

/* The structure, limits from the manifest, and the kernel objects charged
 * to them: the process itself, its thread list, its capability table. */
static int process_new(size_t index, struct manifest *manifest, struct process **out)
{
    struct process *process = kzalloc(sizeof *process);
    if (!process) {
        kfree(manifest);
        return -ERROR_NO_MEMORY;
    }
    object_type_register(OBJECT_PROCESS, process_destroy);
    object_init(&process->object, OBJECT_PROCESS);
    process->manifest = manifest;
    process->capsule_index = index;
    __builtin_memcpy(process->name, manifest->name.text, sizeof process->name);
    process->memory_limit = manifest->memory_bytes;
    process_cpu_budget_set(process, manifest->cpu_us * 1000u);
    process->thread_limit = manifest->threads;
    process->slot_limit = manifest->capability_slots;
    process->state = PROCESS_RUNNING;
    bool was_enabled = interrupts_save();
    process->id = next_process_id++; /* before the policy: the names badge */
    interrupts_restore(was_enabled);
    *out = process;
    uint64_t threads_bytes = (uint64_t)process->thread_limit * sizeof(struct thread *);
    uint64_t caps_bytes = (uint64_t)process->slot_limit * sizeof(struct capability);
    int error = process_memory_charge(process, sizeof *process + threads_bytes + caps_bytes);
    if (error)
        return error;
    process->threads = kzalloc((size_t)threads_bytes);
    process->caps = cap_table_create(process->slot_limit);
    process->space = vm_space_create();
    if (!process->threads || !process->caps || !process->space)
        return -ERROR_NO_MEMORY;
    return 0;
}

static int process_build(size_t index, struct bytes payload, struct manifest *manifest,
                         struct process **out)
{
    int error = process_new(index, manifest, out);
    if (!error)
        error = load_payload(*out, payload);
    if (!error)
        error = stack_create(*out);
    if (!error)
        error = map_area_choose(*out);
    if (!error)
        error = process_policy_grant(*out);
    return error;
}

int process_create_payload(size_t index, struct bytes payload, struct manifest *manifest,
                           struct process **out)
{
    process_init();
    struct process *process = NULL;
    int error = process_build(index, payload, manifest, &process);
    if (error) {
        if (process) {
            process_release(process);
            object_put(&process->object);
        }
        kprintf("proc: cannot start capsule #%zu: %s\n", index, kernel_error_message(error));
        return error;
    }
    process_table_add(process);
    *out = process;
    return 0;
}

int process_create(size_t index, struct process **out)
{
    struct manifest *manifest = kmalloc(sizeof *manifest);
    struct bytes payload;
    if (!manifest)
        return -ERROR_NO_MEMORY;
    if (!capsule_verified(index, &payload, manifest)) {
        kfree(manifest);
        return -ERROR_NOT_FOUND;
    }
    return process_create_payload(index, payload, manifest, out);
}

int64_t process_launch(size_t index)
{
    struct process *process;
    int error = process_create(index, &process);
    if (error)
        return error;
    error = process_start(process);
    if (error) {
        process_kill(process, PROCESS_END_KILLED, "could not start its first thread");
        return error;
    }
    return (int64_t)process->id;
}
