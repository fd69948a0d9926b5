/* Building x86_64 4-level page tables for the handoff to the kernel.
 *
 * Portable (no UEFI): tables are written into a pool of pages the caller
 * provides; the pool knows the physical address of its first page, so the
 * entries hold physical addresses while the code writes through ordinary
 * pointers. The loader's pool is identity mapped (physical == pointer); the
 * host test gives any buffer a made-up physical base and walks the result.
 *
 * Invariants: a virtual page is mapped at most once; mapping it again to the
 * same frame with the same flags is a no-op, anything else is an error, so
 * the identity, direct and kernel maps can never silently overlap. */
#ifndef NONOS_BOOT_PAGE_TABLE_H
#define NONOS_BOOT_PAGE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_PRESENT 0x1ULL
#define PAGE_WRITE 0x2ULL
#define PAGE_LARGE 0x80ULL /* in a page directory entry: a 2 MiB page */
#define PAGE_NO_EXECUTE (1ULL << 63)
#define PAGE_ADDRESS_MASK 0x000ffffffffff000ULL

#define PAGE_SIZE_4K 0x1000ULL
#define PAGE_SIZE_2M 0x200000ULL

enum page_result {
    PAGE_OK = 0,
    PAGE_ERR_POOL_EMPTY, /* the pool has no page left for a table */
    PAGE_ERR_ALIGNMENT,  /* address or size not aligned to the page size */
    PAGE_ERR_CONFLICT,   /* already mapped differently */
    PAGE_ERR_CANONICAL,  /* virtual address not canonical (48-bit) */
    PAGE_ERR_NOT_MAPPED, /* page_translate: no mapping */
};

struct page_pool {
    uint8_t *base;          /* first page, 4 KiB aligned */
    uint64_t physical_base; /* its physical address */
    size_t pages;
    size_t used;
};

struct page_tables {
    struct page_pool *pool;
    uint64_t root; /* physical address of the PML4: the value for CR3 */
};

const char *page_result_message(enum page_result result);

enum page_result page_tables_init(struct page_tables *tables, struct page_pool *pool);

/* Maps [virtual, virtual + size) to [physical, ...) with `flags` (PAGE_WRITE,
 * PAGE_NO_EXECUTE; PAGE_PRESENT is implied) in pages of page_size
 * (PAGE_SIZE_4K or PAGE_SIZE_2M). */
enum page_result page_map(struct page_tables *tables, uint64_t virtual_address,
                          uint64_t physical, uint64_t size, uint64_t flags, uint64_t page_size);

/* Walks the tables: the physical address `virtual_address` maps to and the
 * effective flags (NX if any level has it, W only if every level has it). */
enum page_result page_translate(const struct page_tables *tables, uint64_t virtual_address,
                                uint64_t *physical, uint64_t *flags);

/* Tables a pool must hold for the identity and direct maps of `ranges`
 * (sorted [base, end) pairs) with 2 MiB pages, plus `extra_4k_pages` mapped
 * with 4 KiB pages in one region: a safe upper bound. */
size_t page_tables_estimate(const uint64_t (*ranges)[2], size_t count, uint64_t extra_4k_pages);

#endif
