/* VT-d domains: the root and context tables and second-level page tables
 * (see vtd.h). Every table is one zeroed frame from the frame allocator,
 * reached through the direct map.
 *
 * Invariants: a device's context entry is present exactly while it has a
 * struct iommu_domain (so "present" is also the BUSY test); a domain's
 * page tables map only what iommu_map was given; a leaf is cleared and the
 * IOTLB flushed (and waited for) before iommu_unmap returns. Intermediate
 * tables stay until the domain is destroyed. Domain ids are a per-unit
 * bitmap, id 0 never used. */
#include "kernel/arch/x86_64/iommu/vtd.h"

#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"

#define TABLE_ENTRIES 512u
#define ROOT_PRESENT 1ull
#define CONTEXT_PRESENT 1ull
#define CONTEXT_ADDRESS_WIDTH(levels) ((uint64_t)(levels) - 2) /* AW 1: 39 bits (3 levels), 2: 48 bits (4) */
#define CONTEXT_DOMAIN_SHIFT 8
#define DOMAIN_ID_WORDS 16 /* 1024 ids */

static uint64_t domain_ids_used[DMAR_MAX_UNITS][DOMAIN_ID_WORDS];

bool vtd_domains_init(struct vtd_unit *unit)
{
    unit->root_table = frame_alloc();
    if (unit->root_table == 0)
        return false;
    vtd_table_sync(unit, phys_to_virt(unit->root_table), FRAME_SIZE);
    vtd_write64(unit, VTD_ROOT_TABLE_ADDRESS, unit->root_table); /* TTM 00: legacy mode */
    return true;
}

static uint16_t domain_id_take(struct vtd_unit *unit)
{
    uint64_t *used = domain_ids_used[vtd_unit_index(unit)];
    for (uint32_t id = 1; id < unit->domain_ids; id++) {
        if (!(used[id / 64] & (1ull << (id % 64)))) {
            used[id / 64] |= 1ull << (id % 64);
            return (uint16_t)id;
        }
    }
    return 0;
}

static void domain_id_give_back(struct vtd_unit *unit, uint16_t id)
{
    domain_ids_used[vtd_unit_index(unit)][id / 64] &= ~(1ull << (id % 64));
}

/* The context entry of requester (two 64-bit words), making the bus's
 * context table on first use; NULL when out of memory. */
static volatile uint64_t *context_entry(struct vtd_unit *unit, uint16_t requester, bool create)
{
    uint8_t bus = (uint8_t)(requester >> 8);
    if (unit->context_tables[bus] == 0) {
        if (!create)
            return NULL;
        uint64_t table = frame_alloc();
        if (table == 0)
            return NULL;
        vtd_table_sync(unit, phys_to_virt(table), FRAME_SIZE);
        volatile uint64_t *root = phys_to_virt(unit->root_table);
        root[2 * bus + 1] = 0;
        root[2 * bus] = table | ROOT_PRESENT;
        vtd_table_sync(unit, &root[2 * bus], 16);
        unit->context_tables[bus] = table;
    }
    volatile uint64_t *table = phys_to_virt(unit->context_tables[bus]);
    return &table[2 * (requester & 0xff)];
}

void vtd_context_entry(const struct vtd_unit *unit, uint16_t requester, uint64_t *lo, uint64_t *hi)
{
    uint64_t table = unit->context_tables[requester >> 8];
    const volatile uint64_t *entry = table ? (volatile uint64_t *)phys_to_virt(table) + 2 * (requester & 0xff) : NULL;
    *lo = entry ? entry[0] : 0;
    *hi = entry ? entry[1] : 0;
}

struct iommu_domain *iommu_domain_create(uint16_t segment, uint16_t requester,
                                         enum iommu_result *error)
{
    struct vtd_unit *unit = iommu_present() ? vtd_unit_for(segment, requester) : NULL;
    *error = IOMMU_ERROR_ABSENT;
    if (unit == NULL)
        return NULL;
    *error = IOMMU_ERROR_NO_MEMORY;
    volatile uint64_t *entry = context_entry(unit, requester, true);
    if (entry == NULL)
        return NULL;
    if (entry[0] & CONTEXT_PRESENT) {
        *error = IOMMU_ERROR_BUSY;
        return NULL;
    }
    struct iommu_domain *domain = kzalloc(sizeof *domain);
    uint64_t root = frame_alloc();
    uint16_t id = domain == NULL || root == 0 ? 0 : domain_id_take(unit);
    if (id == 0) {
        if (root != 0)
            frame_free(root);
        kfree(domain);
        return NULL;
    }
    vtd_table_sync(unit, phys_to_virt(root), FRAME_SIZE);
    *domain = (struct iommu_domain){ unit, segment, requester, id, unit->levels, root,
                                     1ull << (12 + 9 * unit->levels), 0 };
    uint64_t width = VTD_CAP_MGAW(unit->capability);
    if (width < 12 + 9 * unit->levels)
        domain->limit = 1ull << width;
    entry[1] = CONTEXT_ADDRESS_WIDTH(unit->levels) | (uint64_t)id << CONTEXT_DOMAIN_SHIFT;
    entry[0] = root | CONTEXT_PRESENT; /* TT 00: untranslated requests through the tables */
    vtd_table_sync(unit, entry, 16);
    vtd_invalidate_context(unit, id, requester);
    *error = IOMMU_OK;
    return domain;
}

static void tables_free(uint64_t table, unsigned level)
{
    uint64_t *entries = phys_to_virt(table);
    for (unsigned i = 0; level > 1 && i < TABLE_ENTRIES; i++) {
        if (entries[i] & (VTD_PTE_READ | VTD_PTE_WRITE))
            tables_free(entries[i] & VTD_PTE_ADDRESS, level - 1);
    }
    frame_free(table);
}

void iommu_domain_destroy(struct iommu_domain *domain)
{
    if (domain == NULL)
        return;
    struct vtd_unit *unit = domain->unit;
    volatile uint64_t *entry = context_entry(unit, domain->requester, false);
    entry[0] = 0; /* not present first: the device is blocked from here on */
    entry[1] = 0;
    vtd_table_sync(unit, entry, 16);
    vtd_invalidate_context(unit, domain->id, domain->requester);
    tables_free(domain->root, domain->levels);
    domain_id_give_back(unit, domain->id);
    kfree(domain);
}

uint32_t iommu_domain_id(const struct iommu_domain *domain)
{
    return domain->id;
}

uint64_t iommu_domain_limit(const struct iommu_domain *domain)
{
    return domain->limit;
}

static unsigned table_index(uint64_t iova, unsigned level)
{
    return (unsigned)(iova >> (12 + 9 * (level - 1))) & (TABLE_ENTRIES - 1);
}

/* The leaf entry of iova, creating missing tables when create; NULL when
 * absent (or out of memory while creating). */
static uint64_t *leaf_entry(struct iommu_domain *domain, uint64_t iova, bool create)
{
    uint64_t *table = phys_to_virt(domain->root);
    for (unsigned level = domain->levels; level > 1; level--) {
        uint64_t *entry = &table[table_index(iova, level)];
        if (!(*entry & (VTD_PTE_READ | VTD_PTE_WRITE))) {
            uint64_t next = create ? frame_alloc() : 0;
            if (next == 0)
                return NULL;
            vtd_table_sync(domain->unit, phys_to_virt(next), FRAME_SIZE);
            *entry = next | VTD_PTE_READ | VTD_PTE_WRITE; /* rights are decided at the leaf */
            vtd_table_sync(domain->unit, entry, 8);
        }
        table = phys_to_virt(*entry & VTD_PTE_ADDRESS);
    }
    return &table[table_index(iova, 1)];
}

uint64_t vtd_domain_entry(const struct iommu_domain *domain, uint64_t iova)
{
    const uint64_t *entry = leaf_entry((struct iommu_domain *)domain, iova, false);
    return entry != NULL ? *entry : 0;
}

static enum iommu_result range_check(const struct iommu_domain *domain, uint64_t iova,
                                     uint64_t pages)
{
    if ((iova & (FRAME_SIZE - 1)) != 0 || pages == 0 || pages > domain->limit / FRAME_SIZE ||
        iova > domain->limit - pages * FRAME_SIZE)
        return IOMMU_ERROR_RANGE;
    return IOMMU_OK;
}

enum iommu_result iommu_map(struct iommu_domain *domain, uint64_t iova, const uint64_t *phys,
                            uint64_t pages, bool device_write)
{
    enum iommu_result result = range_check(domain, iova, pages);
    for (uint64_t i = 0; result == IOMMU_OK && i < pages; i++) {
        if ((phys[i] & ~VTD_PTE_ADDRESS) != 0)
            result = IOMMU_ERROR_RANGE;
        else if (vtd_domain_entry(domain, iova + i * FRAME_SIZE) != 0)
            result = IOMMU_ERROR_MAPPED;
    }
    if (result != IOMMU_OK)
        return result;
    uint64_t rights = VTD_PTE_READ | (device_write ? VTD_PTE_WRITE : 0);
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t *entry = leaf_entry(domain, iova + i * FRAME_SIZE, true);
        if (entry == NULL) {
            iommu_unmap(domain, iova, i); /* all or nothing */
            return IOMMU_ERROR_NO_MEMORY;
        }
        *entry = phys[i] | rights;
        vtd_table_sync(domain->unit, entry, 8);
        domain->mapped_pages++;
    }
    /* Not-present entries are never cached (CAP.CM is 0, checked at
     * bring-up): a new mapping needs no invalidation. */
    return IOMMU_OK;
}

void iommu_unmap(struct iommu_domain *domain, uint64_t iova, uint64_t pages)
{
    bool changed = false;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t address = iova + i * FRAME_SIZE;
        if (address < iova || address >= domain->limit)
            break;
        uint64_t *entry = leaf_entry(domain, address, false);
        if (entry == NULL || *entry == 0)
            continue;
        *entry = 0;
        vtd_table_sync(domain->unit, entry, 8);
        domain->mapped_pages--;
        changed = true;
    }
    if (changed)
        vtd_invalidate_iotlb(domain->unit, domain->id);
}
