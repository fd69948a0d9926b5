/* The loader test's fake kernel: a tiny higher-half ELF that checks, from the
 * receiving side, everything boot/bootinfo.h promises, prints one
 * "fake-kernel: PASS|FAIL <check>" line per check and "kernel alive" on COM1,
 * and ends QEMU through isa-debug-exit (port 0xf4): value 0x10 when every
 * check passed (QEMU exit status 33), 0x11 otherwise (35).
 * It only reads the handoff state; nothing here is used by the real kernel. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/bootinfo.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/io.h"
#include "crypto/sha256.h"

#define PAGE_PRESENT 0x1ULL
#define PAGE_WRITE 0x2ULL
#define PAGE_LARGE 0x80ULL
#define PAGE_NO_EXECUTE (1ULL << 63)
#define ADDRESS_MASK 0x000ffffffffff000ULL

void fake_kernel_main(uint64_t bootinfo_physical, uint64_t entry_rsp);

__asm__(".section .text.start, \"ax\"\n"
        ".global _start\n"
        "_start:\n"
        "    mov %rsp, %rsi\n"
        "    call fake_kernel_main\n"
        "1:  hlt\n"
        "    jmp 1b\n"
        ".previous\n");

static const char rodata_probe[] = "read-only";
static uint64_t data_probe = 1;
static int failures;

static void serial_put(char c)
{
    for (int spin = 0; spin < 100000 && !(port_read8(0x3f8 + 5) & 0x20); spin++)
        ;
    port_write8(0x3f8, (uint8_t)c);
}

static void say(const char *text)
{
    for (; *text; text++) {
        if (*text == '\n')
            serial_put('\r');
        serial_put(*text);
    }
}

static void check(bool ok, const char *name)
{
    say(ok ? "fake-kernel: PASS " : "fake-kernel: FAIL ");
    say(name);
    say("\n");
    if (!ok)
        failures++;
}

/* Effective flags of a virtual address in the current (loader) tables. */
static uint64_t walk(uint64_t virtual_address, uint64_t *physical)
{
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    uint64_t table = cr3 & ADDRESS_MASK, writable = PAGE_WRITE, no_execute = 0;
    for (int level = 3; level >= 0; level--) {
        uint64_t entry = ((const uint64_t *)table)[(virtual_address >> (12 + 9 * level)) & 511];
        if (!(entry & PAGE_PRESENT))
            return 0;
        writable &= entry;
        no_execute |= entry & PAGE_NO_EXECUTE;
        if (level == 0 || (level == 1 && (entry & PAGE_LARGE))) {
            uint64_t mask = level == 0 ? 0xfff : 0x1fffff;
            *physical = (entry & ADDRESS_MASK & ~mask) | (virtual_address & mask);
            return PAGE_PRESENT | writable | no_execute;
        }
        table = entry & ADDRESS_MASK;
    }
    return 0;
}

static const struct boot_memory_region *region_of(const struct bootinfo *info, uint64_t address)
{
    const struct boot_memory_region *map = (const void *)info->memory_map;
    for (uint32_t i = 0; i < info->memory_region_count; i++) {
        if (address >= map[i].base && address - map[i].base < map[i].pages * BOOT_PAGE_SIZE)
            return &map[i];
    }
    return NULL;
}

static bool map_well_formed(const struct bootinfo *info, uint64_t *usable)
{
    const struct boot_memory_region *map = (const void *)info->memory_map;
    *usable = 0;
    for (uint32_t i = 0; i < info->memory_region_count; i++) {
        const struct boot_memory_region *r = &map[i];
        if ((r->base & 0xfff) || r->pages == 0 || r->type < 1 || r->type > 8)
            return false;
        if (i > 0) {
            uint64_t previous_end = map[i - 1].base + map[i - 1].pages * BOOT_PAGE_SIZE;
            if (r->base < previous_end || (r->base == previous_end && r->type == map[i - 1].type))
                return false;
        }
        if (r->type == BOOT_MEMORY_USABLE)
            *usable += r->pages * BOOT_PAGE_SIZE;
    }
    return info->memory_region_count > 0;
}

static bool has_type(const struct bootinfo *info, uint64_t address, uint32_t type)
{
    const struct boot_memory_region *r = region_of(info, address);
    return r && r->type == type;
}

static bool measurement_matches(const struct boot_measurement *m, const char *name,
                                uint64_t address, uint64_t size)
{
    uint8_t digest[32];
    for (int i = 0; name[i] || m->name[i]; i++) {
        if (name[i] != m->name[i])
            return false;
    }
    sha256((const uint8_t *)address, size, digest);
    for (int i = 0; i < 32; i++) {
        if (digest[i] != m->sha256[i])
            return false;
    }
    return m->size == size;
}

static void check_memory(const struct bootinfo *info, uint64_t bootinfo_physical, uint64_t rsp)
{
    uint64_t usable;
    check(map_well_formed(info, &usable), "memory map sorted, aligned, merged, no overlap");
    check(usable >= 256ULL << 20, "at least 256 MiB usable");
    check(has_type(info, info->kernel_physical_base, BOOT_MEMORY_KERNEL) &&
              has_type(info, info->kernel_physical_base + info->kernel_pages * 4096 - 1,
                       BOOT_MEMORY_KERNEL),
          "kernel image reported as KERNEL");
    check(has_type(info, bootinfo_physical, BOOT_MEMORY_BOOT_DATA) &&
              has_type(info, info->memory_map, BOOT_MEMORY_BOOT_DATA) &&
              has_type(info, rsp - BOOT_DIRECT_MAP_BASE - 1, BOOT_MEMORY_BOOT_DATA) &&
              has_type(info, info->kernel_file, BOOT_MEMORY_BOOT_DATA) &&
              has_type(info, info->bundle, BOOT_MEMORY_BOOT_DATA),
          "bootinfo, map, stack, files reported as BOOT_DATA");
    check(info->framebuffer.format == BOOT_PIXEL_NONE ||
              has_type(info, info->framebuffer.base, BOOT_MEMORY_FRAMEBUFFER),
          "framebuffer reported as FRAMEBUFFER");
}

static void check_paging(const struct bootinfo *info, uint64_t bootinfo_physical)
{
    uint64_t physical = 0, flags;
    flags = walk((uint64_t)&fake_kernel_main, &physical);
    check((flags & PAGE_PRESENT) && !(flags & PAGE_WRITE) && !(flags & PAGE_NO_EXECUTE) &&
              physical >= info->kernel_physical_base,
          "text mapped read-only and executable");
    flags = walk((uint64_t)rodata_probe, &physical);
    check((flags & PAGE_PRESENT) && !(flags & PAGE_WRITE) && (flags & PAGE_NO_EXECUTE),
          "rodata mapped read-only and no-execute");
    flags = walk((uint64_t)&data_probe, &physical);
    check((flags & PAGE_PRESENT) && (flags & PAGE_WRITE) && (flags & PAGE_NO_EXECUTE) &&
              data_probe == 1,
          "data mapped writable and no-execute, initialized");
    flags = walk(BOOT_DIRECT_MAP_BASE + bootinfo_physical, &physical);
    check(physical == bootinfo_physical && (flags & PAGE_NO_EXECUTE) &&
              ((const struct bootinfo *)(BOOT_DIRECT_MAP_BASE + bootinfo_physical))->magic ==
                  BOOTINFO_MAGIC,
          "direct map reaches the bootinfo, no-execute");
    check((read_cr0() & CR0_WP) && (rdmsr(MSR_EFER) & EFER_NXE),
          "CR0.WP and EFER.NXE set");
}

void fake_kernel_main(uint64_t bootinfo_physical, uint64_t entry_rsp)
{
    const struct bootinfo *info = (const struct bootinfo *)bootinfo_physical;
    say("kernel alive (fake kernel of the loader test)\n");
    check(info->magic == BOOTINFO_MAGIC && info->version == BOOTINFO_VERSION &&
              info->size == sizeof *info,
          "bootinfo magic, version, size");
    check(entry_rsp >= BOOT_DIRECT_MAP_BASE && entry_rsp % 16 == 0, "stack in direct map, aligned");
    uint64_t flags;
    __asm__ volatile("pushfq; pop %0" : "=r"(flags));
    check(!(flags & 0x200), "interrupts disabled");
    check_memory(info, bootinfo_physical, entry_rsp);
    check_paging(info, bootinfo_physical);
    /* With \NONOS\CMDLINE: a third entry, the bytes handed over in bootinfo. */
    bool command_line = info->command_line_size != 0;
    check(info->measurement_count == (command_line ? 3u : 2u) &&
              measurement_matches(&info->measurements[0], "kernel", info->kernel_file,
                                  info->kernel_file_size) &&
              measurement_matches(&info->measurements[1], "bundle", info->bundle,
                                  info->bundle_size) &&
              (!command_line ||
               (info->command_line_size < BOOT_COMMAND_LINE_MAX &&
                measurement_matches(&info->measurements[2], "cmdline",
                                    (uint64_t)(uintptr_t)info->command_line,
                                    info->command_line_size))),
          "measurements match the files in memory");
    say(command_line ? "fake-kernel: command line present\n" : "fake-kernel: no command line\n");
    check(info->acpi_rsdp != 0 && ((const char *)info->acpi_rsdp)[0] == 'R' &&
              ((const char *)info->acpi_rsdp)[1] == 'S' && ((const char *)info->acpi_rsdp)[2] == 'D',
          "ACPI RSDP found");
    bool seed_ok = info->rng_seed_size == 0;
    for (uint32_t i = 0; info->rng_seed_size == 32 && i < 32; i++)
        seed_ok |= info->rng_seed[i] != 0;
    say(info->rng_seed_size ? "fake-kernel: rng seed present\n" : "fake-kernel: no rng seed\n");
    check(seed_ok, "rng seed absent, or 32 bytes not all zero");
    check(info->loader_tsc != 0 && info->loader_tsc < rdtsc(), "loader TSC recorded");
    say(failures == 0 ? "fake-kernel: all checks passed\n" : "fake-kernel: checks failed\n");
    port_write8(0xf4, failures == 0 ? 0x10 : 0x11);
    cpu_halt_forever();
}
