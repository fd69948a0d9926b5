/* The NØNOS UEFI loader, BOOTX64.EFI: the first link of the chain of trust.
 *
 * It reads \NONOS\KERNEL.ELF and \NONOS\BUNDLE.BIN from its own partition,
 * hashes both with SHA-256 and compares them with the digests built into it
 * (boot/digests.h). Anything that does not match, or a kernel ELF that fails
 * the checks of boot/elf_check.h, is refused: the loader says what and why on
 * screen and serial, waits for a key (at most LOADER_REFUSAL_SECONDS) and
 * powers the machine off. Nothing unverified ever runs. On success it hands
 * over to handoff.c, which exits boot services and jumps to the kernel. */
#include "boot/loader.h"

#include "boot/console.h"
#include "boot/digests.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/io.h"
#include "crypto/crypto.h"
#include "crypto/sha256.h"

#define LOADER_REFUSAL_SECONDS 60
#define KERNEL_MAX_FILE_SIZE (64ULL * 1024 * 1024)
#define BUNDLE_MAX_FILE_SIZE (256ULL * 1024 * 1024)

static const struct efi_guid graphics_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
static const struct efi_guid rng_guid = EFI_RNG_PROTOCOL_GUID;
static const struct efi_guid acpi20_guid = EFI_ACPI_20_TABLE_GUID;

void loader_print_error(const char *what, efi_status status)
{
    console_write("loader: error: ");
    console_write(what);
    console_write(" (EFI status ");
    console_write_hex(status);
    console_write(")\n");
}

efi_status loader_allocate(struct loader *loader, uint64_t bytes, uint32_t claim_type,
                           uint8_t **memory)
{
    uint64_t pages = bytes / BOOT_PAGE_SIZE + 1;
    efi_physical_address address = 0;
    if (claim_type != 0 && loader->claim_count == LOADER_MAX_CLAIMS)
        return EFI_OUT_OF_RESOURCES;
    efi_status status = loader->services->allocate_pages(EFI_ALLOCATE_ANY_PAGES, EFI_LOADER_DATA,
                                                         pages, &address);
    if (status != EFI_SUCCESS)
        return status;
    *memory = (uint8_t *)(uintptr_t)address;
    __builtin_memset(*memory, 0, pages * BOOT_PAGE_SIZE);
    if (claim_type != 0)
        loader->claims[loader->claim_count++] =
            (struct memory_claim){ address, pages * BOOT_PAGE_SIZE, claim_type };
    return EFI_SUCCESS;
}

/* Says why, waits for a key or the timeout, and powers off. Never returns. */
__attribute__((noreturn)) static void refuse(struct loader *loader, const char *reason)
{
    console_write("loader: REFUSED: ");
    console_write(reason);
    console_write("\nloader: refusing to start an unverified or invalid system.\n");
    console_write("loader: press a key to power off (automatic in 60 s).\n");
    struct efi_simple_text_input *input = loader->system->con_in;
    struct efi_input_key key;
    for (int tick = 0; tick < LOADER_REFUSAL_SECONDS * 10; tick++) {
        if (input && input->read_key_stroke(input, &key) == EFI_SUCCESS)
            break;
        loader->services->stall(100000);
    }
    console_write("loader: powering off\n");
    loader->system->runtime_services->reset_system(EFI_RESET_SHUTDOWN, EFI_SUCCESS, 0, 0);
    cpu_halt_forever();
    __builtin_unreachable();
}

static void measure(struct loader *loader, const char *name, const struct loaded_file *file,
                    const uint8_t digest[32])
{
    struct boot_measurement *m = &loader->measurements[loader->measurement_count++];
    for (int i = 0; i < BOOT_MEASUREMENT_NAME_SIZE - 1 && name[i]; i++)
        m->name[i] = name[i];
    m->size = file->size;
    __builtin_memcpy(m->sha256, digest, 32);
}

/* One verified part of the boot: where it is, its size limit, the digest
 * built into the loader, and what a refusal says. */
struct part {
    const char *name;
    const efi_char16 *path;
    uint64_t max_size;
    const uint8_t *expected;
    const char *unreadable;
    const char *mismatch;
};

static const struct part kernel_part = {
    "kernel", u"\\NONOS\\KERNEL.ELF", KERNEL_MAX_FILE_SIZE, boot_expected_kernel_sha256,
    "cannot read the kernel", "kernel digest mismatch",
};
static const struct part bundle_part = {
    "bundle", u"\\NONOS\\BUNDLE.BIN", BUNDLE_MAX_FILE_SIZE, boot_expected_bundle_sha256,
    "cannot read the bundle", "bundle digest mismatch",
};

/* Measured, not verified: expected is NULL (read_command_line). */
static const struct part command_line_part = {
    "cmdline", u"\\NONOS\\CMDLINE", BOOT_COMMAND_LINE_MAX - 1, NULL,
    "cannot read \\NONOS\\CMDLINE (at most 255 bytes)", "",
};

static void report_mismatch(const struct part *part, const uint8_t actual[32])
{
    console_write("loader: SECURITY: the ");
    console_write(part->name);
    console_write(" does not match the digest built into this loader\n");
    console_write("loader:   expected sha256 ");
    console_write_digest(part->expected);
    console_write("\nloader:   actual   sha256 ");
    console_write_digest(actual);
    console_write("\n");
}

/* Reads one part, hashes it and compares it with the built-in digest. */
static void verify_part(struct loader *loader, const struct part *part, struct loaded_file *file)
{
    uint8_t actual[32];
    if (files_read(loader, part->path, part->max_size, file) != EFI_SUCCESS)
        refuse(loader, part->unreadable);
    sha256(file->data, file->size, actual);
    console_write("loader: ");
    console_write(part->name);
    console_write(": ");
    console_write_decimal(file->size);
    console_write(" bytes, sha256 ");
    console_write_digest(actual);
    console_write("\n");
    if (!crypto_equal(actual, part->expected, 32)) {
        report_mismatch(part, actual);
        refuse(loader, part->mismatch);
    }
    console_write("loader: ");
    console_write(part->name);
    console_write(" verified\n");
    measure(loader, part->name, file, actual);
}

/* The optional boot command line \NONOS\CMDLINE (docs/boot.md): not
 * checked against a built-in digest (the operator writes it), but measured
 * like the other boot files, so the measurement log shows what was used.
 * Larger than BOOT_COMMAND_LINE_MAX - 1 bytes: refused. */
static void read_command_line(struct loader *loader)
{
    struct loaded_file *file = &loader->command_line_file;
    efi_status status = files_read_optional(loader, command_line_part.path,
                                            command_line_part.max_size, file);
    if (status == EFI_NOT_FOUND) {
        *file = (struct loaded_file){ 0 };
        return;
    }
    if (status != EFI_SUCCESS)
        refuse(loader, command_line_part.unreadable);
    uint8_t digest[32];
    sha256(file->data, file->size, digest);
    console_write("loader: cmdline: ");
    console_write_decimal(file->size);
    console_write(" bytes, sha256 ");
    console_write_digest(digest);
    console_write(" (measured)\n");
    measure(loader, command_line_part.name, file, digest);
}

static void load_kernel(struct loader *loader)
{
    struct bytes file = bytes_make(loader->kernel_file.data, loader->kernel_file.size);
    enum elf_result result = elf_check(file, &loader->kernel);
    if (result != ELF_OK) {
        console_write("loader: kernel ELF rejected: ");
        console_write(elf_result_message(result));
        console_write("\n");
        refuse(loader, "invalid kernel ELF");
    }
    uint64_t span = loader->kernel.image_end - loader->kernel.image_start;
    uint8_t *memory;
    if (loader_allocate(loader, span, BOOT_MEMORY_KERNEL, &memory) != EFI_SUCCESS)
        refuse(loader, "out of memory for the kernel image");
    /* loader_allocate adds a page; claim exactly the image. */
    loader->claims[loader->claim_count - 1].bytes = span;
    if (elf_load(&loader->kernel, file, memory, span) != ELF_OK)
        refuse(loader, "kernel image does not fit");
    loader->kernel_physical = (uint64_t)(uintptr_t)memory;
    console_write("loader: kernel loaded at physical ");
    console_write_hex(loader->kernel_physical);
    console_write(", entry ");
    console_write_hex(loader->kernel.entry);
    console_write("\n");
}

static void find_framebuffer(struct loader *loader)
{
    struct efi_graphics_output *graphics;
    if (loader->services->locate_protocol(&graphics_guid, 0, (void **)&graphics) != EFI_SUCCESS ||
        !graphics->mode || !graphics->mode->info)
        return;
    const struct efi_graphics_output_mode_information *info = graphics->mode->info;
    uint32_t format = info->pixel_format == EFI_PIXEL_RED_GREEN_BLUE_RESERVED_8BIT ? BOOT_PIXEL_RGBX
                      : info->pixel_format == EFI_PIXEL_BLUE_GREEN_RED_RESERVED_8BIT
                          ? BOOT_PIXEL_BGRX
                          : BOOT_PIXEL_NONE;
    if (format == BOOT_PIXEL_NONE || graphics->mode->frame_buffer_base == 0)
        return;
    loader->framebuffer = (struct boot_framebuffer){
        graphics->mode->frame_buffer_base, graphics->mode->frame_buffer_size,
        info->horizontal_resolution,       info->vertical_resolution,
        info->pixels_per_scan_line,        format,
    };
}

static void find_platform(struct loader *loader)
{
    find_framebuffer(loader);
    const struct efi_configuration_table *tables = loader->system->configuration_table;
    for (uint64_t i = 0; i < loader->system->number_of_table_entries; i++) {
        if (__builtin_memcmp(&tables[i].vendor_guid, &acpi20_guid, sizeof acpi20_guid) == 0)
            loader->acpi_rsdp = (uint64_t)(uintptr_t)tables[i].vendor_table;
    }
    struct efi_rng *rng;
    if (loader->services->locate_protocol(&rng_guid, 0, (void **)&rng) == EFI_SUCCESS &&
        rng->get_rng(rng, 0, sizeof loader->rng_seed, loader->rng_seed) == EFI_SUCCESS)
        loader->rng_seed_size = sizeof loader->rng_seed;
    console_write("loader: framebuffer ");
    console_write_decimal(loader->framebuffer.width);
    console_write("x");
    console_write_decimal(loader->framebuffer.height);
    console_write(", ACPI RSDP ");
    console_write_hex(loader->acpi_rsdp);
    console_write(loader->rng_seed_size ? ", RNG seed from firmware\n" : ", no firmware RNG\n");
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system)
{
    static struct loader loader;
    loader.start_tsc = rdtsc();
    loader.image = image;
    loader.system = system;
    loader.services = system->boot_services;
    console_init(system);
    console_write("\nNONOS loader: verifying the kernel and the boot bundle\n");
    /* The firmware's 5-minute watchdog must not fire under a slow emulator. */
    loader.services->set_watchdog_timer(0, 0, 0, 0);
    if (read_cr4() & CR4_LA57)
        refuse(&loader, "5-level paging is active; the kernel expects 4-level");
    verify_part(&loader, &kernel_part, &loader.kernel_file);
    verify_part(&loader, &bundle_part, &loader.bundle_file);
    read_command_line(&loader);
    load_kernel(&loader);
    find_platform(&loader);
    (void)handoff_start_kernel(&loader); /* returns only on failure */
    refuse(&loader, "could not hand over to the kernel");
}
