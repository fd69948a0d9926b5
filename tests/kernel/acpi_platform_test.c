/* Host tests of the MCFG and MADT parsers and the XSDT search
 * (kernel/acpi/acpi_platform.c) under ASan + UBSan.
 *
 * A synthetic table set (XSDT, MCFG as QEMU's q35 gives it, MADT with a
 * local APIC, an I/O APIC and two overrides) is built in memory; each case
 * changes one thing and checks the exact error. The same cases are the seed
 * corpus of the fuzz target:
 *   acpi_platform_test --write-corpus DIR   writes DIR/<case> and DIR/expected
 *   acpi_platform_test --check-corpus DIR   replays them against expected
 * (tests/corpus/acpi-platform/ is the committed corpus.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "tests/host/test.h"
#include "tests/kernel/acpi_platform_blob.h"

#define IMAGE_SIZE 0x400u
#define OFF_XSDT 0x000u
#define OFF_MCFG 0x100u
#define OFF_MADT 0x200u
#define PHYS(off) ((uint64_t)ACPI_BLOB_BASE + (off))
#define MADT_GOOD_LENGTH 84u

struct image {
    uint8_t bytes[1 + IMAGE_SIZE]; /* bytes[0]: the blob mode */
    size_t len;
};

static uint8_t *at(struct image *image, size_t offset)
{
    return image->bytes + 1 + offset;
}

static void header(struct image *image, size_t off, const char *signature, uint32_t length)
{
    memcpy(at(image, off), signature, 4);
    store32_le(at(image, off + 4), length);
    at(image, off)[8] = 1;
    memcpy(at(image, off + 10), "NONOS ", 6);
}

/* Recomputes the checksums from the lengths in the headers (bounded by
 * the image, so broken lengths stay broken). */
static void fix(struct image *image)
{
    static const size_t tables[] = { OFF_XSDT, OFF_MCFG, OFF_MADT };
    for (size_t t = 0; t < 3; t++) {
        uint32_t length = load32_le(at(image, tables[t] + 4));
        if (length < 36 || tables[t] + length > IMAGE_SIZE)
            continue;
        uint8_t sum = 0;
        at(image, tables[t])[9] = 0;
        for (size_t i = 0; i < length; i++)
            sum = (uint8_t)(sum + at(image, tables[t])[i]);
        at(image, tables[t])[9] = (uint8_t)(0 - sum);
    }
}

static void mcfg_entry(struct image *image, size_t index, uint64_t base, uint8_t start,
                       uint8_t end)
{
    uint8_t *p = at(image, OFF_MCFG + 44 + 16 * index);
    store64_le(p, base);
    store16_le(p + 8, 0);
    p[10] = start;
    p[11] = end;
}

static void image_good(struct image *image)
{
    memset(image, 0, sizeof *image);
    image->bytes[0] = 2;
    image->len = 1 + IMAGE_SIZE;
    header(image, OFF_XSDT, "XSDT", 36 + 24);
    store64_le(at(image, OFF_XSDT + 36), 0xdead0000ull); /* unreadable: skipped */
    store64_le(at(image, OFF_XSDT + 44), PHYS(OFF_MCFG));
    store64_le(at(image, OFF_XSDT + 52), PHYS(OFF_MADT));
    header(image, OFF_MCFG, "MCFG", 44 + 16);
    mcfg_entry(image, 0, 0xb0000000ull, 0, 0xff);
    header(image, OFF_MADT, "APIC", MADT_GOOD_LENGTH);
    store32_le(at(image, OFF_MADT + 36), 0xfee00000u);
    store32_le(at(image, OFF_MADT + 40), 1);
    static const uint8_t entries[] = {
        0, 8, 0, 0, 1, 0, 0, 0,                         /* processor local APIC */
        1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0, /* I/O APIC 0 at 0xfec00000, GSI 0 */
        2, 10, 0, 0, 2, 0, 0, 0, 0, 0,                  /* ISA IRQ 0 -> GSI 2 */
        2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0,               /* ISA IRQ 9 -> GSI 9, active high, level */
    };
    memcpy(at(image, OFF_MADT + 44), entries, sizeof entries);
    fix(image);
}

struct platform_case {
    const char *name;
    int expected;
    void (*mutate)(struct image *image);
    bool keep_checksums; /* the mutation breaks a checksum: do not recompute */
};

static void xsdt_signature(struct image *i) { memcpy(at(i, OFF_XSDT), "RSDT", 4); }
static void xsdt_checksum(struct image *i) { at(i, OFF_XSDT + 40)[0] ^= 1; }
static void mcfg_missing(struct image *i) { memcpy(at(i, OFF_MCFG), "MCFX", 4); }
static void mcfg_checksum(struct image *i) { at(i, OFF_MCFG + 50)[0] ^= 1; }
static void mcfg_length_past_end(struct image *i) { store32_le(at(i, OFF_MCFG + 4), 0x10000); }
static void mcfg_length_huge(struct image *i) { store32_le(at(i, OFF_MCFG + 4), 0xfffffff0u); }
static void mcfg_length_partial(struct image *i) { store32_le(at(i, OFF_MCFG + 4), 44 + 8); }
static void mcfg_length_short(struct image *i) { store32_le(at(i, OFF_MCFG + 4), 40); }
static void mcfg_empty(struct image *i) { store32_le(at(i, OFF_MCFG + 4), 44); }
static void mcfg_too_many(struct image *i)
{
    store32_le(at(i, OFF_MCFG + 4), 44 + 16 * (ACPI_MCFG_MAX + 1));
    for (size_t n = 1; n <= ACPI_MCFG_MAX; n++)
        mcfg_entry(i, n, 0xb0000000ull, 0, 0xff);
}
static void mcfg_bus_range(struct image *i) { mcfg_entry(i, 0, 0xb0000000ull, 5, 2); }
static void mcfg_base_zero(struct image *i) { mcfg_entry(i, 0, 0, 0, 0xff); }
static void mcfg_base_unaligned(struct image *i) { mcfg_entry(i, 0, 0xb0001000ull, 0, 0xff); }
static void mcfg_base_wraps(struct image *i) { mcfg_entry(i, 0, 0xfffffffffff00000ull, 0, 0xff); }
static void mcfg_two_entries(struct image *i)
{
    store32_le(at(i, OFF_MCFG + 4), 44 + 32);
    mcfg_entry(i, 1, 0xc0000000ull, 0x10, 0x1f);
    store16_le(at(i, OFF_MCFG + 44 + 16 + 8), 1);
}
static void madt_missing(struct image *i) { store32_le(at(i, OFF_XSDT + 4), 36 + 16); }
static void madt_signature_in_entry_only(struct image *i) { memcpy(at(i, OFF_MADT), "APIX", 4); }
static void madt_short(struct image *i) { store32_le(at(i, OFF_MADT + 4), 40); }
static void madt_entry_zero_length(struct image *i) { at(i, OFF_MADT + 44)[1] = 0; }
static void madt_entry_one_length(struct image *i) { at(i, OFF_MADT + 44)[1] = 1; }
static void madt_entry_past_end(struct image *i) { at(i, OFF_MADT + 74)[1] = 11; }
static void madt_entry_header_cut(struct image *i) { store32_le(at(i, OFF_MADT + 4), MADT_GOOD_LENGTH + 1); }
static void madt_ioapic_length(struct image *i)
{
    at(i, OFF_MADT + 52)[1] = 10;
    at(i, OFF_MADT + 62)[0] = 0x7f; /* the two bytes freed: an entry of an unknown type */
    at(i, OFF_MADT + 62)[1] = 2;
}
static void madt_ioapic_address_zero(struct image *i) { store32_le(at(i, OFF_MADT + 56), 0); }
static void madt_override_length(struct image *i)
{
    at(i, OFF_MADT + 64)[1] = 8;
    at(i, OFF_MADT + 72)[0] = 0x7f;
    at(i, OFF_MADT + 72)[1] = 2;
}
static void madt_no_ioapic(struct image *i) { at(i, OFF_MADT + 52)[0] = 0x7f; }
static void madt_too_many_ioapics(struct image *i)
{
    size_t off = OFF_MADT + 44;
    for (size_t n = 0; n <= ACPI_MADT_IOAPIC_MAX; n++, off += 12) {
        static const uint8_t ioapic[] = { 1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0 };
        memcpy(at(i, off), ioapic, sizeof ioapic);
    }
    store32_le(at(i, OFF_MADT + 4), (uint32_t)(off - OFF_MADT));
}
static void madt_too_many_overrides(struct image *i)
{
    size_t off = OFF_MADT + 64;
    for (size_t n = 0; n <= ACPI_MADT_OVERRIDE_MAX; n++, off += 10) {
        static const uint8_t override[] = { 2, 10, 0, 1, 1, 0, 0, 0, 0, 0 };
        memcpy(at(i, off), override, sizeof override);
    }
    store32_le(at(i, OFF_MADT + 4), (uint32_t)(off - OFF_MADT));
}
static void madt_lapic_override(struct image *i)
{
    static const uint8_t entry[] = { 5, 12, 0, 0, 0x00, 0x10, 0xe0, 0xfe, 0, 0, 0, 0 };
    memcpy(at(i, OFF_MADT + MADT_GOOD_LENGTH), entry, sizeof entry);
    store32_le(at(i, OFF_MADT + 4), MADT_GOOD_LENGTH + 12);
}

static const struct platform_case cases[] = {
    { "good", ACPI_PLATFORM_OK, NULL, false },
    { "xsdt-signature", ACPI_PLATFORM_ERROR_TABLE_SIGNATURE, xsdt_signature, false },
    { "xsdt-checksum", ACPI_PLATFORM_ERROR_TABLE_CHECKSUM, xsdt_checksum, true },
    { "mcfg-missing", ACPI_PLATFORM_ERROR_NOT_FOUND, mcfg_missing, false },
    { "mcfg-checksum", ACPI_PLATFORM_ERROR_TABLE_CHECKSUM, mcfg_checksum, true },
    { "mcfg-length-past-end", ACPI_PLATFORM_ERROR_UNMAPPED, mcfg_length_past_end, false },
    { "mcfg-length-huge", ACPI_PLATFORM_ERROR_TABLE_LENGTH, mcfg_length_huge, false },
    { "mcfg-length-partial", ACPI_PLATFORM_ERROR_MCFG_LENGTH, mcfg_length_partial, false },
    { "mcfg-length-short", ACPI_PLATFORM_ERROR_MCFG_LENGTH, mcfg_length_short, false },
    { "mcfg-empty", ACPI_PLATFORM_ERROR_MCFG_EMPTY, mcfg_empty, false },
    { "mcfg-too-many", ACPI_PLATFORM_ERROR_MCFG_TOO_MANY, mcfg_too_many, false },
    { "mcfg-bus-range", ACPI_PLATFORM_ERROR_MCFG_BUS_RANGE, mcfg_bus_range, false },
    { "mcfg-base-zero", ACPI_PLATFORM_ERROR_MCFG_BASE, mcfg_base_zero, false },
    { "mcfg-base-unaligned", ACPI_PLATFORM_ERROR_MCFG_BASE, mcfg_base_unaligned, false },
    { "mcfg-base-wraps", ACPI_PLATFORM_ERROR_MCFG_BASE, mcfg_base_wraps, false },
    { "mcfg-two-entries", ACPI_PLATFORM_OK, mcfg_two_entries, false },
    { "madt-missing", ACPI_PLATFORM_ERROR_NOT_FOUND, madt_missing, false },
    { "madt-signature", ACPI_PLATFORM_ERROR_NOT_FOUND, madt_signature_in_entry_only, false },
    { "madt-short", ACPI_PLATFORM_ERROR_MADT_LENGTH, madt_short, false },
    { "madt-entry-zero-length", ACPI_PLATFORM_ERROR_MADT_ENTRY, madt_entry_zero_length, false },
    { "madt-entry-one-length", ACPI_PLATFORM_ERROR_MADT_ENTRY, madt_entry_one_length, false },
    { "madt-entry-past-end", ACPI_PLATFORM_ERROR_MADT_ENTRY, madt_entry_past_end, false },
    { "madt-entry-header-cut", ACPI_PLATFORM_ERROR_MADT_ENTRY, madt_entry_header_cut, false },
    { "madt-ioapic-length", ACPI_PLATFORM_ERROR_MADT_IOAPIC, madt_ioapic_length, false },
    { "madt-ioapic-address-zero", ACPI_PLATFORM_ERROR_MADT_IOAPIC, madt_ioapic_address_zero, false },
    { "madt-override-length", ACPI_PLATFORM_ERROR_MADT_OVERRIDE, madt_override_length, false },
    { "madt-no-ioapic", ACPI_PLATFORM_ERROR_MADT_NO_IOAPIC, madt_no_ioapic, false },
    { "madt-too-many-ioapics", ACPI_PLATFORM_ERROR_MADT_TOO_MANY, madt_too_many_ioapics, false },
    { "madt-too-many-overrides", ACPI_PLATFORM_ERROR_MADT_TOO_MANY, madt_too_many_overrides, false },
    { "madt-lapic-override", ACPI_PLATFORM_OK, madt_lapic_override, false },
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

static void case_build(const struct platform_case *c, struct image *image)
{
    image_good(image);
    if (c->mutate != NULL) {
        c->mutate(image);
        if (!c->keep_checksums)
            fix(image);
    }
}

/* From a heap copy of exactly its bytes, so ASan sees any read past them. */
static int case_run(const uint8_t *bytes, size_t len, struct acpi_platform_output *out)
{
    uint8_t *copy = malloc(len);
    if (copy == NULL)
        abort();
    memcpy(copy, bytes, len);
    int result = acpi_platform_blob_run(copy, len, out);
    free(copy);
    return result;
}

static void test_cases(void)
{
    int wrong = 0;
    for (size_t i = 0; i < CASE_COUNT; i++) {
        struct image image;
        struct acpi_platform_output out;
        case_build(&cases[i], &image);
        int result = case_run(image.bytes, image.len, &out);
        if (result != cases[i].expected) {
            fprintf(stderr, "case %s: got %d (%s), expected %d (%s)\n", cases[i].name, result,
                    acpi_platform_error_message(result), cases[i].expected,
                    acpi_platform_error_message(cases[i].expected));
            wrong++;
        }
    }
    test_check(wrong == 0, "acpi platform: %zu table sets give their exact result (%d wrong)",
               CASE_COUNT, wrong);
}

static void test_good_values(void)
{
    struct image image;
    struct acpi_platform_output out;
    image_good(&image);
    int result = case_run(image.bytes, image.len, &out);
    test_check(result == ACPI_PLATFORM_OK && out.mcfg.count == 1 &&
               out.mcfg.entries[0].base == 0xb0000000ull && out.mcfg.entries[0].segment == 0 &&
               out.mcfg.entries[0].bus_start == 0 && out.mcfg.entries[0].bus_end == 0xff,
               "acpi platform: MCFG gives ECAM 0xb0000000, segment 0, buses 0-255");
    test_check(out.madt.local_apic_address == 0xfee00000u && out.madt.flags == 1 &&
               out.madt.ioapic_count == 1 && out.madt.ioapics[0].address == 0xfec00000u &&
               out.madt.ioapics[0].gsi_base == 0 && out.madt.override_count == 2 &&
               out.madt.overrides[0].source == 0 && out.madt.overrides[0].gsi == 2 &&
               out.madt.overrides[1].source == 9 && out.madt.overrides[1].gsi == 9 &&
               out.madt.overrides[1].flags == 0x0d,
               "acpi platform: MADT gives the I/O APIC at 0xfec00000 and overrides 0->2, 9->9");
    case_build(&cases[CASE_COUNT - 1], &image); /* madt-lapic-override */
    result = case_run(image.bytes, image.len, &out);
    test_check(result == ACPI_PLATFORM_OK && out.madt.local_apic_address == 0xfee01000ull,
               "acpi platform: a local APIC address override replaces the 32-bit address");
    /* A refused table leaves the output untouched (all zero here). */
    image_good(&image);
    madt_no_ioapic(&image);
    fix(&image);
    image.bytes[0] = 1;
    struct acpi_madt madt;
    memset(&madt, 0x5a, sizeof madt);
    result = acpi_madt_parse(bytes_make(at(&image, OFF_MADT), MADT_GOOD_LENGTH), &madt);
    test_check(result == ACPI_PLATFORM_ERROR_MADT_NO_IOAPIC && madt.ioapic_count == 0x5a5a5a5au,
               "acpi platform: a refused MADT changes nothing of the output");
}

/* Each table alone, cut at every length: refused cleanly unless whole. */
static void test_truncations(void)
{
    struct image image;
    image_good(&image);
    int accepted = 0, total = 0;
    for (int mode = 0; mode < 2; mode++) {
        size_t off = mode == 0 ? OFF_MCFG : OFF_MADT;
        size_t whole = load32_le(at(&image, off + 4));
        for (size_t len = 0; len <= whole; len++, total++) {
            uint8_t input[1 + 256];
            input[0] = (uint8_t)mode;
            memcpy(input + 1, at(&image, off), len);
            struct acpi_platform_output out;
            if (case_run(input, 1 + len, &out) == ACPI_PLATFORM_OK)
                accepted++;
        }
    }
    test_check(accepted == 2, "acpi platform: %d truncations of the MCFG and MADT, only the "
               "2 whole tables accepted (%d)", total, accepted);
}

static int write_corpus(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case file> <acpi_platform_result>: written by acpi_platform_test "
                      "--write-corpus\n");
    for (size_t i = 0; i < CASE_COUNT; i++) {
        struct image image;
        case_build(&cases[i], &image);
        size_t len = image.len;
        uint32_t madt_length = load32_le(at(&image, OFF_MADT + 4));
        size_t madt_end = 1 + OFF_MADT + (madt_length < 0x200 ? madt_length : 0x200);
        while (len > madt_end && image.bytes[len - 1] == 0)
            len--;
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(image.bytes, 1, len, f) != len || fclose(f) != 0)
            return 1;
        fprintf(expected, "%s %d  # %s\n", cases[i].name, cases[i].expected,
                acpi_platform_error_message(cases[i].expected));
    }
    return fclose(expected) != 0;
}

static int check_corpus(const char *dir)
{
    char path[512], name[128], line[256];
    int expected_result, count = 0, wrong = 0;
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "r");
    if (expected == NULL) {
        test_check(false, "acpi platform corpus: %s missing", path);
        return test_finish();
    }
    while (fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %d", name, &expected_result) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        uint8_t buffer[1 + IMAGE_SIZE + 64];
        size_t len = f != NULL ? fread(buffer, 1, sizeof buffer, f) : 0;
        if (f != NULL)
            fclose(f);
        struct acpi_platform_output out;
        int result = len > 0 ? case_run(buffer, len, &out) : -2;
        if (result != expected_result) {
            fprintf(stderr, "corpus %s: got %d (%s), expected %d\n", name, result,
                    acpi_platform_error_message(result), expected_result);
            wrong++;
        }
        count++;
    }
    fclose(expected);
    test_check(count >= (int)CASE_COUNT && wrong == 0,
               "acpi platform corpus: %d committed inputs give their expected result (%d wrong)",
               count, wrong);
    return test_finish();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
        return write_corpus(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--check-corpus") == 0)
        return check_corpus(argv[2]);
    test_cases();
    test_good_values();
    test_truncations();
    test_check(strcmp(acpi_platform_error_message(ACPI_PLATFORM_ERROR_COUNT),
                      "unknown ACPI platform error") == 0,
               "acpi platform: every result code has a message, unknown codes too");
    return test_finish();
}
