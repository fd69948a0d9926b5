/* Building x86_64 4-level page tables (see page_table.h).
 *
 * Layout per the Intel SDM vol. 3A, 4.5: PML4 -> PDPT -> PD -> PT, 512
 * eight-byte entries per 4 KiB table, indexes from virtual address bits
 * 47:39, 38:30, 29:21 and 20:12. Intermediate entries are present, writable
 * and executable; the leaf decides (the CPU combines W by AND, NX by OR). */
#include "boot/page_table.h"

#include <stdbool.h>

#define ENTRIES 512
#define INTERMEDIATE_FLAGS (PAGE_PRESENT | PAGE_WRITE)

static const char *const page_messages[] = {
    [PAGE_OK] = "ok",
    [PAGE_ERR_POOL_EMPTY] = "page table pool exhausted",
    [PAGE_ERR_ALIGNMENT] = "address or size not page aligned",
    [PAGE_ERR_CONFLICT] = "page already mapped differently",
    [PAGE_ERR_CANONICAL] = "virtual address not canonical",
    [PAGE_ERR_NOT_MAPPED] = "address not mapped",
};

const char *page_result_message(enum page_result result)
{
    if ((size_t)result < sizeof page_messages / sizeof page_messages[0])
        return page_messages[result];
    return "unknown page table result";
}

static uint64_t *table_at(const struct page_pool *pool, uint64_t physical)
{
    return (uint64_t *)(void *)(pool->base + (physical - pool->physical_base));
}

static enum page_result pool_take(struct page_pool *pool, uint64_t *physical)
{
    if (pool->used == pool->pages)
        return PAGE_ERR_POOL_EMPTY;
    *physical = pool->physical_base + pool->used * PAGE_SIZE_4K;
    __builtin_memset(table_at(pool, *physical), 0, PAGE_SIZE_4K);
    pool->used++;
    return PAGE_OK;
}

enum page_result page_tables_init(struct page_tables *tables, struct page_pool *pool)
{
    tables->pool = pool;
    return pool_take(pool, &tables->root);
}

static unsigned table_index(uint64_t virtual_address, unsigned level)
{
    return (unsigned)(virtual_address >> (12 + 9 * level)) & (ENTRIES - 1);
}

static bool is_canonical(uint64_t virtual_address)
{
    uint64_t top = virtual_address >> 47;
    return top == 0 || top == 0x1ffff;
}

/* The table one level below `entry`, created if missing. Fails on a large
 * page in the way. */
static enum page_result next_table(struct page_pool *pool, uint64_t *entry, uint64_t **table)
{
    if (!(*entry & PAGE_PRESENT)) {
        uint64_t physical;
        enum page_result r = pool_take(pool, &physical);
        if (r != PAGE_OK)
            return r;
        *entry = physical | INTERMEDIATE_FLAGS;
    } else if (*entry & PAGE_LARGE) {
        return PAGE_ERR_CONFLICT;
    }
    *table = table_at(pool, *entry & PAGE_ADDRESS_MASK);
    return PAGE_OK;
}

static enum page_result map_one(struct page_tables *tables, uint64_t virtual_address,
                                uint64_t physical, uint64_t flags, uint64_t page_size)
{
    unsigned leaf_level = page_size == PAGE_SIZE_2M ? 1 : 0;
    uint64_t *table = table_at(tables->pool, tables->root);
    for (unsigned level = 3; level > leaf_level; level--) {
        enum page_result r =
            next_table(tables->pool, &table[table_index(virtual_address, level)], &table);
        if (r != PAGE_OK)
            return r;
    }
    uint64_t entry = physical | flags | PAGE_PRESENT | (leaf_level ? PAGE_LARGE : 0);
    uint64_t *slot = &table[table_index(virtual_address, leaf_level)];
    if (*slot & PAGE_PRESENT)
        return *slot == entry ? PAGE_OK : PAGE_ERR_CONFLICT;
    *slot = entry;
    return PAGE_OK;
}

enum page_result page_map(struct page_tables *tables, uint64_t virtual_address,
                          uint64_t physical, uint64_t size, uint64_t flags, uint64_t page_size)
{
    if (page_size != PAGE_SIZE_4K && page_size != PAGE_SIZE_2M)
        return PAGE_ERR_ALIGNMENT;
    if ((virtual_address | physical | size) & (page_size - 1) ||
        (physical & ~PAGE_ADDRESS_MASK & ~(page_size - 1)))
        return PAGE_ERR_ALIGNMENT;
    if (size == 0)
        return PAGE_OK;
    uint64_t last = virtual_address + (size - 1);
    if (last < virtual_address || !is_canonical(virtual_address) || !is_canonical(last) ||
        (virtual_address >> 47) != (last >> 47))
        return PAGE_ERR_CANONICAL;
    flags &= PAGE_WRITE | PAGE_NO_EXECUTE;
    for (uint64_t offset = 0; offset < size; offset += page_size) {
        enum page_result r =
            map_one(tables, virtual_address + offset, physical + offset, flags, page_size);
        if (r != PAGE_OK)
            return r;
    }
    return PAGE_OK;
}

enum page_result page_translate(const struct page_tables *tables, uint64_t virtual_address,
                                uint64_t *physical, uint64_t *flags)
{
    if (!is_canonical(virtual_address))
        return PAGE_ERR_CANONICAL;
    const uint64_t *table = table_at(tables->pool, tables->root);
    uint64_t writable = PAGE_WRITE, no_execute = 0;
    for (unsigned level = 3;; level--) {
        uint64_t entry = table[table_index(virtual_address, level)];
        if (!(entry & PAGE_PRESENT))
            return PAGE_ERR_NOT_MAPPED;
        writable &= entry;
        no_execute |= entry & PAGE_NO_EXECUTE;
        if (level == 0 || (level == 1 && (entry & PAGE_LARGE))) {
            uint64_t offset_mask = level == 0 ? PAGE_SIZE_4K - 1 : PAGE_SIZE_2M - 1;
            *physical = (entry & PAGE_ADDRESS_MASK & ~offset_mask) | (virtual_address & offset_mask);
            *flags = PAGE_PRESENT | writable | no_execute;
            return PAGE_OK;
        }
        table = table_at(tables->pool, entry & PAGE_ADDRESS_MASK);
    }
}

/* Distinct 2^shift-sized slots the sorted ranges touch. */
static size_t count_slots(const uint64_t (*ranges)[2], size_t count, unsigned shift)
{
    size_t slots = 0;
    uint64_t next_free = 0; /* first slot not yet counted */
    bool any = false;
    for (size_t i = 0; i < count; i++) {
        if (ranges[i][1] <= ranges[i][0])
            continue;
        uint64_t first = ranges[i][0] >> shift, last = (ranges[i][1] - 1) >> shift;
        if (any && first < next_free)
            first = next_free;
        if (first <= last) {
            slots += (size_t)(last - first + 1);
            next_free = last + 1;
            any = true;
        }
    }
    return slots;
}

size_t page_tables_estimate(const uint64_t (*ranges)[2], size_t count, uint64_t extra_4k_pages)
{
    size_t directories = count_slots(ranges, count, 30);
    size_t pointer_tables = count_slots(ranges, count, 39);
    /* Twice for identity and direct map, one PML4, the 4 KiB region's page
     * tables (+2 for unaligned ends), its PD and PDPT (+1 each for a
     * boundary crossing). */
    return 1 + 2 * (directories + pointer_tables) + (size_t)(extra_4k_pages / ENTRIES) + 2 + 4;
}
