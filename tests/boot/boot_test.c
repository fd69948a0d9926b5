/* Host unit tests of the loader's portable parts (suite 15-boot-elf), under
 * ASan + UBSan:
 *   - the ELF checker against the malformed-ELF corpus, each file with the
 *     exact error listed in EXPECTED, and against real kernel ELF files;
 *   - elf_load (copy, bss zeroing, short destination);
 *   - the memory map conversion (sorting, merging, claims, overlaps, each
 *     error; the bad-map corpus is checked by memory_map_corpus.c);
 *   - the page table builder (translation, rights, conflicts, exhaustion).
 * Usage: boot_test CORPUS_DIR [KERNEL_ELF...] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "boot/elf_check.h"
#include "boot/memory_map.h"
#include "boot/page_table.h"
#include "tests/host/test.h"

static const char *const result_names[] = {
    "ELF_OK", "ELF_ERR_TRUNCATED", "ELF_ERR_MAGIC", "ELF_ERR_CLASS", "ELF_ERR_ENCODING",
    "ELF_ERR_VERSION", "ELF_ERR_TYPE", "ELF_ERR_MACHINE", "ELF_ERR_HEADER_SIZE",
    "ELF_ERR_PROGRAM_COUNT", "ELF_ERR_PROGRAM_BOUNDS", "ELF_ERR_DYNAMIC", "ELF_ERR_SEGMENT_EMPTY",
    "ELF_ERR_SEGMENT_SIZE", "ELF_ERR_SEGMENT_BOUNDS", "ELF_ERR_SEGMENT_ADDRESS",
    "ELF_ERR_WRITE_EXECUTE", "ELF_ERR_SEGMENT_ORDER", "ELF_ERR_TOO_MANY_SEGMENTS",
    "ELF_ERR_NO_SEGMENTS", "ELF_ERR_IMAGE_SIZE", "ELF_ERR_ENTRY", "ELF_ERR_DESTINATION",
};

static const char *result_name(enum elf_result r)
{
    return (size_t)r < sizeof result_names / sizeof result_names[0] ? result_names[r] : "?";
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = malloc(1 << 24);
    *size = data ? fread(data, 1, 1 << 24, f) : 0;
    fclose(f);
    return data;
}

static int check_corpus(const char *directory)
{
    char path[1024], line[256], name[128], expected[64];
    snprintf(path, sizeof path, "%s/EXPECTED", directory);
    FILE *list = fopen(path, "r");
    test_check(list != NULL, "boot-elf corpus list %s readable", path);
    if (!list)
        return 0;
    int files = 0;
    while (fgets(line, sizeof line, list)) {
        if (line[0] == '#' || sscanf(line, "%127s %63s", name, expected) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s", directory, name);
        size_t size;
        uint8_t *data = read_file(path, &size);
        struct elf_image image;
        enum elf_result r = data ? elf_check(bytes_make(data, size), &image) : ELF_ERR_TRUNCATED;
        int zeroed = r == ELF_OK || (image.segment_count == 0 && image.entry == 0);
        test_check(data && strcmp(result_name(r), expected) == 0 && zeroed,
                   "boot-elf corpus %s: %s (got %s: %s)", name, expected, result_name(r),
                   elf_result_message(r));
        free(data);
        files++;
    }
    fclose(list);
    test_check(files >= 25, "boot-elf corpus has %d files", files);
    return files;
}

/* A real kernel: accepted, and elf_load reproduces each segment's bytes. */
static void check_real_kernel(const char *path)
{
    size_t size;
    uint8_t *data = read_file(path, &size);
    struct elf_image image;
    enum elf_result r = data ? elf_check(bytes_make(data, size), &image) : ELF_ERR_TRUNCATED;
    int ok = r == ELF_OK;
    if (ok) {
        size_t span = image.image_end - image.image_start;
        uint8_t *memory = malloc(span);
        ok = memory && elf_load(&image, bytes_make(data, size), memory, span) == ELF_OK;
        for (uint32_t i = 0; ok && i < image.segment_count; i++) {
            const struct elf_segment *s = &image.segments[i];
            uint8_t *at = memory + (s->virtual_address - image.image_start);
            ok = memcmp(at, data + s->file_offset, s->file_size) == 0;
            for (uint64_t j = s->file_size; ok && j < s->memory_size; j++)
                ok = at[j] == 0;
        }
        free(memory);
    }
    test_check(ok, "boot-elf accepts and loads %s (%s)", path, elf_result_message(r));
    free(data);
}

static void check_load(const char *directory)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ok-minimal.elf", directory);
    size_t size;
    uint8_t *data = read_file(path, &size);
    struct elf_image image;
    uint8_t memory[0x3000];
    memset(memory, 0x5a, sizeof memory);
    int ok = data && elf_check(bytes_make(data, size), &image) == ELF_OK &&
             image.image_end - image.image_start == 0x3000 &&
             elf_load(&image, bytes_make(data, size), memory, sizeof memory) == ELF_OK &&
             memory[0] == 0x90 && memory[0x10] == 0 && memory[0x1000] == 0xab &&
             memory[0x100f] == 0xab && memory[0x1010] == 0 && memory[0x2fff] == 0;
    test_check(ok, "boot-elf load copies segments and zeroes the rest");
    ok = data && elf_load(&image, bytes_make(data, size), memory, 0x2fff) == ELF_ERR_DESTINATION &&
         elf_load(&image, bytes_make(data, 0x110), memory, sizeof memory) == ELF_ERR_SEGMENT_BOUNDS;
    test_check(ok, "boot-elf load refuses a short destination or file");
    free(data);
}

/* ---- memory map ---- */

static size_t put_descriptor(uint8_t *map, size_t index, size_t stride, uint32_t type,
                             uint64_t base, uint64_t pages)
{
    uint8_t *d = map + index * stride;
    memset(d, 0, stride);
    store32_le(d, type);
    store64_le(d + 8, base);
    store64_le(d + 24, pages);
    return index + 1;
}

static int region_is(const struct boot_memory_region *r, uint64_t base, uint64_t pages,
                     uint32_t type)
{
    return r->base == base && r->pages == pages && r->type == type;
}

static void check_memory_map(void)
{
    enum { STRIDE = 48 }; /* firmware may use descriptors larger than 40 bytes */
    uint8_t map[16 * STRIDE];
    struct boot_memory_region out[64];
    uint32_t count;
    size_t n = 0;
    n = put_descriptor(map, n, STRIDE, 7, 0x100000, 0x100);   /* conventional */
    n = put_descriptor(map, n, STRIDE, 0, 0x0, 0xa0);         /* reserved */
    n = put_descriptor(map, n, STRIDE, 4, 0x200000, 0x100);   /* boot services data */
    n = put_descriptor(map, n, STRIDE, 2, 0x300000, 0x100);   /* loader data */
    n = put_descriptor(map, n, STRIDE, 9, 0x400000, 0x10);    /* ACPI reclaim */
    n = put_descriptor(map, n, STRIDE, 7, 0x500000, 0x0);     /* empty: ignored */
    struct memory_claim claims[] = {
        { 0x310000, 0x3000, BOOT_MEMORY_KERNEL },
        { 0x313000, 0x800, BOOT_MEMORY_BOOT_DATA },        /* rounded up to a page */
        { 0x80000000, 0x300000, BOOT_MEMORY_FRAMEBUFFER }, /* outside the firmware map */
    };
    enum memory_map_result r = memory_map_build(bytes_make(map, n * STRIDE), STRIDE, claims, 3, out,
                                                64, &count);
    int ok = r == MEMORY_MAP_OK && count == 7 && region_is(&out[0], 0, 0xa0, BOOT_MEMORY_RESERVED) &&
             region_is(&out[1], 0x100000, 0x210, BOOT_MEMORY_USABLE) &&
             region_is(&out[2], 0x310000, 3, BOOT_MEMORY_KERNEL) &&
             region_is(&out[3], 0x313000, 1, BOOT_MEMORY_BOOT_DATA) &&
             region_is(&out[4], 0x314000, 0xec, BOOT_MEMORY_USABLE) &&
             region_is(&out[5], 0x400000, 0x10, BOOT_MEMORY_ACPI_RECLAIM) &&
             region_is(&out[6], 0x80000000, 0x300, BOOT_MEMORY_FRAMEBUFFER);
    test_check(ok, "boot memory map sorts, merges and applies claims (%u regions)", count);

    n = 0;
    n = put_descriptor(map, n, STRIDE, 7, 0x100000, 0x10);
    n = put_descriptor(map, n, STRIDE, 10, 0x108000, 0x10); /* overlaps: NVS must win */
    r = memory_map_build(bytes_make(map, n * STRIDE), STRIDE, NULL, 0, out, 64, &count);
    ok = r == MEMORY_MAP_OK && count == 2 && region_is(&out[0], 0x100000, 8, BOOT_MEMORY_USABLE) &&
         region_is(&out[1], 0x108000, 0x10, BOOT_MEMORY_ACPI_NVS);
    test_check(ok, "boot memory map: overlapping firmware ranges keep the stricter type");

    n = put_descriptor(map, 0, STRIDE, 7, 0x100800, 1);
    r = memory_map_build(bytes_make(map, STRIDE), STRIDE, NULL, 0, out, 64, &count);
    test_check(r == MEMORY_MAP_ERR_UNALIGNED && count == 0, "boot memory map refuses unaligned base");
    n = put_descriptor(map, 0, STRIDE, 7, 0xfffffffffff00000ULL, 0x1000);
    r = memory_map_build(bytes_make(map, STRIDE), STRIDE, NULL, 0, out, 64, &count);
    test_check(r == MEMORY_MAP_ERR_WRAPS, "boot memory map refuses a range past 2^64");
    n = put_descriptor(map, 0, STRIDE, 7, 0x1000, 1ULL << 60);
    r = memory_map_build(bytes_make(map, STRIDE), STRIDE, NULL, 0, out, 64, &count);
    test_check(r == MEMORY_MAP_ERR_WRAPS, "boot memory map refuses a page count overflow");
    r = memory_map_build(bytes_make(map, STRIDE), 32, NULL, 0, out, 64, &count);
    test_check(r == MEMORY_MAP_ERR_DESCRIPTOR_SIZE, "boot memory map refuses short descriptors");
    r = memory_map_build(bytes_make(map, STRIDE + 1), STRIDE, NULL, 0, out, 64, &count);
    test_check(r == MEMORY_MAP_ERR_DESCRIPTOR_SIZE, "boot memory map refuses a partial descriptor");
    n = 0;
    for (int i = 0; i < 8; i++)
        n = put_descriptor(map, n, STRIDE, i % 2 ? 0 : 7, 0x100000 + (uint64_t)i * 0x1000, 1);
    r = memory_map_build(bytes_make(map, n * STRIDE), STRIDE, NULL, 0, out, 4, &count);
    test_check(r == MEMORY_MAP_ERR_FULL && count == 0, "boot memory map reports a full output");
    enum { TOO_MANY = MEMORY_MAP_MAX_DESCRIPTORS + 1 };
    uint8_t *many = calloc(TOO_MANY, EFI_DESCRIPTOR_MIN_SIZE);
    struct memory_claim *claims_many = calloc(TOO_MANY, sizeof *claims_many);
    count = 99;
    r = memory_map_build(bytes_make(many, (size_t)TOO_MANY * EFI_DESCRIPTOR_MIN_SIZE), EFI_DESCRIPTOR_MIN_SIZE,
                         NULL, 0, out, 64, &count);
    test_check(many != NULL && r == MEMORY_MAP_ERR_TOO_LARGE && count == 0,
               "boot memory map refuses %d descriptors: MEMORY_MAP_ERR_TOO_LARGE", TOO_MANY);
    r = memory_map_build(bytes_make(map, STRIDE), STRIDE, claims_many, TOO_MANY, out, 64, &count);
    test_check(claims_many != NULL && r == MEMORY_MAP_ERR_TOO_LARGE && count == 0,
               "boot memory map refuses %d claims: MEMORY_MAP_ERR_TOO_LARGE", TOO_MANY);
    free(many);
    free(claims_many);
}

/* ---- page tables ---- */

static void check_page_tables(void)
{
    enum { POOL_PAGES = 64 };
    uint8_t *memory = aligned_alloc(4096, POOL_PAGES * 4096);
    struct page_pool pool = { memory, 0x40000000, POOL_PAGES, 0 };
    struct page_tables tables;
    uint64_t physical, flags;
    const uint64_t direct = 0xffff800000000000ULL, kernel = 0xffffffff80000000ULL;
    int ok = memory && page_tables_init(&tables, &pool) == PAGE_OK && tables.root == 0x40000000 &&
             page_map(&tables, 0, 0, 1ULL << 32, PAGE_WRITE, PAGE_SIZE_2M) == PAGE_OK &&
             page_map(&tables, direct, 0, 1ULL << 32, PAGE_WRITE | PAGE_NO_EXECUTE,
                      PAGE_SIZE_2M) == PAGE_OK &&
             page_map(&tables, kernel, 0x1234000, 0x3000, 0, PAGE_SIZE_4K) == PAGE_OK &&
             page_map(&tables, kernel + 0x3000, 0x1237000, 0x1000, PAGE_WRITE | PAGE_NO_EXECUTE,
                      PAGE_SIZE_4K) == PAGE_OK;
    test_check(ok, "boot page tables map identity, direct map and kernel (%zu tables)", pool.used);
    ok = ok && page_translate(&tables, 0x12345678, &physical, &flags) == PAGE_OK &&
         physical == 0x12345678 && (flags & PAGE_WRITE) && !(flags & PAGE_NO_EXECUTE) &&
         page_translate(&tables, direct + 0xfee00010, &physical, &flags) == PAGE_OK &&
         physical == 0xfee00010 && (flags & PAGE_NO_EXECUTE) &&
         page_translate(&tables, kernel + 0x2abc, &physical, &flags) == PAGE_OK &&
         physical == 0x1236abc && !(flags & PAGE_WRITE) && !(flags & PAGE_NO_EXECUTE) &&
         page_translate(&tables, kernel + 0x3008, &physical, &flags) == PAGE_OK &&
         physical == 0x1237008 && (flags & PAGE_WRITE) && (flags & PAGE_NO_EXECUTE) &&
         page_translate(&tables, kernel + 0x4000, &physical, &flags) == PAGE_ERR_NOT_MAPPED &&
         page_translate(&tables, 1ULL << 32, &physical, &flags) == PAGE_ERR_NOT_MAPPED;
    test_check(ok, "boot page tables translate with the right rights");
    ok = ok && page_map(&tables, 0x200000, 0x200000, 0x200000, PAGE_WRITE, PAGE_SIZE_2M) == PAGE_OK &&
         page_map(&tables, 0x200000, 0x400000, 0x200000, PAGE_WRITE, PAGE_SIZE_2M) == PAGE_ERR_CONFLICT &&
         page_map(&tables, 0x201000, 0x201000, 0x1000, PAGE_WRITE, PAGE_SIZE_4K) == PAGE_ERR_CONFLICT &&
         page_map(&tables, kernel, 0x1234000, 0x1000, PAGE_WRITE, PAGE_SIZE_4K) == PAGE_ERR_CONFLICT;
    test_check(ok, "boot page tables refuse conflicting remaps");
    ok = page_map(&tables, 0x1000, 0x1000, 0x1800, 0, PAGE_SIZE_4K) == PAGE_ERR_ALIGNMENT &&
         page_map(&tables, 0x800000000000ULL, 0, 0x1000, 0, PAGE_SIZE_4K) == PAGE_ERR_CANONICAL &&
         page_map(&tables, 0x7ffffffff000ULL, 0, 0x2000, 0, PAGE_SIZE_4K) == PAGE_ERR_CANONICAL;
    test_check(ok, "boot page tables refuse unaligned and non-canonical ranges");
    size_t used = pool.used;
    enum page_result r = PAGE_OK;
    for (uint64_t i = 0; r == PAGE_OK; i++)
        r = page_map(&tables, 0x100000000000ULL + i * (1ULL << 30), 0, 0x1000, 0, PAGE_SIZE_4K);
    test_check(r == PAGE_ERR_POOL_EMPTY && pool.used == POOL_PAGES && used < POOL_PAGES,
               "boot page tables report an exhausted pool");
    uint64_t ranges[3][2] = { { 0, 1ULL << 32 }, { 0x100000, 0x200000 }, { 1ULL << 40, (1ULL << 40) + 0x200000 } };
    size_t estimate = page_tables_estimate((const uint64_t(*)[2])ranges, 3, 0x100);
    test_check(estimate == 1 + 2 * (5 + 2) + 0 + 2 + 4, "boot page table estimate counts slots (%zu)",
               estimate);
    free(memory);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR [KERNEL_ELF...]\n", argv[0]);
        return 2;
    }
    check_corpus(argv[1]);
    check_load(argv[1]);
    for (int i = 2; i < argc; i++)
        check_real_kernel(argv[i]);
    check_memory_map();
    check_page_tables();
    return test_finish();
}
