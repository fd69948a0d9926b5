/* ELF64 .symtab lookup for the panic backtrace (see kernel/arch/debug.h). Only
 * STT_FUNC symbols with a size are considered; lookup is a linear scan,
 * which is fine for a path that runs once, during a panic. */
#include "kernel/arch/debug.h"

#include "base/checked.h"

#include <stdbool.h>

struct elf64_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_section {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
};

struct elf64_symbol {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
};

#define SHT_SYMTAB 2
#define STT_FUNC 2

static const char *const symbols_messages[SYMBOLS_ERROR_COUNT] = {
    [SYMBOLS_OK] = "ok",
    [SYMBOLS_ERROR_NO_FILE] = "no kernel file",
    [SYMBOLS_ERROR_NOT_ELF64] = "not an ELF64 x86-64 file",
    [SYMBOLS_ERROR_BAD_SECTIONS] = "section headers out of bounds",
    [SYMBOLS_ERROR_NO_SYMTAB] = "no valid .symtab",
};

static const struct elf64_symbol *symbol_table;
static size_t symbol_count;
static const char *string_table;
static size_t string_table_size;

const char *symbols_error_message(int result)
{
    if (result < 0 || result >= SYMBOLS_ERROR_COUNT)
        return "unknown symbols error";
    return symbols_messages[result];
}

static bool elf_header_valid(const struct elf64_header *header)
{
    return header->ident[0] == 0x7f && header->ident[1] == 'E' && header->ident[2] == 'L' &&
           header->ident[3] == 'F' && header->ident[4] == 2 /* 64-bit */ &&
           header->ident[5] == 1 /* little-endian */ && header->machine == 62 /* x86-64 */;
}

static int symbols_use_section(const uint8_t *file, size_t size,
                               const struct elf64_section *sections, uint16_t count,
                               const struct elf64_section *symtab)
{
    if (symtab->link >= count || symtab->entsize != sizeof(struct elf64_symbol) ||
        !range_fits(symtab->offset, symtab->size, size) || symtab->offset % 8 != 0)
        return SYMBOLS_ERROR_NO_SYMTAB;
    const struct elf64_section *strtab = &sections[symtab->link];
    if (!range_fits(strtab->offset, strtab->size, size) || strtab->size == 0 ||
        file[strtab->offset + strtab->size - 1] != '\0')
        return SYMBOLS_ERROR_NO_SYMTAB;
    symbol_table = (const struct elf64_symbol *)(const void *)(file + symtab->offset);
    symbol_count = symtab->size / sizeof(struct elf64_symbol);
    string_table = (const char *)(file + strtab->offset);
    string_table_size = strtab->size;
    return SYMBOLS_OK;
}

int symbols_init(const uint8_t *file, size_t size)
{
    symbol_count = 0;
    if (!file || size < sizeof(struct elf64_header))
        return SYMBOLS_ERROR_NO_FILE;
    const struct elf64_header *header = (const void *)file;
    if (!elf_header_valid(header))
        return SYMBOLS_ERROR_NOT_ELF64;
    size_t table_size;
    if (header->shentsize != sizeof(struct elf64_section) ||
        !size_mul(header->shnum, sizeof(struct elf64_section), &table_size) ||
        !range_fits(header->shoff, table_size, size) || header->shoff % 8 != 0)
        return SYMBOLS_ERROR_BAD_SECTIONS;
    const struct elf64_section *sections = (const void *)(file + header->shoff);
    for (uint16_t i = 0; i < header->shnum; i++) {
        if (sections[i].type == SHT_SYMTAB)
            return symbols_use_section(file, size, sections, header->shnum, &sections[i]);
    }
    return SYMBOLS_ERROR_NO_SYMTAB;
}

static const char *symbol_name(const struct elf64_symbol *symbol)
{
    if (symbol->name >= string_table_size)
        return NULL;
    return string_table + symbol->name;
}

const char *symbols_lookup(uint64_t address, uint64_t *offset)
{
    for (size_t i = 0; i < symbol_count; i++) {
        const struct elf64_symbol *symbol = &symbol_table[i];
        if ((symbol->info & 0xf) != STT_FUNC || symbol->size == 0)
            continue;
        if (address >= symbol->value && address - symbol->value < symbol->size) {
            *offset = address - symbol->value;
            return symbol_name(symbol);
        }
    }
    return NULL;
}

static bool names_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

uint64_t symbols_address(const char *name)
{
    for (size_t i = 0; i < symbol_count; i++) {
        const char *candidate = symbol_name(&symbol_table[i]);
        if (candidate && names_equal(candidate, name))
            return symbol_table[i].value;
    }
    return 0;
}
