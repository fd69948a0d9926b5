/* The bad-map corpus of the loader's UEFI memory map conversion
 * (tests/corpus/boot-memory-map/): maps a firmware could hand over, each
 * with the exact result of boot/memory_map.c and, when it is accepted, the
 * number of regions the kernel gets; good maps as controls. Inputs are in
 * the format of tests/boot/memory_map_replay.h. Descriptors are 48 bytes,
 * as OVMF makes them, unless a case says otherwise.
 *
 * The cases are generated here and committed with an `expected` file:
 *   <case> <MEMORY_MAP_...> <regions>  # what
 * usage: memory_map_corpus --write DIR   writes the cases and DIR/expected
 *        memory_map_corpus --check DIR   replays every committed case
 *                                        against expected, and checks that
 *                                        the committed set is exactly what
 *                                        this program generates and names
 *                                        every result at least once */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/endian.h"
#include "tests/boot/memory_map_replay.h"

#define CASES_MAX 40
#define STRIDE 48
#define CASE_SIZE (MEMORY_MAP_REPLAY_HEADER + 4 * MEMORY_MAP_REPLAY_CLAIM + \
                   (MEMORY_MAP_MAX_DESCRIPTORS + 1) * EFI_DESCRIPTOR_MIN_SIZE)

struct corpus_case {
    char name[64];
    const char *what;
    uint8_t *data; /* CASE_SIZE bytes */
    size_t length;
    enum memory_map_result expected;
    uint32_t regions;
    /* while building */
    size_t stride;
    int claims;
};

static struct corpus_case cases[CASES_MAX];
static int case_count;

/* A new case: header with `stride` and `capacity`, no claims, no map. */
static struct corpus_case *begin(const char *name, const char *what, size_t stride, uint16_t capacity,
                                 enum memory_map_result expected, uint32_t regions)
{
    if (case_count >= CASES_MAX) {
        fprintf(stderr, "memory_map_corpus: too many cases\n");
        exit(2);
    }
    struct corpus_case *c = &cases[case_count++];
    free(c->data);
    *c = (struct corpus_case){ .what = what, .expected = expected, .regions = regions, .stride = stride };
    c->data = calloc(1, CASE_SIZE);
    if (c->data == NULL)
        exit(2);
    snprintf(c->name, sizeof c->name, "%s", name);
    store16_le(c->data, (uint16_t)stride);
    store16_le(c->data + 2, capacity);
    c->length = MEMORY_MAP_REPLAY_HEADER;
    return c;
}

/* Claims come before any descriptor. */
static void claim(struct corpus_case *c, uint64_t base, uint32_t bytes, uint32_t type)
{
    uint8_t *p = c->data + c->length;
    store64_le(p, base);
    store32_le(p + 8, bytes);
    store32_le(p + 12, type);
    c->length += MEMORY_MAP_REPLAY_CLAIM;
    store16_le(c->data + 4, (uint16_t)++c->claims);
}

static void descriptor(struct corpus_case *c, uint32_t efi_type, uint64_t base, uint64_t pages)
{
    uint8_t *p = c->data + c->length;
    store32_le(p, efi_type);
    store64_le(p + 8, base);
    store64_le(p + 16, base); /* virtual start: unused */
    store64_le(p + 24, pages);
    store64_le(p + 32, 0xf);  /* attributes: UC WC WT WB */
    c->length += c->stride;
}

/* A small machine: low reserved, conventional, boot services, loader
 * data with the kernel and boot data claimed, ACPI tables, a framebuffer
 * outside the map. 7 regions. */
static void machine(struct corpus_case *c)
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
    struct corpus_case *c = begin("ok-overlap-stricter-wins", "conventional overlapped by ACPI NVS: NVS wins",
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
    struct corpus_case *c = begin("size-39", "39-byte descriptors, one short of the fields", 39, 0,
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
    case_count = 0;
    generate_good();
    generate_bad();
}

static int write_corpus(const char *dir)
{
    char path[512];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case> <result> <regions>: written by memory_map_corpus --write (tests/boot/memory_map_corpus.c)\n"
                      "# input: descriptor size (2, LE), output capacity (2; 0: the loader's bound), claim count (2),\n"
                      "# claims (16 each: base 8, bytes 4, type 4), then the firmware's descriptors\n");
    for (int i = 0; i < case_count; i++) {
        fprintf(expected, "%s %s %u  # %s\n", cases[i].name, memory_map_result_name(cases[i].expected),
                cases[i].regions, cases[i].what);
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *file = fopen(path, "wb");
        bool written = file != NULL && fwrite(cases[i].data, 1, cases[i].length, file) == cases[i].length;
        if (file != NULL)
            fclose(file);
        if (!written) {
            fclose(expected);
            return 1;
        }
    }
    fclose(expected);
    return 0;
}

static size_t read_case(const char *path, uint8_t *out, size_t cap, bool *ok)
{
    FILE *file = fopen(path, "rb");
    *ok = file != NULL;
    if (file == NULL)
        return 0;
    size_t n = fread(out, 1, cap, file);
    *ok = ferror(file) == 0 && fgetc(file) == EOF;
    fclose(file);
    return n;
}

static const struct corpus_case *generated(const char *name)
{
    for (int i = 0; i < case_count; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

/* One line of expected; returns false when the case is wrong or stale. */
static bool check_case(const char *dir, const char *name, const char *result_name, unsigned regions, bool *seen)
{
    char path[512];
    static uint8_t data[CASE_SIZE + 1];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok;
    size_t n = read_case(path, data, sizeof data, &ok);
    struct memory_map_replay replay;
    ok = memory_map_replay(data, n, &replay) && ok;
    seen[replay.result < MEMORY_MAP_RESULT_COUNT ? replay.result : 0] = true;
    bool right = ok && strcmp(memory_map_result_name(replay.result), result_name) == 0 && replay.count == regions;
    if (!right)
        fprintf(stderr, "boot-memory-map/%s: got %s %u, expected %s %u\n", name,
                memory_map_result_name(replay.result), replay.count, result_name, regions);
    free(replay.regions);
    const struct corpus_case *c = generated(name);
    bool fresh = c != NULL && c->length == n && memcmp(c->data, data, n) == 0 &&
                 strcmp(memory_map_result_name(c->expected), result_name) == 0 && c->regions == regions;
    if (!fresh)
        fprintf(stderr, "boot-memory-map/%s: differs from what memory_map_corpus.c generates (run --write)\n", name);
    return right && fresh;
}

static int check_corpus(const char *dir)
{
    char path[512], line[256], name[128], result_name[64];
    unsigned regions;
    bool seen[MEMORY_MAP_RESULT_COUNT] = { false };
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "r");
    int count = 0, bad = 0;
    while (expected != NULL && fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %63s %u", name, result_name, &regions) != 3)
            continue;
        count++;
        bad += !check_case(dir, name, result_name, regions, seen);
    }
    if (expected != NULL)
        fclose(expected);
    int unseen = 0;
    for (int i = 0; i < MEMORY_MAP_RESULT_COUNT; i++)
        unseen += !seen[i];
    bool ok = expected != NULL && count == case_count && bad == 0 && unseen == 0;
    printf("%s boot-memory-map corpus: %d committed cases (%d generated) converted with their exact result "
           "and region count, %d wrong or stale, %d results without a case\n",
           ok ? "PASS" : "FAIL", count, case_count, bad, unseen);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    generate();
    int status = 2;
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        status = write_corpus(argv[2]);
    else if (argc == 3 && strcmp(argv[1], "--check") == 0)
        status = check_corpus(argv[2]);
    else
        fprintf(stderr, "usage: memory_map_corpus --write DIR | --check DIR\n");
    for (int i = 0; i < case_count; i++)
        free(cases[i].data);
    return status;
}
