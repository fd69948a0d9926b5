/* Turning the UEFI memory map into the kernel's simplified one (see
 * memory_map.h).
 *
 * The algorithm is a sweep over the boundaries of all ranges: from the lowest
 * base it repeatedly finds the next boundary above the cursor and the type
 * that wins on [cursor, boundary). That needs no scratch memory (it runs
 * after ExitBootServices, when nothing can be allocated) and is O(n^2) for n
 * ranges: a few hundred on real machines, so well under a millisecond. */
#include "boot/memory_map.h"

#include <stdbool.h>

#include "base/checked.h"
#include "base/endian.h"

enum { TYPE_NONE = 0 };

static const char *const memory_map_messages[] = {
    [MEMORY_MAP_OK] = "ok",
    [MEMORY_MAP_ERR_DESCRIPTOR_SIZE] = "bad memory descriptor size",
    [MEMORY_MAP_ERR_UNALIGNED] = "memory descriptor not page aligned",
    [MEMORY_MAP_ERR_WRAPS] = "memory range wraps past the end of the address space",
    [MEMORY_MAP_ERR_FULL] = "too many memory regions for the output",
    [MEMORY_MAP_ERR_TOO_LARGE] = "too many memory descriptors",
};

const char *memory_map_result_message(enum memory_map_result result)
{
    if ((size_t)result < sizeof memory_map_messages / sizeof memory_map_messages[0])
        return memory_map_messages[result];
    return "unknown memory map result";
}

uint32_t memory_map_efi_type(uint32_t efi_type)
{
    switch (efi_type) {
    case 1: /* EfiLoaderCode: the loader is done with it at handoff */
    case 2: /* EfiLoaderData: what the loader keeps is claimed separately */
    case 3: /* EfiBootServicesCode */
    case 4: /* EfiBootServicesData */
    case 7: /* EfiConventionalMemory */
        return BOOT_MEMORY_USABLE;
    case 5: /* EfiRuntimeServicesCode */
    case 6: /* EfiRuntimeServicesData */
        return BOOT_MEMORY_RUNTIME;
    case 9: /* EfiACPIReclaimMemory */
        return BOOT_MEMORY_ACPI_RECLAIM;
    case 10: /* EfiACPIMemoryNVS */
        return BOOT_MEMORY_ACPI_NVS;
    default: /* reserved, unusable, MMIO, PAL code, persistent (ZeroState:
              * never written), unaccepted, vendor types */
        return BOOT_MEMORY_RESERVED;
    }
}

/* Higher wins where firmware ranges overlap: the most restrictive type. */
static int firmware_rank(uint32_t type)
{
    switch (type) {
    case BOOT_MEMORY_USABLE: return 1;
    case BOOT_MEMORY_ACPI_RECLAIM: return 2;
    case BOOT_MEMORY_RUNTIME: return 3;
    case BOOT_MEMORY_ACPI_NVS: return 4;
    default: return 5;
    }
}

struct range {
    uint64_t base, end; /* [base, end), page aligned */
    uint32_t type;
    bool claimed;
};

struct sources {
    struct bytes efi_map;
    size_t descriptor_size;
    size_t descriptor_count;
    const struct memory_claim *claims;
    size_t claim_count;
};

/* Range i of all sources: descriptors first, then claims. Zero-size ranges
 * come back with base == end and take no part in the sweep. */
static struct range range_at(const struct sources *s, size_t i)
{
    struct range r = { 0, 0, TYPE_NONE, false };
    if (i < s->descriptor_count) {
        const uint8_t *d = s->efi_map.data + i * s->descriptor_size;
        r.base = load64_le(d + 8);
        r.end = r.base + load64_le(d + 24) * BOOT_PAGE_SIZE; /* checked in validate */
        r.type = memory_map_efi_type(load32_le(d));
    } else {
        const struct memory_claim *c = &s->claims[i - s->descriptor_count];
        r.base = c->base & ~(BOOT_PAGE_SIZE - 1);
        r.end = r.base + ((c->base - r.base + c->bytes + BOOT_PAGE_SIZE - 1) &
                          ~(BOOT_PAGE_SIZE - 1));
        r.type = c->type;
        r.claimed = true;
    }
    return r;
}

static enum memory_map_result validate_descriptor(const uint8_t *d)
{
    uint64_t base = load64_le(d + 8), bytes, end;
    if (base & (BOOT_PAGE_SIZE - 1))
        return MEMORY_MAP_ERR_UNALIGNED;
    if (!u64_mul(load64_le(d + 24), BOOT_PAGE_SIZE, &bytes) || !u64_add(base, bytes, &end))
        return MEMORY_MAP_ERR_WRAPS;
    return MEMORY_MAP_OK;
}

static enum memory_map_result validate_claim(const struct memory_claim *c)
{
    uint64_t end;
    if (!u64_add(c->base, c->bytes, &end) || !u64_add(end, BOOT_PAGE_SIZE - 1, &end))
        return MEMORY_MAP_ERR_WRAPS;
    return MEMORY_MAP_OK;
}

static enum memory_map_result validate(const struct sources *s)
{
    for (size_t i = 0; i < s->descriptor_count; i++) {
        enum memory_map_result r = validate_descriptor(s->efi_map.data + i * s->descriptor_size);
        if (r != MEMORY_MAP_OK)
            return r;
    }
    for (size_t i = 0; i < s->claim_count; i++) {
        enum memory_map_result r = validate_claim(&s->claims[i]);
        if (r != MEMORY_MAP_OK)
            return r;
    }
    return MEMORY_MAP_OK;
}

/* The winning type at address `at` and the next boundary above it (0 when
 * there is none). */
static uint32_t type_at(const struct sources *s, uint64_t at, uint64_t *next)
{
    uint32_t firmware = TYPE_NONE, claimed = TYPE_NONE;
    *next = 0;
    for (size_t i = 0; i < s->descriptor_count + s->claim_count; i++) {
        struct range r = range_at(s, i);
        if (r.base == r.end)
            continue;
        if (r.base > at && (*next == 0 || r.base < *next))
            *next = r.base;
        if (r.end > at && (*next == 0 || r.end < *next))
            *next = r.end;
        if (r.base > at || r.end <= at)
            continue;
        if (r.claimed && r.type > claimed)
            claimed = r.type;
        else if (!r.claimed && (firmware == TYPE_NONE || firmware_rank(r.type) > firmware_rank(firmware)))
            firmware = r.type;
    }
    return claimed != TYPE_NONE ? claimed : firmware;
}

static enum memory_map_result emit(struct boot_memory_region *out, size_t capacity,
                                   uint32_t *count, uint64_t base, uint64_t end, uint32_t type)
{
    if (*count > 0) {
        struct boot_memory_region *last = &out[*count - 1];
        if (last->type == type && last->base + last->pages * BOOT_PAGE_SIZE == base) {
            last->pages += (end - base) / BOOT_PAGE_SIZE;
            return MEMORY_MAP_OK;
        }
    }
    if (*count == capacity)
        return MEMORY_MAP_ERR_FULL;
    out[*count] = (struct boot_memory_region){ base, (end - base) / BOOT_PAGE_SIZE, type, 0 };
    (*count)++;
    return MEMORY_MAP_OK;
}

static enum memory_map_result sweep(const struct sources *s, struct boot_memory_region *out,
                                    size_t capacity, uint32_t *count)
{
    bool found = false;
    uint64_t cursor = 0, next;
    for (size_t i = 0; i < s->descriptor_count + s->claim_count; i++) {
        struct range r = range_at(s, i);
        if (r.base != r.end && (!found || r.base < cursor)) {
            cursor = r.base;
            found = true;
        }
    }
    while (found) {
        uint32_t type = type_at(s, cursor, &next);
        if (next == 0)
            break;
        if (type != TYPE_NONE) {
            enum memory_map_result r = emit(out, capacity, count, cursor, next, type);
            if (r != MEMORY_MAP_OK)
                return r;
        }
        cursor = next;
    }
    return MEMORY_MAP_OK;
}

enum memory_map_result memory_map_build(struct bytes efi_map, size_t descriptor_size,
                                        const struct memory_claim *claims, size_t claim_count,
                                        struct boot_memory_region *out, size_t capacity,
                                        uint32_t *count)
{
    *count = 0;
    if (descriptor_size < EFI_DESCRIPTOR_MIN_SIZE || efi_map.len % descriptor_size != 0)
        return MEMORY_MAP_ERR_DESCRIPTOR_SIZE;
    struct sources s = { efi_map, descriptor_size, efi_map.len / descriptor_size, claims,
                         claim_count };
    if (s.descriptor_count > MEMORY_MAP_MAX_DESCRIPTORS ||
        claim_count > MEMORY_MAP_MAX_DESCRIPTORS)
        return MEMORY_MAP_ERR_TOO_LARGE;
    enum memory_map_result r = validate(&s);
    if (r == MEMORY_MAP_OK)
        r = sweep(&s, out, capacity, count);
    if (r != MEMORY_MAP_OK)
        *count = 0;
    return r;
}
