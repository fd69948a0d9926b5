/* Host tests of the DMAR table parser (kernel/acpi/acpi_dmar.c) under
 * ASan + UBSan.
 *
 * A synthetic DMAR like QEMU's q35 one (a DRHD with INCLUDE_PCI_ALL and an
 * I/O APIC scope) plus an endpoint-scoped DRHD before it, an RMRR and an
 * ATSR is built in memory; each case changes one thing and checks the exact
 * error. The same cases are the seed corpus of the fuzz target
 * (tests/fuzz/fuzz_acpi_dmar.c, whose input is the table itself):
 *   dmar_test --write-corpus DIR   writes DIR/<case> and DIR/expected
 *   dmar_test --check-corpus DIR   replays DIR's files against expected
 * (tests/corpus/acpi-dmar/ is the committed corpus.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "kernel/acpi/acpi_dmar.h"
#include "tests/host/test.h"

#define TABLE_MAX 1024u
/* Offsets of the good table's structures. */
#define OFF_DRHD_ENDPOINT 48u /* 16 + one endpoint scope (8) = 24 */
#define OFF_DRHD_ALL 72u      /* 16 + I/O APIC scope (8) = 24 */
#define OFF_RMRR 96u          /* 24 + endpoint scope (8) = 32 */
#define OFF_ATSR 128u         /* 8 bytes, skipped */
#define GOOD_LENGTH 136u

struct table {
    uint8_t bytes[TABLE_MAX];
    size_t len; /* bytes given to the parser (the declared length may differ) */
};

static void checksum_fix(struct table *t)
{
    uint32_t length = load32_le(t->bytes + 4);
    if (length > TABLE_MAX)
        length = TABLE_MAX;
    uint8_t sum = 0;
    t->bytes[9] = 0;
    for (size_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + t->bytes[i]);
    t->bytes[9] = (uint8_t)(0 - sum);
}

static void scope(uint8_t *s, uint8_t type, uint8_t id, uint8_t bus, uint8_t dev, uint8_t fn)
{
    s[0] = type;
    s[1] = 8;
    s[4] = id;
    s[5] = bus;
    s[6] = dev;
    s[7] = fn;
}

static void table_good(struct table *t)
{
    memset(t, 0, sizeof *t);
    memcpy(t->bytes, "DMAR", 4);
    store32_le(t->bytes + 4, GOOD_LENGTH);
    t->bytes[8] = 1;
    memcpy(t->bytes + 10, "NONOS ", 6);
    t->bytes[36] = 38; /* 39-bit host address width */
    t->bytes[37] = DMAR_FLAG_INTR_REMAP;
    uint8_t *d = t->bytes + OFF_DRHD_ENDPOINT; /* unit for 00:02.0 */
    store16_le(d + 2, 24);
    store64_le(d + 8, 0xfed91000ull);
    scope(d + 16, DMAR_SCOPE_ENDPOINT, 0, 0, 2, 0);
    d = t->bytes + OFF_DRHD_ALL; /* the catch-all unit with the I/O APIC */
    store16_le(d + 2, 24);
    d[4] = 1;
    store64_le(d + 8, 0xfed90000ull);
    scope(d + 16, DMAR_SCOPE_IOAPIC, 0, 0xff, 0, 0);
    d = t->bytes + OFF_RMRR;
    store16_le(d, 1);
    store16_le(d + 2, 32);
    store64_le(d + 8, 0x7f000000ull);
    store64_le(d + 16, 0x7f00ffffull);
    scope(d + 24, DMAR_SCOPE_ENDPOINT, 0, 0, 0x1d, 0);
    d = t->bytes + OFF_ATSR;
    store16_le(d, 2);
    store16_le(d + 2, 8);
    t->len = GOOD_LENGTH;
    checksum_fix(t);
}

struct dmar_case {
    const char *name;
    int expected;
    void (*mutate)(struct table *t); /* NULL: the good table */
};

static uint8_t *at(struct table *t, size_t offset) { return t->bytes + offset; }
static void signature(struct table *t) { memcpy(t->bytes, "DMAX", 4); }
static void checksum(struct table *t) { t->bytes[40] ^= 1; t->len = GOOD_LENGTH; }
static void length_short(struct table *t) { store32_le(t->bytes + 4, 20); }
static void length_past_end(struct table *t) { store32_le(t->bytes + 4, GOOD_LENGTH + 8); }
static void truncated_input(struct table *t) { t->len = 30; }
static void header_short(struct table *t) { store32_le(t->bytes + 4, 44); t->len = 44; }
static void width_narrow(struct table *t) { t->bytes[36] = 30; }
static void width_wide(struct table *t) { t->bytes[36] = 64; }
static void structure_zero(struct table *t) { store16_le(at(t, OFF_DRHD_ENDPOINT + 2), 0); }
static void structure_past_end(struct table *t) { store16_le(at(t, OFF_ATSR + 2), 16); }
static void structure_header_split(struct table *t) /* 2 bytes left: no room for type+length */
{
    store32_le(t->bytes + 4, GOOD_LENGTH + 2);
    t->len = GOOD_LENGTH + 2;
}
static void drhd_short(struct table *t)
{
    store16_le(at(t, OFF_DRHD_ENDPOINT + 2), 12);
    memset(at(t, OFF_DRHD_ENDPOINT + 12), 0, 12); /* what follows: 12 bytes of padding */
    store16_le(at(t, OFF_DRHD_ENDPOINT + 12), 3);
    store16_le(at(t, OFF_DRHD_ENDPOINT + 14), 12);
}
static void drhd_address_zero(struct table *t) { store64_le(at(t, OFF_DRHD_ALL + 8), 0); }
static void drhd_address_unaligned(struct table *t) { store64_le(at(t, OFF_DRHD_ALL + 8), 0xfed90800ull); }
static void rmrr_short(struct table *t)
{
    store16_le(at(t, OFF_RMRR + 2), 16);
    store16_le(at(t, OFF_RMRR + 16), 3); /* the rest becomes an RHSA-typed filler */
    store16_le(at(t, OFF_RMRR + 18), 16);
}
static void rmrr_unaligned(struct table *t) { store64_le(at(t, OFF_RMRR + 8), 0x7f000800ull); }
static void rmrr_limit_below(struct table *t) { store64_le(at(t, OFF_RMRR + 16), 0x7effffffull); }
static void rmrr_limit_unaligned(struct table *t) { store64_le(at(t, OFF_RMRR + 16), 0x7f00fffeull); }
static void scope_short(struct table *t) { at(t, OFF_DRHD_ALL + 16)[1] = 6; }
static void scope_odd(struct table *t) { at(t, OFF_DRHD_ALL + 16)[1] = 7; }
static void scope_past_end(struct table *t) { at(t, OFF_DRHD_ALL + 16)[1] = 10; }
static void scope_zero(struct table *t) { at(t, OFF_RMRR + 24)[1] = 0; }
static void scope_header_split(struct table *t) { at(t, OFF_DRHD_ENDPOINT + 16)[1] = 4; }
static void scope_type_zero(struct table *t) { at(t, OFF_DRHD_ALL + 16)[0] = 0; }
static void scope_type_six(struct table *t) { at(t, OFF_DRHD_ENDPOINT + 16)[0] = 6; }
static void scope_path_long(struct table *t) /* 5 hops: more than the kernel keeps */
{
    memmove(at(t, OFF_DRHD_ALL + 40), at(t, OFF_DRHD_ALL + 24), GOOD_LENGTH - OFF_DRHD_ALL - 24);
    store16_le(at(t, OFF_DRHD_ALL + 2), 40);
    at(t, OFF_DRHD_ALL + 16)[1] = 16;
    memset(at(t, OFF_DRHD_ALL + 24), 0, 16);
    store32_le(t->bytes + 4, GOOD_LENGTH + 16);
    t->len = GOOD_LENGTH + 16;
}
static void too_many_units(struct table *t) /* 9 DRHDs without scopes */
{
    size_t pos = 48;
    for (int i = 0; i < 9; i++, pos += 16) {
        memset(at(t, pos), 0, 16);
        store16_le(at(t, pos + 2), 16);
        store16_le(at(t, pos + 6), (uint16_t)i);
        store64_le(at(t, pos + 8), 0xfed00000ull + 0x1000ull * (uint64_t)i);
    }
    store32_le(t->bytes + 4, (uint32_t)pos);
    t->len = pos;
}
#define SCOPES_OVER (DMAR_MAX_SCOPES + 1)
static void too_many_scopes(struct table *t) /* one DRHD with one scope more than kept */
{
    memset(at(t, 48), 0, TABLE_MAX - 48);
    store16_le(at(t, 48 + 2), 16 + SCOPES_OVER * 8);
    store64_le(at(t, 48 + 8), 0xfed90000ull);
    for (int i = 0; i < SCOPES_OVER; i++)
        scope(at(t, 64 + 8 * (size_t)i), DMAR_SCOPE_ENDPOINT, 0, (uint8_t)(i / 32), (uint8_t)(i % 32), 0);
    store32_le(t->bytes + 4, 64 + SCOPES_OVER * 8);
    t->len = 64 + SCOPES_OVER * 8;
}
static void too_many_reserved(struct table *t) /* 9 RMRRs after the units */
{
    size_t pos = OFF_RMRR;
    for (int i = 0; i < 9; i++, pos += 24) {
        memset(at(t, pos), 0, 24);
        store16_le(at(t, pos), 1);
        store16_le(at(t, pos + 2), 24);
        store64_le(at(t, pos + 8), 0x100000ull * (uint64_t)(i + 1));
        store64_le(at(t, pos + 16), 0x100000ull * (uint64_t)(i + 1) + 0xfff);
    }
    store32_le(t->bytes + 4, (uint32_t)pos);
    t->len = pos;
}
static void include_all_first(struct table *t) /* swap the two DRHDs */
{
    uint8_t first[24];
    memcpy(first, at(t, OFF_DRHD_ENDPOINT), 24);
    memmove(at(t, OFF_DRHD_ENDPOINT), at(t, OFF_DRHD_ALL), 24);
    memcpy(at(t, OFF_DRHD_ALL), first, 24);
}
static void include_all_other_segment(struct table *t) /* segment 1 first: fine */
{
    include_all_first(t);
    store16_le(at(t, OFF_DRHD_ENDPOINT + 6), 1);
}
static void no_unit(struct table *t) /* only the RMRR and ATSR */
{
    memmove(at(t, 48), at(t, OFF_RMRR), GOOD_LENGTH - OFF_RMRR);
    store32_le(t->bytes + 4, 48 + GOOD_LENGTH - OFF_RMRR);
    t->len = 48 + GOOD_LENGTH - OFF_RMRR;
}
static void unknown_types_skipped(struct table *t) { store16_le(at(t, OFF_ATSR), 0x7fff); }

static const struct dmar_case cases[] = {
    { "good", DMAR_OK, NULL },
    { "signature", DMAR_ERROR_TABLE_SIGNATURE, signature },
    { "checksum", DMAR_ERROR_TABLE_CHECKSUM, checksum },
    { "length-short", DMAR_ERROR_TABLE_LENGTH, length_short },
    { "length-past-end", DMAR_ERROR_TABLE_LENGTH, length_past_end },
    { "truncated-input", DMAR_ERROR_TABLE_LENGTH, truncated_input },
    { "header-short", DMAR_ERROR_HEADER_LENGTH, header_short },
    { "width-narrow", DMAR_ERROR_HOST_WIDTH, width_narrow },
    { "width-wide", DMAR_ERROR_HOST_WIDTH, width_wide },
    { "structure-length-zero", DMAR_ERROR_STRUCTURE_LENGTH, structure_zero },
    { "structure-past-end", DMAR_ERROR_STRUCTURE_LENGTH, structure_past_end },
    { "structure-header-split", DMAR_ERROR_STRUCTURE_LENGTH, structure_header_split },
    { "drhd-short", DMAR_ERROR_DRHD_LENGTH, drhd_short },
    { "drhd-address-zero", DMAR_ERROR_DRHD_ADDRESS, drhd_address_zero },
    { "drhd-address-unaligned", DMAR_ERROR_DRHD_ADDRESS, drhd_address_unaligned },
    { "rmrr-short", DMAR_ERROR_RMRR_LENGTH, rmrr_short },
    { "rmrr-base-unaligned", DMAR_ERROR_RMRR_RANGE, rmrr_unaligned },
    { "rmrr-limit-below-base", DMAR_ERROR_RMRR_RANGE, rmrr_limit_below },
    { "rmrr-limit-unaligned", DMAR_ERROR_RMRR_RANGE, rmrr_limit_unaligned },
    { "scope-short", DMAR_ERROR_SCOPE_LENGTH, scope_short },
    { "scope-odd-path", DMAR_ERROR_SCOPE_LENGTH, scope_odd },
    { "scope-past-structure", DMAR_ERROR_SCOPE_LENGTH, scope_past_end },
    { "scope-length-zero", DMAR_ERROR_SCOPE_LENGTH, scope_zero },
    { "scope-length-four", DMAR_ERROR_SCOPE_LENGTH, scope_header_split },
    { "scope-type-zero", DMAR_ERROR_SCOPE_TYPE, scope_type_zero },
    { "scope-type-six", DMAR_ERROR_SCOPE_TYPE, scope_type_six },
    { "scope-path-too-long", DMAR_ERROR_TOO_MANY_SCOPES, scope_path_long },
    { "too-many-units", DMAR_ERROR_TOO_MANY_UNITS, too_many_units },
    { "too-many-scopes", DMAR_ERROR_TOO_MANY_SCOPES, too_many_scopes },
    { "too-many-rmrr", DMAR_ERROR_TOO_MANY_RESERVED, too_many_reserved },
    { "include-all-not-last", DMAR_ERROR_INCLUDE_ALL_ORDER, include_all_first },
    { "include-all-other-segment", DMAR_OK, include_all_other_segment },
    { "no-unit", DMAR_ERROR_NO_UNIT, no_unit },
    { "unknown-type-skipped", DMAR_OK, unknown_types_skipped },
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

static void case_build(const struct dmar_case *c, struct table *t)
{
    table_good(t);
    if (c->mutate != NULL) {
        c->mutate(t);
        if (c->mutate != checksum)
            checksum_fix(t);
    }
}

/* Runs the parser over a heap copy of exactly len bytes (ASan sees any
 * read past them). */
static int case_run(const uint8_t *bytes, size_t len, struct dmar_info *info)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, bytes, len);
    int result = dmar_parse(bytes_make(copy, len), info);
    free(copy);
    return result;
}

static void test_cases(void)
{
    int wrong = 0;
    for (size_t i = 0; i < CASE_COUNT; i++) {
        struct table t;
        struct dmar_info info;
        case_build(&cases[i], &t);
        int result = case_run(t.bytes, t.len, &info);
        if (result != cases[i].expected || (result != DMAR_OK && info.unit_count != 0)) {
            fprintf(stderr, "case %s: got %d (%s), expected %d (%s)\n", cases[i].name, result,
                    dmar_error_message(result), cases[i].expected,
                    dmar_error_message(cases[i].expected));
            wrong++;
        }
    }
    test_check(wrong == 0, "dmar parser: %zu tables give their exact result, nothing kept on error (%d wrong)",
               CASE_COUNT, wrong);
}

static void test_good_values(void)
{
    struct table t;
    struct dmar_info info;
    table_good(&t);
    int result = case_run(t.bytes, t.len, &info);
    const struct dmar_unit *endpoint = &info.units[0], *all = &info.units[1];
    test_check(result == DMAR_OK && info.host_address_width == 39 &&
               info.flags == DMAR_FLAG_INTR_REMAP && info.unit_count == 2 &&
               info.other_count == 1,
               "dmar parser: width 39, INTR_REMAP, two units, one other structure");
    test_check(endpoint->register_base == 0xfed91000ull && !endpoint->include_all &&
               endpoint->scope_count == 1 && endpoint->scopes[0].type == DMAR_SCOPE_ENDPOINT &&
               dmar_scope_requester(&endpoint->scopes[0]) == 0x0010,
               "dmar parser: first unit 0xfed91000 scoped to 00:02.0 (requester 0x0010)");
    test_check(all->register_base == 0xfed90000ull && all->include_all && all->segment == 0 &&
               all->scope_count == 1 && all->scopes[0].type == DMAR_SCOPE_IOAPIC &&
               dmar_scope_requester(&all->scopes[0]) == 0xff00,
               "dmar parser: catch-all unit 0xfed90000 with the I/O APIC at ff:00.0");
    test_check(info.reserved_count == 1 && info.reserved[0].base == 0x7f000000ull &&
               info.reserved[0].limit == 0x7f00ffffull && info.reserved[0].scope_count == 1 &&
               dmar_scope_requester(&info.reserved[0].scopes[0]) == 0x00e8,
               "dmar parser: RMRR [0x7f000000, 0x7f00ffff] for 00:1d.0");
    struct dmar_scope two_hops = { DMAR_SCOPE_ENDPOINT, 0, 0, 2, { { 1, 0 }, { 0, 0 } } };
    struct dmar_scope bad_device = { DMAR_SCOPE_ENDPOINT, 0, 0, 1, { { 32, 0 } } };
    test_check(dmar_scope_requester(&two_hops) == -1 && dmar_scope_requester(&bad_device) == -1,
               "dmar parser: multi-hop paths and device numbers above 31 give no requester id");
}

/* Every truncation of the good table must be refused without a read
 * outside it (the declared length then exceeds the input). */
static void test_truncations(void)
{
    struct table t;
    struct dmar_info info;
    table_good(&t);
    int accepted = 0;
    for (size_t len = 0; len < GOOD_LENGTH; len++) {
        if (case_run(t.bytes, len, &info) == DMAR_OK)
            accepted++;
    }
    test_check(accepted == 0, "dmar parser: %u truncated tables refused (%d accepted)",
               GOOD_LENGTH, accepted);
}

static int write_corpus(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case file> <dmar_result>: written by dmar_test --write-corpus\n");
    for (size_t i = 0; i < CASE_COUNT; i++) {
        struct table t;
        case_build(&cases[i], &t);
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(t.bytes, 1, t.len, f) != t.len || fclose(f) != 0)
            return 1;
        fprintf(expected, "%s %d  # %s\n", cases[i].name, cases[i].expected,
                dmar_error_message(cases[i].expected));
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
        test_check(false, "dmar corpus: %s missing", path);
        return test_finish();
    }
    while (fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %d", name, &expected_result) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        uint8_t buffer[TABLE_MAX];
        size_t len = f != NULL ? fread(buffer, 1, sizeof buffer, f) : 0;
        if (f != NULL)
            fclose(f);
        struct dmar_info info;
        int result = f != NULL ? case_run(buffer, len, &info) : -2;
        if (result != expected_result) {
            fprintf(stderr, "corpus %s: got %d (%s), expected %d\n", name, result,
                    dmar_error_message(result), expected_result);
            wrong++;
        }
        count++;
    }
    fclose(expected);
    test_check(count >= (int)CASE_COUNT && wrong == 0,
               "dmar corpus: %d committed inputs give their expected result (%d wrong)", count,
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
    test_check(strcmp(dmar_error_message(DMAR_ERROR_COUNT), "unknown DMAR error") == 0 &&
               strcmp(dmar_error_message(-1), "unknown DMAR error") == 0,
               "dmar parser: every result code has a message, unknown codes too");
    return test_finish();
}
