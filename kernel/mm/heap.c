/* Kernel heap (see heap.h).
 *
 * Blocks live in the heap window (MEMORY_HEAP_BASE), which grows upward by
 * mapping fresh frames. Small requests are served from eight size classes
 * (32 .. 4096 bytes including the 16-byte header and the 8-byte trailing
 * canary); each class keeps a free list threaded through its free blocks,
 * and a class refills by carving one new page. Freed small blocks go back
 * to their class and are poisoned (0xdf). Larger requests get their own
 * run of pages, unmapped and returned to the frame allocator on kfree (the
 * virtual range is not reused: the window is 1 GiB).
 *
 * Invariant: every block starts with a header whose magic says live or free;
 * a live block of n bytes is followed by a canary bound to its address. */
#include "kernel/mm/heap.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"

#include <stdbool.h>

#define HEAP_MAGIC_LIVE 0x4b4d4c56u /* "VLMK" */
#define HEAP_MAGIC_FREE 0x4b4d4546u /* "FEMK" */
#define HEAP_CANARY 0x5a17c0dec0ffee5aull
#define HEAP_CLASS_COUNT 8
#define HEAP_CLASS_LARGE 0xffu
#define HEAP_POISON 0xdf

struct heap_block {
    uint32_t magic;
    uint32_t class_index; /* HEAP_CLASS_LARGE for page runs */
    uint64_t size;        /* bytes requested */
};

struct free_block {
    struct heap_block header;
    struct free_block *next;
};

static const char *const heap_messages[HEAP_ERROR_COUNT] = {
    [HEAP_OK] = "ok",
    [HEAP_ERROR_NOT_HEAP] = "pointer not from kmalloc (or a large block already freed)",
    [HEAP_ERROR_DOUBLE_FREE] = "double free",
    [HEAP_ERROR_HEADER] = "block header corrupted",
    [HEAP_ERROR_OVERFLOW] = "write past the end of the block (canary overwritten)",
};

static struct free_block *free_lists[HEAP_CLASS_COUNT];
static uint64_t heap_top = MEMORY_HEAP_BASE;
static struct heap_stats stats;

const char *heap_error_message(int result)
{
    if (result < 0 || result >= HEAP_ERROR_COUNT)
        return "unknown heap error";
    return heap_messages[result];
}

void heap_init(void)
{
    heap_top = MEMORY_HEAP_BASE;
}

static uint64_t class_size(unsigned class_index)
{
    return 32ull << class_index;
}

static uint64_t *canary_of(struct heap_block *block)
{
    return (uint64_t *)(void *)((uint8_t *)(block + 1) + block->size);
}

static uint64_t canary_value(const struct heap_block *block)
{
    return HEAP_CANARY ^ (uint64_t)(uintptr_t)block;
}

/* Maps pages fresh frames at the top of the heap; returns their address. */
static void *heap_grow(uint64_t pages)
{
    uint64_t base = heap_top;
    if (MEMORY_HEAP_LIMIT - base < pages * PAGE_SIZE)
        return NULL;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t frame = frame_alloc();
        if (!frame ||
            vm_map(vm_space_kernel(), base + i * PAGE_SIZE, frame, 1, VM_WRITE) != VM_OK) {
            if (frame)
                frame_free(frame);
            for (uint64_t j = 0; j < i; j++) {
                frame_free(virt_to_phys((void *)(uintptr_t)(base + j * PAGE_SIZE)));
                vm_unmap(vm_space_kernel(), base + j * PAGE_SIZE, 1);
            }
            return NULL;
        }
    }
    heap_top += pages * PAGE_SIZE;
    stats.bytes_mapped += pages * PAGE_SIZE;
    return (void *)(uintptr_t)base;
}

static bool class_refill(unsigned class_index)
{
    uint8_t *page = heap_grow(1);
    if (!page)
        return false;
    uint64_t size = class_size(class_index);
    for (uint64_t offset = 0; offset + size <= PAGE_SIZE; offset += size) {
        struct free_block *block = (struct free_block *)(void *)(page + offset);
        block->header.magic = HEAP_MAGIC_FREE;
        block->header.class_index = class_index;
        block->next = free_lists[class_index];
        free_lists[class_index] = block;
    }
    return true;
}

static struct heap_block *small_alloc(unsigned class_index)
{
    if (!free_lists[class_index] && !class_refill(class_index))
        return NULL;
    struct free_block *block = free_lists[class_index];
    free_lists[class_index] = block->next;
    return &block->header;
}

static struct heap_block *large_alloc(uint64_t total)
{
    struct heap_block *block = heap_grow((total + PAGE_SIZE - 1) / PAGE_SIZE);
    if (block)
        block->class_index = HEAP_CLASS_LARGE;
    return block;
}

void *kmalloc(size_t size)
{
    const uint64_t overhead = sizeof(struct heap_block) + sizeof(uint64_t);
    if (size == 0 || size > MEMORY_HEAP_LIMIT - MEMORY_HEAP_BASE)
        return NULL;
    uint64_t total = size + overhead;
    unsigned class_index = 0;
    while (class_index < HEAP_CLASS_COUNT && class_size(class_index) < total)
        class_index++;
    bool was_enabled = interrupts_save();
    struct heap_block *block =
        class_index < HEAP_CLASS_COUNT ? small_alloc(class_index) : large_alloc(total);
    if (block) {
        block->magic = HEAP_MAGIC_LIVE;
        block->size = size;
        *canary_of(block) = canary_value(block);
        stats.bytes_in_use += size;
        stats.live_blocks++;
        stats.total_allocs++;
    }
    interrupts_restore(was_enabled);
    return block ? block + 1 : NULL;
}

void *kzalloc(size_t size)
{
    uint8_t *block = kmalloc(size);
    for (size_t i = 0; block && i < size; i++)
        block[i] = 0;
    return block;
}

int heap_check(const void *pointer)
{
    uint64_t address = (uint64_t)(uintptr_t)pointer;
    if (address % 16 != 0 || address < MEMORY_HEAP_BASE + sizeof(struct heap_block) ||
        address >= heap_top)
        return HEAP_ERROR_NOT_HEAP;
    struct heap_block *block = (struct heap_block *)(uintptr_t)address - 1;
    if (!vm_query(vm_space_kernel(), (uint64_t)(uintptr_t)block, NULL))
        return HEAP_ERROR_NOT_HEAP; /* e.g. a large block already freed */
    if (block->magic == HEAP_MAGIC_FREE)
        return HEAP_ERROR_DOUBLE_FREE;
    if (block->magic != HEAP_MAGIC_LIVE)
        return HEAP_ERROR_HEADER;
    bool small = block->class_index < HEAP_CLASS_COUNT;
    if (!small && block->class_index != HEAP_CLASS_LARGE)
        return HEAP_ERROR_HEADER;
    if (small && block->size + sizeof(*block) + 8 > class_size(block->class_index))
        return HEAP_ERROR_HEADER;
    if (!small && (block->size > heap_top - address ||
                   !vm_query(vm_space_kernel(), (uint64_t)(uintptr_t)canary_of(block), NULL)))
        return HEAP_ERROR_HEADER;
    if (*canary_of(block) != canary_value(block))
        return HEAP_ERROR_OVERFLOW;
    return HEAP_OK;
}

static void large_free(struct heap_block *block)
{
    uint64_t base = (uint64_t)(uintptr_t)block;
    uint64_t pages = (block->size + sizeof(*block) + 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    block->magic = HEAP_MAGIC_FREE;
    for (uint64_t i = 0; i < pages; i++) {
        frame_free(virt_to_phys((void *)(uintptr_t)(base + i * PAGE_SIZE)));
        vm_unmap(vm_space_kernel(), base + i * PAGE_SIZE, 1);
    }
    stats.bytes_mapped -= pages * PAGE_SIZE;
}

static void small_free(struct heap_block *block)
{
    struct free_block *free_block = (struct free_block *)(void *)block;
    uint8_t *payload = (uint8_t *)(free_block + 1);
    uint64_t poison = class_size(block->class_index) - sizeof(*free_block);
    for (uint64_t i = 0; i < poison; i++)
        payload[i] = HEAP_POISON;
    block->magic = HEAP_MAGIC_FREE;
    free_block->next = free_lists[block->class_index];
    free_lists[block->class_index] = free_block;
}

void kfree(void *pointer)
{
    if (!pointer)
        return;
    bool was_enabled = interrupts_save();
    int result = heap_check(pointer);
    if (result != HEAP_OK)
        panic("kfree(%p): %s", pointer, heap_error_message(result));
    struct heap_block *block = (struct heap_block *)pointer - 1;
    stats.bytes_in_use -= block->size;
    stats.live_blocks--;
    stats.total_frees++;
    if (block->class_index == HEAP_CLASS_LARGE)
        large_free(block);
    else
        small_free(block);
    interrupts_restore(was_enabled);
}

void heap_stats(struct heap_stats *out)
{
    bool was_enabled = interrupts_save();
    *out = stats;
    interrupts_restore(was_enabled);
}
