/* The bad-map corpus of the loader's UEFI memory map conversion
 * (tests/corpus/boot-memory-map/): maps a firmware could hand over, each
 * with the exact result of boot/memory_map.c and, when it is accepted, the
 * number of regions the kernel gets; good maps as controls. Inputs are in
 * the format of tests/boot/memory_map_replay.h. Descriptors are 48 bytes,
 * as OVMF makes them, unless a case says otherwise.
 *
 * The cases are generated here and committed with an `expected` file
 * (tests/host/expected_corpus.h):
 *   <case> <MEMORY_MAP_...> <regions>  # what
 * usage: memory_map_corpus --write DIR | --check DIR */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "tests/boot/memory_map_replay.h"
#include "tests/host/expected_corpus.h"

#define STRIDE 48
#define CASE_SIZE (MEMORY_MAP_REPLAY_HEADER + 4 * MEMORY_MAP_REPLAY_CLAIM + \
                   (MEMORY_MAP_MAX_DESCRIPTORS + 1) * EFI_DESCRIPTOR_MIN_SIZE)

static struct expected_corpus corpus;

/* The case being built (one at a time): its descriptor size and claims so far. */
static struct {
    size_t stride;
    int claims;
} building;

/* A new case: header with `stride` and `capacity`, no claims, no map. */
static struct expected_case *begin(const char *name, const char *what, size_t stride, uint16_t capacity,
                                 enum memory_map_result expected, uint32_t regions)
{
    struct expected_case *c = expected_corpus_add(&corpus, name, what, CASE_SIZE, (int)expected);
    snprintf(c->column, sizeof c->column, "%u", regions);
    building.stride = stride;
    building.claims = 0;
    store16_le(c->data, (uint16_t)stride);
    store16_le(c->data + 2, capacity);
    c->length = MEMORY_MAP_REPLAY_HEADER;
    return c;
}

/* Claims come before any descriptor. */
static void claim(struct expected_case *c, uint64_t base, uint32_t bytes, uint32_t type)
{
    uint8_t *p = c->data + c->length;
    store64_le(p, base);
    store32_le(p + 8, bytes);
    store32_le(p + 12, type);
    c->length += MEMORY_MAP_REPLAY_CLAIM;
    store16_le(c->data + 4, (uint16_t)++building.claims);
}

static void descriptor(struct expected_case *c, uint32_t efi_type, uint64_t base, uint64_t pages)
{
    uint8_t *p = c->data + c->length;
    store32_le(p, efi_type);
    store64_le(p + 8, base);
    store64_le(p + 16, base); /* virtual start: unused */
    store64_le(p + 24, pages);
    store64_le(p + 32, 0xf);  /* attributes: UC WC WT WB */
    c->length += building.stride;
}

/* A small machine: low reserved, conventional, boot services, loader
 * data with the kernel and boot data claimed, ACPI tables, a framebuffer
 * outside the map. 7 regions. */
static void machine(struct expected_case *c)
{
    claim(c, 0x310000, 0x3000, BOOT_MEMORY_KERNEL);
    claim(c, 0x313000, 0x800, BOOT_MEMORY_BOOT_DATA);
    claim(c, 0x80000000, 0x300000, BOOT_MEMORY_FRAMEBUFFER);
    descriptor(c, 7, 0x100000, 0x100);
    descriptor(c, 0, 0x0, 0xa0);
    descriptor(c, 4, 0x200000, 0x100);
    descriptor(c, 2, 0x300000, 0x100);
    descriptor(c, 9, 0x400000, 0x10);
}

static void generate_good(void)
{
    machine(begin("ok-machine", "reserved, usable, claims, ACPI, framebuffer: 7 regions", STRIDE, 0,
                  MEMORY_MAP_OK, 7));
    machine(begin("ok-descriptor-40", "the same map in 40-byte descriptors", 40, 0, MEMORY_MAP_OK, 7));
    machine(begin("ok-descriptor-1024", "the same map in 1024-byte descriptors", 1024, 0, MEMORY_MAP_OK, 7));
    machine(begin("ok-capacity-exact", "an output of exactly 7 regions", STRIDE, 7, MEMORY_MAP_OK, 7));
    begin("ok-empty", "no descriptors, no claims: an empty map", STRIDE, 0, MEMORY_MAP_OK, 0);
    struct expected_case *c = begin("ok-overlap-stricter-wins", "conventional overlapped by ACPI NVS: NVS wins",
                                  STRIDE, 0, MEMORY_MAP_OK, 2);
    descriptor(c, 7, 0x100000, 0x10);
    descriptor(c, 10, 0x108000, 0x10);
    c = begin("ok-zero-pages-ignored", "a descriptor of 0 pages takes no part", STRIDE, 0, MEMORY_MAP_OK, 1);
    descriptor(c, 7, 0x100000, 0x10);
    descriptor(c, 0, 0x104000, 0);
    c = begin("ok-adjacent-merged", "three adjacent usable descriptors of types 1, 3 and 7: one region",
              STRIDE, 0, MEMORY_MAP_OK, 1);
    descriptor(c, 7, 0x102000, 1);
    descriptor(c, 1, 0x100000, 1);
    descriptor(c, 3, 0x101000, 1);
    c = begin("ok-vendor-type", "a vendor memory type (0x80000001): reserved", STRIDE, 0, MEMORY_MAP_OK, 1);
    descriptor(c, 0x80000001, 0x100000, 4);
    c = begin("ok-ends-below-2-64", "the top page but one: ends at 2^64 - 4096", STRIDE, 0, MEMORY_MAP_OK, 1);
    descriptor(c, 0, 0xffffffffffffe000ull, 1);
}

static void generate_bad(void)
{
    begin("size-0", "descriptor size 0", 0, 0, MEMORY_MAP_ERR_DESCRIPTOR_SIZE, 0);
    struct expected_case *c = begin("size-39", "39-byte descriptors, one short of the fields", 39, 0,
                                  MEMORY_MAP_ERR_DESCRIPTOR_SIZE, 0);
    descriptor(c, 7, 0x100000, 1);
    c = begin("size-32", "32-byte descriptors", 32, 0, MEMORY_MAP_ERR_DESCRIPTOR_SIZE, 0);
    descriptor(c, 7, 0x100000, 1);
    descriptor(c, 7, 0x200000, 1);
    c = begin("partial-descriptor", "two descriptors and one byte", STRIDE, 0, MEMORY_MAP_ERR_DESCRIPTOR_SIZE, 0);
    descriptor(c, 7, 0x100000, 1);
    descriptor(c, 7, 0x200000, 1);
    c->length++;
    c = begin("partial-only", "20 bytes of a descriptor", STRIDE, 0, MEMORY_MAP_ERR_DESCRIPTOR_SIZE, 0);
    descriptor(c, 7, 0x100000, 1);
    c->length -= STRIDE - 20;
    c = begin("unaligned-base", "a base of 0x100800", STRIDE, 0, MEMORY_MAP_ERR_UNALIGNED, 0);
    descriptor(c, 7, 0x100800, 1);
    c = begin("unaligned-base-1", "a base of 1", STRIDE, 0, MEMORY_MAP_ERR_UNALIGNED, 0);
    descriptor(c, 0, 1, 1);
    c = begin("unaligned-after-good", "a good descriptor, then one at 0x200001", STRIDE, 0,
              MEMORY_MAP_ERR_UNALIGNED, 0);
    descriptor(c, 7, 0x100000, 1);
    descriptor(c, 7, 0x200001, 1);
    c = begin("wraps-end", "0x1000 pages from 2^64 - 1 MiB", STRIDE, 0, MEMORY_MAP_ERR_WRAPS, 0);
    descriptor(c, 7, 0xfffffffffff00000ull, 0x1000);
    c = begin("wraps-at-2-64", "the top page: ends exactly at 2^64", STRIDE, 0, MEMORY_MAP_ERR_WRAPS, 0);
    descriptor(c, 0, 0xfffffffffffff000ull, 1);
    c = begin("wraps-page-count", "2^60 pages: the byte count overflows", STRIDE, 0, MEMORY_MAP_ERR_WRAPS, 0);
    descriptor(c, 7, 0x1000, 1ull << 60);
    c = begin("wraps-page-count-max", "2^64 - 1 pages", STRIDE, 0, MEMORY_MAP_ERR_WRAPS, 0);
    descriptor(c, 7, 0, UINT64_MAX);
    c = begin("wraps-before-unaligned", "a wrapping descriptor, then an unaligned one: the first error",
              STRIDE, 0, MEMORY_MAP_ERR_WRAPS, 0);
    descriptor(c, 7, 0x1000, 1ull << 60);
    descriptor(c, 7, 0x100800, 1);
    c = begin("claim-wraps", "a good map with a claim past 2^64", STRIDE, 0, MEMORY_MAP_ERR_WRAPS, 0);
    claim(c, 0xfffffffffffff800ull, 0x1000, BOOT_MEMORY_BOOT_DATA);
    descriptor(c, 7, 0x100000, 1);
    machine(begin("full-6", "7 regions into an output of 6", STRIDE, 6, MEMORY_MAP_ERR_FULL, 0));
    c = begin("full-1", "two regions of different types into an output of 1", STRIDE, 1, MEMORY_MAP_ERR_FULL, 0);
    descriptor(c, 7, 0x100000, 1);
    descriptor(c, 0, 0x101000, 1);
    c = begin("too-many-descriptors", "4097 descriptors of 40 bytes", 40, 0, MEMORY_MAP_ERR_TOO_LARGE, 0);
    for (uint64_t i = 0; i <= MEMORY_MAP_MAX_DESCRIPTORS; i++)
        descriptor(c, 7, 0x100000 + i * 0x1000, 1);
}

static void generate(void)
{
    generate_good();
    generate_bad();
}

static const char *result_name(int result) { return memory_map_result_name((enum memory_map_result)result); }

/* The result and the number of regions the kernel gets. */
static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    (void)name;
    struct memory_map_replay replay;
    bool ok = memory_map_replay(input, size, &replay);
    *result = (int)replay.result;
    snprintf(column, column_size, "%u", replay.count);
    free(replay.regions);
    return ok;
}

int main(int argc, char **argv)
{
    corpus = (struct expected_corpus){
        .name = "boot-memory-map",
        .program = "memory_map_corpus (tests/boot/memory_map_corpus.c)",
        .header = "# <case> <result> <regions>: written by memory_map_corpus --write (tests/boot/memory_map_corpus.c)\n"
                  "# input: descriptor size (2, LE), output capacity (2; 0: the loader's bound), claim count (2),\n"
                  "# claims (16 each: base 8, bytes 4, type 4), then the firmware's descriptors\n",
        .checked = "converted with their exact result and region count",
        .items = "cases",
        .results = "results",
        .columns = 3,
        .result_count = MEMORY_MAP_RESULT_COUNT,
        .result_name = result_name,
        .replay = replay,
    };
    generate();
    return expected_corpus_main(&corpus, argc, argv);
}
