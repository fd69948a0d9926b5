/* The handoff: page tables, the boot-info structure, ExitBootServices and
 * the jump to the kernel (the contract is boot/bootinfo.h).
 *
 * Everything that needs memory is allocated before the final GetMemoryMap,
 * because any allocation after it changes the map key and makes
 * ExitBootServices fail. The final map is converted only after
 * ExitBootServices, into an array sized beforehand with room for the splits
 * the claims cause. Between the final GetMemoryMap and the jump nothing is
 * printed to the firmware console; after ExitBootServices only COM1 is. */
#include "boot/loader.h"

#include "boot/console.h"
#include "boot/page_table.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/io.h"

#define FOUR_GIB 0x100000000ULL
#define MAP_SLACK_DESCRIPTORS 64

struct handoff {
    struct bootinfo *info;
    struct boot_memory_region *regions;
    uint64_t region_capacity;
    uint8_t *efi_map;
    uint64_t efi_map_capacity; /* bytes */
    uint64_t descriptor_size;
    uint64_t stack_top; /* direct-map address */
    struct page_pool pool;
    struct page_tables tables;
};

static uint64_t align_down_2m(uint64_t value)
{
    return value & ~(PAGE_SIZE_2M - 1);
}

static uint64_t align_up_2m(uint64_t value)
{
    return align_down_2m(value + PAGE_SIZE_2M - 1);
}

static efi_status get_map(struct loader *loader, struct handoff *h, uint64_t *size,
                          uint64_t *key)
{
    uint32_t version;
    *size = h->efi_map_capacity;
    return loader->services->get_memory_map(size, (struct efi_memory_descriptor *)(void *)h->efi_map,
                                            key, &h->descriptor_size, &version);
}

/* Sizes and allocates the map buffer, the bootinfo + region array, and the
 * stack. */
static efi_status allocate_handoff_memory(struct loader *loader, struct handoff *h)
{
    uint64_t size = 0, key;
    uint32_t version;
    efi_status status = loader->services->get_memory_map(&size, 0, &key, &h->descriptor_size,
                                                         &version);
    if (status != EFI_BUFFER_TOO_SMALL || h->descriptor_size < EFI_DESCRIPTOR_MIN_SIZE)
        return loader_error("GetMemoryMap did not report its size", status);
    uint64_t descriptors = size / h->descriptor_size + MAP_SLACK_DESCRIPTORS;
    h->efi_map_capacity = descriptors * h->descriptor_size;
    status = loader_allocate(loader, h->efi_map_capacity, 0, &h->efi_map);
    if (status != EFI_SUCCESS)
        return loader_error("out of memory for the memory map", status);
    h->region_capacity = memory_map_capacity(descriptors, LOADER_MAX_CLAIMS);
    uint64_t info_bytes = (sizeof(struct bootinfo) + 63) & ~63ULL;
    uint8_t *block;
    status = loader_allocate(loader, info_bytes + h->region_capacity * sizeof(struct boot_memory_region),
                             BOOT_MEMORY_BOOT_DATA, &block);
    if (status != EFI_SUCCESS)
        return loader_error("out of memory for the boot info", status);
    h->info = (struct bootinfo *)(void *)block;
    h->regions = (struct boot_memory_region *)(void *)(block + info_bytes);
    uint8_t *stack;
    status = loader_allocate(loader, BOOT_STACK_SIZE - 1, BOOT_MEMORY_BOOT_DATA, &stack);
    if (status != EFI_SUCCESS)
        return loader_error("out of memory for the kernel stack", status);
    h->stack_top = BOOT_DIRECT_MAP_BASE + (uint64_t)(uintptr_t)stack + BOOT_STACK_SIZE;
    return EFI_SUCCESS;
}

/* The current map, converted, into h->regions: which physical ranges the
 * identity and direct maps must cover. */
static efi_status preview_regions(struct loader *loader, struct handoff *h, uint32_t *count)
{
    uint64_t size, key;
    efi_status status = get_map(loader, h, &size, &key);
    if (status != EFI_SUCCESS)
        return loader_error("GetMemoryMap failed", status);
    enum memory_map_result result =
        memory_map_build(bytes_make(h->efi_map, size), h->descriptor_size, loader->claims,
                         loader->claim_count, h->regions, h->region_capacity, count);
    if (result != MEMORY_MAP_OK) {
        console_write("loader: memory map: ");
        console_write(memory_map_result_message(result));
        console_write("\n");
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}

static efi_status allocate_page_pool(struct loader *loader, struct handoff *h, uint32_t count)
{
    /* The ranges, as the estimate wants them, overwrite the EFI map buffer
     * (at 16 of its >= 40 bytes per descriptor they fit). */
    uint64_t(*ranges)[2] = (uint64_t(*)[2])(void *)h->efi_map;
    ranges[0][0] = 0;
    ranges[0][1] = FOUR_GIB;
    for (uint32_t i = 0; i < count; i++) {
        ranges[i + 1][0] = align_down_2m(h->regions[i].base);
        ranges[i + 1][1] = align_up_2m(h->regions[i].base + h->regions[i].pages * BOOT_PAGE_SIZE);
    }
    uint64_t kernel_pages = (loader->kernel.image_end - loader->kernel.image_start) / BOOT_PAGE_SIZE;
    size_t pages = page_tables_estimate((const uint64_t(*)[2])ranges, count + 1, kernel_pages);
    uint8_t *pool;
    efi_status status = loader_allocate(loader, pages * BOOT_PAGE_SIZE - 1, BOOT_MEMORY_BOOT_DATA,
                                        &pool);
    if (status != EFI_SUCCESS)
        return loader_error("out of memory for page tables", status);
    h->pool = (struct page_pool){ pool, (uint64_t)(uintptr_t)pool, pages, 0 };
    return EFI_SUCCESS;
}

/* Identity and direct map of one 2 MiB-aligned physical range. */
static enum page_result map_physical(struct handoff *h, uint64_t start, uint64_t end)
{
    enum page_result r = page_map(&h->tables, start, start, end - start, PAGE_WRITE, PAGE_SIZE_2M);
    if (r == PAGE_OK)
        r = page_map(&h->tables, BOOT_DIRECT_MAP_BASE + start, start, end - start,
                     PAGE_WRITE | PAGE_NO_EXECUTE, PAGE_SIZE_2M);
    return r;
}

static enum page_result map_kernel(struct loader *loader, struct handoff *h)
{
    for (uint32_t i = 0; i < loader->kernel.segment_count; i++) {
        const struct elf_segment *s = &loader->kernel.segments[i];
        uint64_t start = s->virtual_address & ~(BOOT_PAGE_SIZE - 1);
        uint64_t end = (s->virtual_address + s->memory_size + BOOT_PAGE_SIZE - 1) &
                       ~(BOOT_PAGE_SIZE - 1);
        uint64_t flags = (s->flags & ELF_SEGMENT_WRITE ? PAGE_WRITE : 0) |
                         (s->flags & ELF_SEGMENT_EXECUTE ? 0 : PAGE_NO_EXECUTE);
        uint64_t physical = loader->kernel_physical + (start - loader->kernel.image_start);
        enum page_result r = page_map(&h->tables, start, physical, end - start, flags, PAGE_SIZE_4K);
        if (r != PAGE_OK)
            return r;
    }
    return PAGE_OK;
}

static efi_status build_page_tables(struct loader *loader, struct handoff *h, uint32_t count)
{
    const uint64_t(*ranges)[2] = (const uint64_t(*)[2])(void *)h->efi_map;
    enum page_result r = page_tables_init(&h->tables, &h->pool);
    for (uint32_t i = 0; i < count + 1 && r == PAGE_OK; i++)
        r = map_physical(h, ranges[i][0], ranges[i][1]);
    if (r == PAGE_OK)
        r = map_kernel(loader, h);
    if (r != PAGE_OK) {
        console_write("loader: page tables: ");
        console_write(page_result_message(r));
        console_write("\n");
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}

/* Walks the new tables for what the jump depends on, so a mistake shows up
 * as a message here instead of a silent triple fault after it. */
static efi_status check_page_tables(struct loader *loader, struct handoff *h)
{
    uint64_t physical, flags;
    uint64_t entry_physical = loader->kernel_physical + (loader->kernel.entry - loader->kernel.image_start);
    uint64_t here = (uint64_t)(uintptr_t)&check_page_tables;
    uint64_t stack_physical = h->stack_top - 8 - BOOT_DIRECT_MAP_BASE;
    if (page_translate(&h->tables, loader->kernel.entry, &physical, &flags) != PAGE_OK ||
        physical != entry_physical || (flags & PAGE_NO_EXECUTE) ||
        page_translate(&h->tables, h->stack_top - 8, &physical, &flags) != PAGE_OK ||
        physical != stack_physical || !(flags & PAGE_WRITE) ||
        page_translate(&h->tables, here, &physical, &flags) != PAGE_OK || physical != here ||
        (flags & PAGE_NO_EXECUTE)) {
        console_write("loader: page tables fail their own check\n");
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}

static void fill_bootinfo(struct loader *loader, struct handoff *h)
{
    struct bootinfo *info = h->info;
    info->magic = BOOTINFO_MAGIC;
    info->version = BOOTINFO_VERSION;
    info->size = sizeof *info;
    info->memory_map = (uint64_t)(uintptr_t)h->regions;
    info->framebuffer = loader->framebuffer;
    info->acpi_rsdp = loader->acpi_rsdp;
    info->kernel_physical_base = loader->kernel_physical;
    info->kernel_pages = (loader->kernel.image_end - loader->kernel.image_start) / BOOT_PAGE_SIZE;
    info->kernel_file = (uint64_t)(uintptr_t)loader->kernel_file.data;
    info->kernel_file_size = loader->kernel_file.size;
    info->bundle = (uint64_t)(uintptr_t)loader->bundle_file.data;
    info->bundle_size = loader->bundle_file.size;
    info->measurement_count = loader->measurement_count;
    __builtin_memcpy(info->measurements, loader->measurements, sizeof info->measurements);
    info->rng_seed_size = loader->rng_seed_size;
    __builtin_memcpy(info->rng_seed, loader->rng_seed, sizeof info->rng_seed);
    info->loader_tsc = loader->start_tsc;
    info->command_line_size = (uint32_t)loader->command_line_file.size;
    if (loader->command_line_file.size != 0)
        __builtin_memcpy(info->command_line, loader->command_line_file.data,
                         loader->command_line_file.size);
}

/* The final map and ExitBootServices, retried once with a fresh map if the
 * firmware changed the map in between (EFI_INVALID_PARAMETER). */
static efi_status exit_boot_services(struct loader *loader, struct handoff *h, uint64_t *map_size)
{
    uint64_t key;
    efi_status status = EFI_INVALID_PARAMETER;
    for (int attempt = 0; attempt < 2 && status == EFI_INVALID_PARAMETER; attempt++) {
        status = get_map(loader, h, map_size, &key);
        if (status != EFI_SUCCESS)
            return status;
        status = loader->services->exit_boot_services(loader->image, key);
    }
    return status;
}

__attribute__((noreturn)) static void enter_kernel(uint64_t cr3, uint64_t stack_top,
                                                   uint64_t entry, uint64_t bootinfo)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    write_cr0(read_cr0() | CR0_WP);
    __asm__ volatile("cli\n\t"
                     "mov %0, %%cr3\n\t"
                     "mov %1, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "jmp *%2"
                     :
                     : "r"(cr3), "r"(stack_top), "r"(entry), "D"(bootinfo)
                     : "memory");
    __builtin_unreachable();
}

/* After ExitBootServices: convert the final map and jump. Halts on error. */
__attribute__((noreturn)) static void finish(struct loader *loader, struct handoff *h,
                                             uint64_t map_size)
{
    /* No firmware interrupt handler may run from here on: the firmware is
     * gone and its handlers may sit in memory the kernel will reuse. */
    interrupts_disable();
    console_detach();
    uint32_t count;
    enum memory_map_result result =
        memory_map_build(bytes_make(h->efi_map, map_size), h->descriptor_size, loader->claims,
                         loader->claim_count, h->regions, h->region_capacity, &count);
    if (result != MEMORY_MAP_OK) {
        console_write("loader: final memory map: ");
        console_write(memory_map_result_message(result));
        console_write("; halting\n");
        cpu_halt_forever();
    }
    h->info->memory_region_count = count;
    console_write("loader: boot services exited, ");
    console_write_decimal(count);
    console_write(" memory regions; entering the kernel\n");
    /* Under QEMU -icount shift=0 the TSC counts instructions: these two
     * figures time the firmware and the loader (make bench-boot). */
    console_write("loader: tsc at start ");
    console_write_decimal(loader->start_tsc);
    console_write(", at handoff ");
    console_write_decimal(rdtsc());
    console_write("\n");
    enter_kernel(h->tables.root, h->stack_top, loader->kernel.entry,
                 (uint64_t)(uintptr_t)h->info);
}

efi_status handoff_start_kernel(struct loader *loader)
{
    static struct handoff h;
    uint32_t count = 0;
    uint64_t map_size = 0;
    if (loader->framebuffer.format != BOOT_PIXEL_NONE && loader->claim_count < LOADER_MAX_CLAIMS)
        loader->claims[loader->claim_count++] = (struct memory_claim){
            loader->framebuffer.base, loader->framebuffer.size, BOOT_MEMORY_FRAMEBUFFER
        };
    efi_status status = allocate_handoff_memory(loader, &h);
    if (status == EFI_SUCCESS)
        status = preview_regions(loader, &h, &count);
    if (status == EFI_SUCCESS)
        status = allocate_page_pool(loader, &h, count);
    if (status == EFI_SUCCESS)
        status = build_page_tables(loader, &h, count);
    if (status == EFI_SUCCESS)
        status = check_page_tables(loader, &h);
    if (status != EFI_SUCCESS)
        return status;
    fill_bootinfo(loader, &h);
    console_write("loader: page tables ready (");
    console_write_decimal(h.pool.used);
    console_write(" pages); exiting boot services\n");
    status = exit_boot_services(loader, &h, &map_size);
    if (status != EFI_SUCCESS)
        return loader_error("ExitBootServices failed", status);
    finish(loader, &h, map_size);
}
