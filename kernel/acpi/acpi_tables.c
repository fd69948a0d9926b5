/* ACPI table parsing: portable, bounded, checked. See acpi_tables.h.
 *
 * Invariant of every function here: a byte is read only after its offset
 * has been checked against the length of the buffer it is read from. */
#include "kernel/acpi/acpi_tables.h"

#include <stddef.h>

#include "base/checked.h"
#include "base/endian.h"

/* Offsets in the RSDP (ACPI 5.2.5.3). */
#define RSDP_CHECKSUM_LENGTH 20
#define RSDP_REVISION 15
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_MAX_LENGTH 4096u

/* Offsets in the FADT (ACPI 5.2.9). */
#define FADT_DSDT 40
#define FADT_SMI_COMMAND 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CONTROL 64
#define FADT_PM1B_CONTROL 68
#define FADT_FLAGS 112
#define FADT_RESET_REGISTER 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CONTROL 172
#define FADT_X_PM1B_CONTROL 184
#define FADT_MIN_LENGTH 116         /* up to the flags: ACPI 1.0 size */
#define FADT_FLAG_RESET_SUPPORTED (1u << 10)
#define ACPI_ADDRESS_SIZE 12

/* AML opcodes (ACPI 20.2) used by the \_S5 search. */
#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE 0x12
#define AML_ROOT '\\'
#define SLEEP_TYPE_MAX 7

static const char *const acpi_messages[ACPI_ERROR_COUNT] = {
    [ACPI_OK] = "ok",
    [ACPI_ERROR_NO_RSDP] = "no ACPI RSDP",
    [ACPI_ERROR_UNMAPPED] = "table address not readable",
    [ACPI_ERROR_RSDP_SIGNATURE] = "RSDP signature is not \"RSD PTR \"",
    [ACPI_ERROR_RSDP_CHECKSUM] = "RSDP checksum mismatch",
    [ACPI_ERROR_RSDP_REVISION] = "RSDP revision below 2 (no XSDT)",
    [ACPI_ERROR_RSDP_LENGTH] = "RSDP length out of range",
    [ACPI_ERROR_RSDP_EXTENDED_CHECKSUM] = "RSDP extended checksum mismatch",
    [ACPI_ERROR_NO_XSDT] = "RSDP has no XSDT address",
    [ACPI_ERROR_TABLE_SIGNATURE] = "table signature mismatch",
    [ACPI_ERROR_TABLE_LENGTH] = "table length out of range",
    [ACPI_ERROR_TABLE_CHECKSUM] = "table checksum mismatch",
    [ACPI_ERROR_XSDT_ENTRIES] = "XSDT length is not a whole number of entries",
    [ACPI_ERROR_NO_FADT] = "no FADT in the XSDT",
    [ACPI_ERROR_FADT_LENGTH] = "FADT too short",
    [ACPI_ERROR_NO_DSDT] = "FADT has no DSDT address",
    [ACPI_ERROR_NO_S5] = "no \\_S5 package in the DSDT",
    [ACPI_ERROR_S5_MALFORMED] = "\\_S5 package malformed",
    [ACPI_ERROR_NO_PM1A] = "FADT has no PM1a control port",
};

const char *acpi_error_message(int result)
{
    if (result < 0 || result >= ACPI_ERROR_COUNT)
        return "unknown ACPI error";
    return acpi_messages[result];
}

/* The sum of all bytes of a valid checksummed structure is 0 mod 256. */
static uint8_t byte_sum(const uint8_t *data, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + data[i]);
    return sum;
}

int acpi_rsdp_check(struct bytes rsdp, uint64_t *xsdt)
{
    static const char signature[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
    if (rsdp.len < RSDP_CHECKSUM_LENGTH)
        return ACPI_ERROR_RSDP_LENGTH;
    for (size_t i = 0; i < sizeof signature; i++) {
        if (rsdp.data[i] != (uint8_t)signature[i])
            return ACPI_ERROR_RSDP_SIGNATURE;
    }
    if (byte_sum(rsdp.data, RSDP_CHECKSUM_LENGTH) != 0)
        return ACPI_ERROR_RSDP_CHECKSUM;
    if (rsdp.data[RSDP_REVISION] < 2)
        return ACPI_ERROR_RSDP_REVISION;
    if (rsdp.len < ACPI_RSDP_SIZE)
        return ACPI_ERROR_RSDP_LENGTH;
    uint32_t length = load32_le(rsdp.data + RSDP_LENGTH);
    if (length < ACPI_RSDP_SIZE || length > rsdp.len)
        return ACPI_ERROR_RSDP_LENGTH;
    if (byte_sum(rsdp.data, length) != 0)
        return ACPI_ERROR_RSDP_EXTENDED_CHECKSUM;
    *xsdt = load64_le(rsdp.data + RSDP_XSDT);
    return *xsdt == 0 ? ACPI_ERROR_NO_XSDT : ACPI_OK;
}

int acpi_table_check(struct bytes table, const char signature[4])
{
    if (table.len < ACPI_HEADER_SIZE)
        return ACPI_ERROR_TABLE_LENGTH;
    for (size_t i = 0; i < 4; i++) {
        if (table.data[i] != (uint8_t)signature[i])
            return ACPI_ERROR_TABLE_SIGNATURE;
    }
    uint32_t length = load32_le(table.data + 4);
    if (length < ACPI_HEADER_SIZE || length > table.len || length > ACPI_MAX_TABLE_SIZE)
        return ACPI_ERROR_TABLE_LENGTH;
    if (byte_sum(table.data, length) != 0)
        return ACPI_ERROR_TABLE_CHECKSUM;
    return ACPI_OK;
}

static struct acpi_address address_load(const uint8_t *p)
{
    struct acpi_address a = { p[0], p[1], p[2], p[3], load64_le(p + 4) };
    return a;
}

/* A PM1 control block: the 64-bit X_ field when present and in I/O space,
 * else the 32-bit port field. Ports above 0xffff do not exist: 0 (absent). */
static uint16_t fadt_control_port(struct bytes fadt, size_t legacy, size_t extended)
{
    uint64_t port = load32_le(fadt.data + legacy);
    if (range_fits(extended, ACPI_ADDRESS_SIZE, fadt.len)) {
        struct acpi_address x = address_load(fadt.data + extended);
        if (x.address != 0 && x.space == ACPI_SPACE_IO)
            port = x.address;
    }
    return port <= 0xffff ? (uint16_t)port : 0;
}

int acpi_fadt_parse(struct bytes fadt, struct acpi_info *info)
{
    /* Fields past the declared length are not part of the table. */
    if (fadt.len >= ACPI_HEADER_SIZE && load32_le(fadt.data + 4) < fadt.len)
        fadt.len = load32_le(fadt.data + 4);
    if (fadt.len < FADT_MIN_LENGTH)
        return ACPI_ERROR_FADT_LENGTH;
    info->dsdt = load32_le(fadt.data + FADT_DSDT);
    if (range_fits(FADT_X_DSDT, 8, fadt.len) && load64_le(fadt.data + FADT_X_DSDT) != 0)
        info->dsdt = load64_le(fadt.data + FADT_X_DSDT);
    info->smi_command = load32_le(fadt.data + FADT_SMI_COMMAND);
    info->acpi_enable = fadt.data[FADT_ACPI_ENABLE];
    info->pm1a_control = fadt_control_port(fadt, FADT_PM1A_CONTROL, FADT_X_PM1A_CONTROL);
    info->pm1b_control = fadt_control_port(fadt, FADT_PM1B_CONTROL, FADT_X_PM1B_CONTROL);
    uint32_t flags = load32_le(fadt.data + FADT_FLAGS);
    if (range_fits(FADT_RESET_REGISTER, ACPI_ADDRESS_SIZE + 1, fadt.len)) {
        info->reset_supported = (flags & FADT_FLAG_RESET_SUPPORTED) != 0;
        info->reset_register = address_load(fadt.data + FADT_RESET_REGISTER);
        info->reset_value = fadt.data[FADT_RESET_VALUE];
    }
    info->fadt_found = true;
    if (info->dsdt == 0)
        return ACPI_ERROR_NO_DSDT;
    return info->pm1a_control == 0 ? ACPI_ERROR_NO_PM1A : ACPI_OK;
}

/* Decodes an AML PkgLength (ACPI 20.2.4) at aml[*pos]; on success *pos is
 * past it and *length is the package length counted from its first byte. */
static bool aml_package_length(struct bytes aml, size_t *pos, size_t *length)
{
    if (*pos >= aml.len)
        return false;
    uint8_t lead = aml.data[*pos];
    size_t follow = lead >> 6;
    if (follow == 0) {
        *length = lead & 0x3f;
        (*pos)++;
        return true;
    }
    if ((lead & 0x30) != 0 || !range_fits(*pos + 1, follow, aml.len))
        return false;
    size_t value = lead & 0x0f;
    for (size_t i = 0; i < follow; i++)
        value |= (size_t)aml.data[*pos + 1 + i] << (4 + 8 * i);
    *length = value;
    *pos += 1 + follow;
    return true;
}

/* Decodes one integer element (ZeroOp, OneOp or a Byte/Word/DWord/QWord
 * constant) that must lie before `end`. */
static bool aml_integer(struct bytes aml, size_t *pos, size_t end, uint64_t *value)
{
    if (*pos >= end)
        return false;
    uint8_t op = aml.data[(*pos)++];
    size_t size;
    switch (op) {
    case AML_ZERO: *value = 0; return true;
    case AML_ONE: *value = 1; return true;
    case AML_BYTE_PREFIX: size = 1; break;
    case AML_WORD_PREFIX: size = 2; break;
    case AML_DWORD_PREFIX: size = 4; break;
    case AML_QWORD_PREFIX: size = 8; break;
    default: return false;
    }
    if (!range_fits(*pos, size, end))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++)
        v |= (uint64_t)aml.data[*pos + i] << (8 * i);
    *pos += size;
    *value = v;
    return true;
}

/* Parses the Package that starts at aml[pos] (the PackageOp byte). */
static int aml_s5_package(struct bytes aml, size_t pos, uint8_t *a, uint8_t *b)
{
    size_t start = pos + 1, length;
    pos = start;
    if (!aml_package_length(aml, &pos, &length) || length < pos - start ||
        !range_fits(start, length, aml.len) || pos >= start + length)
        return ACPI_ERROR_S5_MALFORMED;
    size_t end = start + length;
    uint8_t elements = aml.data[pos++];
    uint64_t values[2] = { 0, 0 };
    for (size_t i = 0; i < 2 && i < elements; i++) {
        if (!aml_integer(aml, &pos, end, &values[i]) || values[i] > SLEEP_TYPE_MAX)
            return ACPI_ERROR_S5_MALFORMED;
    }
    if (elements == 0)
        return ACPI_ERROR_S5_MALFORMED;
    *a = (uint8_t)values[0];
    *b = (uint8_t)values[1];
    return ACPI_OK;
}

int acpi_s5_find(struct bytes aml, uint8_t *sleep_type_a, uint8_t *sleep_type_b)
{
    /* A declaration is NameOp, an optional root prefix, "_S5_", PackageOp.
     * Other occurrences of "_S5_" (references inside methods) are skipped. */
    for (size_t i = 1; i + 5 <= aml.len; i++) {
        if (aml.data[i] != '_' || aml.data[i + 1] != 'S' || aml.data[i + 2] != '5' ||
            aml.data[i + 3] != '_')
            continue;
        bool named = aml.data[i - 1] == AML_NAME ||
                     (aml.data[i - 1] == AML_ROOT && i >= 2 && aml.data[i - 2] == AML_NAME);
        if (!named || aml.data[i + 4] != AML_PACKAGE)
            continue;
        return aml_s5_package(aml, i + 4, sleep_type_a, sleep_type_b);
    }
    return ACPI_ERROR_NO_S5;
}

/* Maps a whole table: the header first for its length, then all of it. */
static int table_map(const struct acpi_memory *memory, uint64_t phys, const char signature[4],
                     struct bytes *table)
{
    const uint8_t *header = memory->map(memory->context, phys, ACPI_HEADER_SIZE);
    if (header == NULL)
        return ACPI_ERROR_UNMAPPED;
    uint32_t length = load32_le(header + 4);
    if (length < ACPI_HEADER_SIZE || length > ACPI_MAX_TABLE_SIZE)
        return ACPI_ERROR_TABLE_LENGTH;
    const uint8_t *data = memory->map(memory->context, phys, length);
    if (data == NULL)
        return ACPI_ERROR_UNMAPPED;
    *table = bytes_make(data, length);
    return acpi_table_check(*table, signature);
}

/* Looks through the XSDT for the FADT ("FACP"). Entries whose header cannot
 * be read are skipped: one bad pointer must not hide the FADT. */
static int xsdt_find_fadt(const struct acpi_memory *memory, struct bytes xsdt,
                          struct acpi_info *info)
{
    size_t body = xsdt.len - ACPI_HEADER_SIZE;
    if (body % 8 != 0 || body / 8 > ACPI_MAX_XSDT_ENTRIES)
        return ACPI_ERROR_XSDT_ENTRIES;
    info->xsdt_entries = (uint32_t)(body / 8);
    for (size_t i = 0; i < body / 8; i++) {
        uint64_t phys = load64_le(xsdt.data + ACPI_HEADER_SIZE + 8 * i);
        const uint8_t *header = memory->map(memory->context, phys, ACPI_HEADER_SIZE);
        if (header == NULL || header[0] != 'F' || header[1] != 'A' || header[2] != 'C' ||
            header[3] != 'P')
            continue;
        info->fadt = phys;
        return ACPI_OK;
    }
    return ACPI_ERROR_NO_FADT;
}

static int acpi_parse_fadt_and_dsdt(const struct acpi_memory *memory, struct acpi_info *info)
{
    struct bytes fadt, dsdt;
    int result = table_map(memory, info->fadt, "FACP", &fadt);
    if (result != ACPI_OK)
        return result;
    result = acpi_fadt_parse(fadt, info);
    if (result != ACPI_OK && result != ACPI_ERROR_NO_PM1A)
        return result;
    int dsdt_result = table_map(memory, info->dsdt, "DSDT", &dsdt);
    if (dsdt_result != ACPI_OK)
        return dsdt_result;
    dsdt.data += ACPI_HEADER_SIZE; /* the AML follows the header */
    dsdt.len -= ACPI_HEADER_SIZE;
    dsdt_result = acpi_s5_find(dsdt, &info->s5_sleep_type_a, &info->s5_sleep_type_b);
    if (dsdt_result != ACPI_OK)
        return dsdt_result;
    info->s5_found = true;
    return result;
}

int acpi_parse(const struct acpi_memory *memory, uint64_t rsdp_phys, struct acpi_info *info)
{
    *info = (struct acpi_info){ 0 };
    if (rsdp_phys == 0)
        return ACPI_ERROR_NO_RSDP;
    const uint8_t *rsdp = memory->map(memory->context, rsdp_phys, ACPI_RSDP_SIZE);
    if (rsdp == NULL)
        return ACPI_ERROR_UNMAPPED;
    info->rsdp_revision = rsdp[RSDP_REVISION];
    /* The extended length may exceed 36 bytes: map what it declares. */
    uint32_t length = load32_le(rsdp + RSDP_LENGTH);
    if (length >= ACPI_RSDP_SIZE && length <= RSDP_MAX_LENGTH)
        rsdp = memory->map(memory->context, rsdp_phys, length);
    else
        length = ACPI_RSDP_SIZE;
    if (rsdp == NULL)
        return ACPI_ERROR_UNMAPPED;
    int result = acpi_rsdp_check(bytes_make(rsdp, length), &info->xsdt);
    if (result != ACPI_OK)
        return result;
    struct bytes xsdt;
    result = table_map(memory, info->xsdt, "XSDT", &xsdt);
    if (result == ACPI_OK)
        result = xsdt_find_fadt(memory, xsdt, info);
    if (result == ACPI_OK)
        result = acpi_parse_fadt_and_dsdt(memory, info);
    return result;
}
