/* Host tests of the ACPI table parser (kernel/acpi/acpi_tables.c) under
 * ASan + UBSan.
 *
 * A synthetic but complete table set (RSDP, XSDT, an APIC stub, FADT, DSDT
 * with \_S5) is built in memory; each case changes one thing and checks the
 * exact error. The same cases are the seed corpus of the fuzz target:
 *   acpi_test --write-corpus DIR   writes DIR/<case> and DIR/expected
 *   acpi_test --check-corpus DIR   replays the files in DIR and compares with expected
 * (tests/corpus/acpi/ is the committed corpus.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "tests/host/test.h"
#include "tests/kernel/acpi_blob.h"

#define IMAGE_SIZE 0x800u
/* Offsets in the image; physical address = ACPI_BLOB_BASE + offset. */
#define OFF_RSDP 0x000u
#define OFF_XSDT 0x040u
#define OFF_APIC 0x080u
#define OFF_FADT 0x100u
#define OFF_DSDT 0x300u
#define FADT_SIZE 276u
#define PHYS(off) ((uint64_t)ACPI_BLOB_BASE + (off))

struct image {
    uint8_t bytes[1 + IMAGE_SIZE]; /* bytes[0] is the blob mode (0) */
    size_t len;                    /* including the mode byte */
};

static uint8_t *at(struct image *image, size_t offset)
{
    return image->bytes + 1 + offset;
}

static void header(struct image *image, size_t off, const char *signature, uint32_t length)
{
    memcpy(at(image, off), signature, 4);
    store32_le(at(image, off + 4), length);
    at(image, off)[8] = 1; /* revision */
    memcpy(at(image, off + 10), "NONOS ", 6);
}

static void checksum(struct image *image, size_t off, size_t len, size_t field)
{
    uint8_t sum = 0;
    at(image, off)[field] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + at(image, off)[i]);
    at(image, off)[field] = (uint8_t)(0 - sum);
}

/* Recomputes every checksum from the lengths currently in the headers
 * (bounded by the image, so broken lengths stay broken). */
static void fix(struct image *image)
{
    checksum(image, OFF_RSDP, 20, 8);
    uint32_t rsdp_length = load32_le(at(image, OFF_RSDP + 20));
    checksum(image, OFF_RSDP, rsdp_length >= 36 && rsdp_length <= 64 ? rsdp_length : 36, 32);
    static const size_t tables[] = { OFF_XSDT, OFF_APIC, OFF_FADT, OFF_DSDT };
    for (size_t i = 0; i < 4; i++) {
        uint32_t length = load32_le(at(image, tables[i] + 4));
        if (length >= 36 && tables[i] + length <= IMAGE_SIZE)
            checksum(image, tables[i], length, 9);
    }
}

static const uint8_t good_aml[] = {
    0x10, 0x09, '\\', '_', 'S', 'B', '_', 0x5b, 0x82, 0x02, 0x00, /* Scope(\_SB) filler */
    0x14, 0x08, 'F', 'O', 'O', '_', 0x00, 0xa4, '_', 'S', '5', '_', /* Method referencing _S5_ */
    0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00, /* Name(_S5, Package(4){5,0,0,0}) */
};

static void image_good(struct image *image)
{
    memset(image, 0, sizeof *image);
    image->len = 1 + IMAGE_SIZE;
    memcpy(at(image, OFF_RSDP), "RSD PTR ", 8);
    memcpy(at(image, OFF_RSDP + 9), "NONOS ", 6);
    at(image, OFF_RSDP)[15] = 2;
    store32_le(at(image, OFF_RSDP + 20), 36);
    store64_le(at(image, OFF_RSDP + 24), PHYS(OFF_XSDT));
    header(image, OFF_XSDT, "XSDT", 36 + 16);
    store64_le(at(image, OFF_XSDT + 36), PHYS(OFF_APIC));
    store64_le(at(image, OFF_XSDT + 44), PHYS(OFF_FADT));
    header(image, OFF_APIC, "APIC", 44);
    header(image, OFF_FADT, "FACP", FADT_SIZE);
    store32_le(at(image, OFF_FADT + 40), (uint32_t)PHYS(OFF_DSDT));
    store32_le(at(image, OFF_FADT + 64), 0x604);        /* PM1a_CNT_BLK */
    store32_le(at(image, OFF_FADT + 112), 1u << 10);    /* RESET_REG_SUP */
    at(image, OFF_FADT + 116)[0] = ACPI_SPACE_IO;       /* RESET_REG */
    at(image, OFF_FADT + 116)[1] = 8;
    store64_le(at(image, OFF_FADT + 120), 0xcf9);
    at(image, OFF_FADT + 128)[0] = 0x06;                /* RESET_VALUE */
    store64_le(at(image, OFF_FADT + 140), PHYS(OFF_DSDT)); /* X_DSDT */
    header(image, OFF_DSDT, "DSDT", 36 + sizeof good_aml);
    memcpy(at(image, OFF_DSDT + 36), good_aml, sizeof good_aml);
    fix(image);
}

/* Rewrites the AML of the DSDT (and its length). */
static void set_aml(struct image *image, const uint8_t *aml, size_t len)
{
    memset(at(image, OFF_DSDT + 36), 0, IMAGE_SIZE - OFF_DSDT - 36);
    memcpy(at(image, OFF_DSDT + 36), aml, len);
    store32_le(at(image, OFF_DSDT + 4), (uint32_t)(36 + len));
}

struct acpi_case {
    const char *name;
    int expected;
    void (*mutate)(struct image *image); /* NULL: the good image */
    bool refix;                          /* recompute checksums after mutate */
};

#define AML(image, ...) do { static const uint8_t aml[] = { __VA_ARGS__ }; \
    set_aml(image, aml, sizeof aml); } while (0)

static void rsdp_signature(struct image *i) { at(i, OFF_RSDP)[3] = 'X'; }
static void rsdp_checksum(struct image *i) { at(i, OFF_RSDP)[8] ^= 1; }
static void rsdp_revision(struct image *i) { at(i, OFF_RSDP)[15] = 0; }
static void rsdp_extended_checksum(struct image *i) { at(i, OFF_RSDP)[32] ^= 1; }
static void rsdp_length_short(struct image *i) { store32_le(at(i, OFF_RSDP + 20), 20); }
static void rsdp_length_huge(struct image *i) { store32_le(at(i, OFF_RSDP + 20), 0xffffffffu); }
static void xsdt_zero(struct image *i) { store64_le(at(i, OFF_RSDP + 24), 0); }
static void xsdt_outside(struct image *i) { store64_le(at(i, OFF_RSDP + 24), PHYS(IMAGE_SIZE - 8)); }
static void xsdt_address_wraps(struct image *i) { store64_le(at(i, OFF_RSDP + 24), UINT64_MAX - 3); }
static void xsdt_signature(struct image *i) { memcpy(at(i, OFF_XSDT), "RSDT", 4); }
static void xsdt_checksum(struct image *i) { at(i, OFF_XSDT + 40)[0] ^= 0x80; }
static void xsdt_length_short(struct image *i) { store32_le(at(i, OFF_XSDT + 4), 10); }
static void xsdt_length_past_end(struct image *i) { store32_le(at(i, OFF_XSDT + 4), 0x10000); }
static void xsdt_length_huge(struct image *i) { store32_le(at(i, OFF_XSDT + 4), 0xfffffff0u); }
static void xsdt_partial_entry(struct image *i) { store32_le(at(i, OFF_XSDT + 4), 36 + 12); }
static void xsdt_no_fadt(struct image *i) { store32_le(at(i, OFF_XSDT + 4), 36 + 8); }
static void xsdt_bad_entry_then_fadt(struct image *i) { store64_le(at(i, OFF_XSDT + 36), 0xdead0000ull); }
static void fadt_short(struct image *i) { store32_le(at(i, OFF_FADT + 4), 100); }
static void fadt_checksum(struct image *i) { at(i, OFF_FADT + 64)[0] ^= 1; }
static void fadt_length_past_end(struct image *i) { store32_le(at(i, OFF_FADT + 4), 0x100000); }
static void fadt_no_dsdt(struct image *i)
{
    store32_le(at(i, OFF_FADT + 40), 0);
    store64_le(at(i, OFF_FADT + 140), 0);
}
static void fadt_no_pm1a(struct image *i) { store32_le(at(i, OFF_FADT + 64), 0); }
static void fadt_pm1a_extended(struct image *i)
{
    store32_le(at(i, OFF_FADT + 64), 0);
    at(i, OFF_FADT + 172)[0] = ACPI_SPACE_IO; /* X_PM1a_CNT_BLK */
    store64_le(at(i, OFF_FADT + 176), 0xb004);
}
static void fadt_acpi1_length(struct image *i) /* 116 bytes: no reset register, no X_ fields */
{
    store32_le(at(i, OFF_FADT + 4), 116);
}
static void dsdt_signature(struct image *i) { memcpy(at(i, OFF_DSDT), "SSDT", 4); }
static void dsdt_outside(struct image *i) { store64_le(at(i, OFF_FADT + 140), PHYS(IMAGE_SIZE + 64)); }
static void s5_missing(struct image *i) { AML(i, 0x10, 0x05, 'F', 'O', 'O', '_', 0x00); }
static void s5_reference_only(struct image *i) { AML(i, 0xa4, '_', 'S', '5', '_', 0x00); }
static void s5_package_past_end(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x04, 0x00); }
static void s5_not_integer(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0d, 'a', 0x00, 0x00); }
static void s5_type_too_big(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x09, 0x00); }
static void s5_ones(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0x00); }
static void s5_no_elements(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00); }
static void s5_truncated(struct image *i) { AML(i, 0x00, 0x08, '_', 'S', '5', '_', 0x12); }
static void s5_pkglength_reserved_bits(struct image *i)
{
    AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x76, 0x00, 0x02, 0x00, 0x00);
}
static void s5_element_truncated(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x0c, 0x01); }
static void s5_root_prefix_word(struct image *i) /* Name(\_S5, Package(2){Word 7, One}), two-byte PkgLength */
{
    AML(i, 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0b, 0x07, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00);
}
static void s5_one_element(struct image *i) { AML(i, 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x01); }

static const struct acpi_case cases[] = {
    { "good", ACPI_OK, NULL, false },
    { "rsdp-signature", ACPI_ERROR_RSDP_SIGNATURE, rsdp_signature, true },
    { "rsdp-checksum", ACPI_ERROR_RSDP_CHECKSUM, rsdp_checksum, false },
    { "rsdp-revision-0", ACPI_ERROR_RSDP_REVISION, rsdp_revision, true },
    { "rsdp-extended-checksum", ACPI_ERROR_RSDP_EXTENDED_CHECKSUM, rsdp_extended_checksum, false },
    { "rsdp-length-short", ACPI_ERROR_RSDP_LENGTH, rsdp_length_short, true },
    { "rsdp-length-huge", ACPI_ERROR_RSDP_LENGTH, rsdp_length_huge, true },
    { "xsdt-address-zero", ACPI_ERROR_NO_XSDT, xsdt_zero, true },
    { "xsdt-outside-memory", ACPI_ERROR_UNMAPPED, xsdt_outside, true },
    { "xsdt-address-wraps", ACPI_ERROR_UNMAPPED, xsdt_address_wraps, true },
    { "xsdt-signature", ACPI_ERROR_TABLE_SIGNATURE, xsdt_signature, true },
    { "xsdt-checksum", ACPI_ERROR_TABLE_CHECKSUM, xsdt_checksum, false },
    { "xsdt-length-short", ACPI_ERROR_TABLE_LENGTH, xsdt_length_short, true },
    { "xsdt-length-past-end", ACPI_ERROR_UNMAPPED, xsdt_length_past_end, true },
    { "xsdt-length-huge", ACPI_ERROR_TABLE_LENGTH, xsdt_length_huge, true },
    { "xsdt-partial-entry", ACPI_ERROR_XSDT_ENTRIES, xsdt_partial_entry, true },
    { "xsdt-no-fadt", ACPI_ERROR_NO_FADT, xsdt_no_fadt, true },
    { "xsdt-bad-entry-then-fadt", ACPI_OK, xsdt_bad_entry_then_fadt, true },
    { "fadt-short", ACPI_ERROR_FADT_LENGTH, fadt_short, true },
    { "fadt-checksum", ACPI_ERROR_TABLE_CHECKSUM, fadt_checksum, false },
    { "fadt-length-past-end", ACPI_ERROR_UNMAPPED, fadt_length_past_end, true },
    { "fadt-no-dsdt", ACPI_ERROR_NO_DSDT, fadt_no_dsdt, true },
    { "fadt-no-pm1a", ACPI_ERROR_NO_PM1A, fadt_no_pm1a, true },
    { "fadt-pm1a-extended", ACPI_OK, fadt_pm1a_extended, true },
    { "fadt-acpi1-length", ACPI_OK, fadt_acpi1_length, true },
    { "dsdt-signature", ACPI_ERROR_TABLE_SIGNATURE, dsdt_signature, true },
    { "dsdt-outside-memory", ACPI_ERROR_UNMAPPED, dsdt_outside, true },
    { "s5-missing", ACPI_ERROR_NO_S5, s5_missing, true },
    { "s5-reference-only", ACPI_ERROR_NO_S5, s5_reference_only, true },
    { "s5-package-past-end", ACPI_ERROR_S5_MALFORMED, s5_package_past_end, true },
    { "s5-element-not-integer", ACPI_ERROR_S5_MALFORMED, s5_not_integer, true },
    { "s5-sleep-type-too-big", ACPI_ERROR_S5_MALFORMED, s5_type_too_big, true },
    { "s5-ones", ACPI_ERROR_S5_MALFORMED, s5_ones, true },
    { "s5-no-elements", ACPI_ERROR_S5_MALFORMED, s5_no_elements, true },
    { "s5-truncated", ACPI_ERROR_S5_MALFORMED, s5_truncated, true },
    { "s5-pkglength-reserved-bits", ACPI_ERROR_S5_MALFORMED, s5_pkglength_reserved_bits, true },
    { "s5-element-truncated", ACPI_ERROR_S5_MALFORMED, s5_element_truncated, true },
    { "s5-root-prefix-word", ACPI_OK, s5_root_prefix_word, true },
    { "s5-one-element", ACPI_OK, s5_one_element, true },
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

static void case_build(const struct acpi_case *c, struct image *image)
{
    image_good(image);
    if (c->mutate != NULL) {
        c->mutate(image);
        if (c->refix)
            fix(image);
    }
}

/* Runs the case from a heap copy of exactly its bytes, so ASan sees any
 * read past them. */
static int case_run(const uint8_t *bytes, size_t len, struct acpi_info *info)
{
    uint8_t *copy = malloc(len);
    if (copy == NULL)
        abort();
    memcpy(copy, bytes, len);
    int result = acpi_blob_run(copy, len, info);
    free(copy);
    return result;
}

static void test_cases(void)
{
    int wrong = 0;
    for (size_t i = 0; i < CASE_COUNT; i++) {
        struct image image;
        struct acpi_info info;
        case_build(&cases[i], &image);
        int result = case_run(image.bytes, image.len, &info);
        if (result != cases[i].expected) {
            fprintf(stderr, "case %s: got %d (%s), expected %d (%s)\n", cases[i].name, result,
                    acpi_error_message(result), cases[i].expected,
                    acpi_error_message(cases[i].expected));
            wrong++;
        }
    }
    test_check(wrong == 0, "acpi parser: %zu table sets give their exact result (%d wrong)",
               CASE_COUNT, wrong);
}

static void test_good_values(void)
{
    struct image image;
    struct acpi_info info;
    image_good(&image);
    int result = case_run(image.bytes, image.len, &info);
    test_check(result == ACPI_OK && info.rsdp_revision == 2 && info.xsdt == PHYS(OFF_XSDT) &&
               info.xsdt_entries == 2 && info.fadt == PHYS(OFF_FADT) &&
               info.dsdt == PHYS(OFF_DSDT) && info.pm1a_control == 0x604 &&
               info.pm1b_control == 0 && info.s5_found && info.s5_sleep_type_a == 5 &&
               info.s5_sleep_type_b == 0,
               "acpi parser: good tables give XSDT, FADT, DSDT, PM1a 0x604 and S5 = 5/0");
    test_check(info.reset_supported && info.reset_register.space == ACPI_SPACE_IO &&
               info.reset_register.address == 0xcf9 && info.reset_value == 6,
               "acpi parser: reset register I/O 0xcf9 value 6");

    case_build(&cases[CASE_COUNT - 2], &image); /* s5-root-prefix-word */
    result = case_run(image.bytes, image.len, &info);
    test_check(result == ACPI_OK && info.s5_sleep_type_a == 7 && info.s5_sleep_type_b == 1,
               "acpi parser: \\_S5 with root prefix, 2-byte PkgLength, WordConst gives 7/1");
    image_good(&image);
    fadt_pm1a_extended(&image);
    fix(&image);
    result = case_run(image.bytes, image.len, &info);
    test_check(result == ACPI_OK && info.pm1a_control == 0xb004,
               "acpi parser: X_PM1a_CNT_BLK in I/O space overrides the 32-bit field");
    image_good(&image);
    fadt_no_pm1a(&image);
    fix(&image);
    result = case_run(image.bytes, image.len, &info);
    test_check(result == ACPI_ERROR_NO_PM1A && info.fadt_found && info.reset_supported &&
               info.s5_found,
               "acpi parser: FADT without PM1a still reports reset register and \\_S5");
}

/* Every truncation of the good image must fail cleanly (no crash, no read
 * outside the buffer, which ASan would report). */
static void test_truncations(void)
{
    struct image image;
    struct acpi_info info;
    image_good(&image);
    int ok_count = 0;
    for (size_t len = 0; len < image.len; len++) {
        if (case_run(image.bytes, len, &info) == ACPI_OK)
            ok_count++;
    }
    /* The image ends with zero padding after the DSDT: lengths that keep
     * the whole DSDT parse fine, all others must be refused. */
    size_t dsdt_end = 1 + OFF_DSDT + 36 + sizeof good_aml;
    test_check(ok_count == (int)(image.len - dsdt_end),
               "acpi parser: %zu truncated images refused, only those holding every table pass",
               image.len);
}

static int write_corpus(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case file> <acpi_result>: written by acpi_test --write-corpus\n");
    for (size_t i = 0; i < CASE_COUNT; i++) {
        struct image image;
        case_build(&cases[i], &image);
        /* Trim the zero padding after the DSDT: smaller seeds, same meaning. */
        size_t dsdt_end = 1 + OFF_DSDT + load32_le(at(&image, OFF_DSDT + 4));
        size_t len = image.len;
        while (len > 1 && len > dsdt_end && image.bytes[len - 1] == 0)
            len--;
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(image.bytes, 1, len, f) != len || fclose(f) != 0)
            return 1;
        fprintf(expected, "%s %d  # %s\n", cases[i].name, cases[i].expected,
                acpi_error_message(cases[i].expected));
    }
    return fclose(expected) != 0;
}

static int check_corpus(const char *dir)
{
    char path[512], name[128];
    int expected_result, count = 0, wrong = 0;
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "r");
    if (expected == NULL) {
        test_check(false, "acpi corpus: %s missing", path);
        return test_finish();
    }
    char line[256];
    while (fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %d", name, &expected_result) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        uint8_t buffer[1 + IMAGE_SIZE + 64];
        size_t len = f != NULL ? fread(buffer, 1, sizeof buffer, f) : 0;
        if (f != NULL)
            fclose(f);
        struct acpi_info info;
        int result = len > 0 ? case_run(buffer, len, &info) : -2;
        if (result != expected_result) {
            fprintf(stderr, "corpus %s: got %d (%s), expected %d\n", name, result,
                    acpi_error_message(result), expected_result);
            wrong++;
        }
        count++;
    }
    fclose(expected);
    test_check(count >= (int)CASE_COUNT && wrong == 0,
               "acpi corpus: %d committed inputs give their expected result (%d wrong)", count,
               wrong);
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
    test_check(strcmp(acpi_error_message(ACPI_ERROR_COUNT), "unknown ACPI error") == 0 &&
               strcmp(acpi_error_message(-1), "unknown ACPI error") == 0,
               "acpi parser: every result code has a message, unknown codes too");
    return test_finish();
}
