/* The kernel's copy of the boot information. The loader's struct bootinfo
 * and memory map live in BOOT_DATA pages; copying them into the kernel's own
 * .bss means nothing later depends on those pages staying untouched. */
#include "kernel/mm/memory.h"

#include "crypto/crypto.h"
#include "kernel/panic.h"

#define MEMORY_MAP_MAX 512

static struct bootinfo saved_bootinfo;
static struct boot_memory_region saved_map[MEMORY_MAP_MAX];
static uint32_t saved_map_count;

static void memory_copy(void *destination, const void *source, size_t size)
{
    uint8_t *d = destination;
    const uint8_t *s = source;
    for (size_t i = 0; i < size; i++)
        d[i] = s[i];
}

void memory_init(uint64_t bootinfo_phys)
{
    struct bootinfo *info = phys_to_virt(bootinfo_phys);
    if (info->magic != BOOTINFO_MAGIC || info->version != BOOTINFO_VERSION ||
        info->size != sizeof(struct bootinfo))
        panic("bootinfo at 0x%lx is invalid (magic 0x%lx version %u size %u)", bootinfo_phys,
              info->magic, info->version, info->size);
    memory_copy(&saved_bootinfo, info, sizeof(saved_bootinfo));
    /* The loader's RNG seed is a secret: one copy (ours) is enough. */
    crypto_wipe(info->rng_seed, sizeof info->rng_seed);
    if (saved_bootinfo.memory_region_count > MEMORY_MAP_MAX)
        panic("memory map has %u regions; the kernel keeps at most %d",
              saved_bootinfo.memory_region_count, MEMORY_MAP_MAX);
    saved_map_count = saved_bootinfo.memory_region_count;
    memory_copy(saved_map, phys_to_virt(saved_bootinfo.memory_map),
                saved_map_count * sizeof(struct boot_memory_region));
}

const struct bootinfo *boot_info(void)
{
    return &saved_bootinfo;
}

uint32_t boot_info_take_rng_seed(uint8_t seed[32])
{
    uint32_t size = saved_bootinfo.rng_seed_size == 32 ? 32 : 0;
    memory_copy(seed, saved_bootinfo.rng_seed, size);
    crypto_wipe(saved_bootinfo.rng_seed, sizeof saved_bootinfo.rng_seed);
    saved_bootinfo.rng_seed_size = 0;
    return size;
}

const struct boot_memory_region *memory_map(uint32_t *count)
{
    *count = saved_map_count;
    return saved_map;
}

void memory_for_each_owned_region(memory_region_fn fn, void *context)
{
    for (uint32_t i = 0; i < saved_map_count; i++) {
        const struct boot_memory_region *region = &saved_map[i];
        switch (region->type) {
        case BOOT_MEMORY_USABLE:
        case BOOT_MEMORY_BOOT_DATA:
        case BOOT_MEMORY_KERNEL:
        case BOOT_MEMORY_ACPI_RECLAIM:
            fn(region->base, region->pages, region->type, context);
            break;
        default:
            break;
        }
    }
}
