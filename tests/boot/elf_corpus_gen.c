/* Writes the corpus of malformed kernel ELF files (tests/corpus/boot-elf/):
 * each file is a small valid kernel image with one defect, and the list
 * EXPECTED names the exact elf_result each must produce. The files are
 * committed; rerun with `make boot-elf-corpus` after changing this program.
 *   elf_corpus_gen DIRECTORY */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/endian.h"

#define BASE 0xffffffff80000000ULL
#define HEADER 64
#define PHDR 56
#define MAX_FILE 2048

struct sample {
    uint8_t bytes[MAX_FILE];
    size_t size;
};

static uint8_t *phdr(struct sample *s, int i)
{
    return s->bytes + HEADER + (size_t)i * PHDR;
}

static void set_segment(struct sample *s, int i, uint32_t flags, uint64_t offset, uint64_t vaddr,
                        uint64_t filesz, uint64_t memsz)
{
    uint8_t *p = phdr(s, i);
    store32_le(p, 1); /* PT_LOAD */
    store32_le(p + 4, flags);
    store64_le(p + 8, offset);
    store64_le(p + 16, vaddr);
    store64_le(p + 24, vaddr);
    store64_le(p + 32, filesz);
    store64_le(p + 40, memsz);
    store64_le(p + 48, 0x1000);
}

/* A valid image: text (R X) at BASE and data (R W, with bss) one page up. */
static void valid(struct sample *s)
{
    memset(s, 0, sizeof *s);
    uint8_t *h = s->bytes;
    memcpy(h, "\x7f" "ELF", 4);
    h[4] = 2; /* ELFCLASS64 */
    h[5] = 1; /* ELFDATA2LSB */
    h[6] = 1; /* EV_CURRENT */
    store16_le(h + 16, 2);  /* ET_EXEC */
    store16_le(h + 18, 62); /* EM_X86_64 */
    store32_le(h + 20, 1);
    store64_le(h + 24, BASE);
    store64_le(h + 32, HEADER);
    store16_le(h + 52, HEADER);
    store16_le(h + 54, PHDR);
    store16_le(h + 56, 2);
    set_segment(s, 0, 5, 0x100, BASE, 0x10, 0x10);
    set_segment(s, 1, 6, 0x110, BASE + 0x1000, 0x10, 0x2000);
    memset(s->bytes + 0x100, 0x90, 0x10);
    memset(s->bytes + 0x110, 0xab, 0x10);
    s->size = 0x120;
}

static FILE *expected;
static const char *directory;

static void emit(const struct sample *s, const char *name, const char *error)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.elf", directory, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s->bytes, 1, s->size, f) != s->size || fclose(f) != 0) {
        perror(path);
        return;
    }
    fprintf(expected, "%s.elf %s\n", name, error);
}

static void header_defects(void)
{
    struct sample s;
    valid(&s);
    emit(&s, "ok-minimal", "ELF_OK");
    valid(&s); s.size = 40;
    emit(&s, "truncated-header", "ELF_ERR_TRUNCATED");
    valid(&s); s.size = 0;
    emit(&s, "empty-file", "ELF_ERR_TRUNCATED");
    valid(&s); s.bytes[1] = 'X';
    emit(&s, "bad-magic", "ELF_ERR_MAGIC");
    valid(&s); s.bytes[4] = 1;
    emit(&s, "elf32-class", "ELF_ERR_CLASS");
    valid(&s); s.bytes[5] = 2;
    emit(&s, "big-endian", "ELF_ERR_ENCODING");
    valid(&s); store32_le(s.bytes + 20, 2);
    emit(&s, "version-2", "ELF_ERR_VERSION");
    valid(&s); store16_le(s.bytes + 16, 3);
    emit(&s, "type-dyn", "ELF_ERR_TYPE");
    valid(&s); store16_le(s.bytes + 18, 3);
    emit(&s, "machine-i386", "ELF_ERR_MACHINE");
    valid(&s); store16_le(s.bytes + 54, 32);
    emit(&s, "phentsize-32", "ELF_ERR_HEADER_SIZE");
    valid(&s); store16_le(s.bytes + 56, 0);
    emit(&s, "no-program-headers", "ELF_ERR_PROGRAM_COUNT");
    valid(&s); store16_le(s.bytes + 56, 0xffff);
    emit(&s, "phnum-65535", "ELF_ERR_PROGRAM_COUNT");
    valid(&s); store64_le(s.bytes + 32, 0x100);
    emit(&s, "phdrs-past-end", "ELF_ERR_PROGRAM_BOUNDS");
    valid(&s); store64_le(s.bytes + 32, UINT64_MAX - 8);
    emit(&s, "phoff-wraps", "ELF_ERR_PROGRAM_BOUNDS");
}

static void segment_defects(void)
{
    struct sample s;
    valid(&s); store32_le(phdr(&s, 1), 3);
    emit(&s, "interp-segment", "ELF_ERR_DYNAMIC");
    valid(&s); store32_le(phdr(&s, 1), 2);
    emit(&s, "dynamic-segment", "ELF_ERR_DYNAMIC");
    valid(&s); store64_le(phdr(&s, 0) + 40, 0);
    emit(&s, "empty-segment", "ELF_ERR_SEGMENT_EMPTY");
    valid(&s); store64_le(phdr(&s, 1) + 32, 0x3000);
    emit(&s, "filesz-over-memsz", "ELF_ERR_SEGMENT_SIZE");
    valid(&s); store64_le(phdr(&s, 0) + 8, 0x118);
    emit(&s, "segment-past-eof", "ELF_ERR_SEGMENT_BOUNDS");
    valid(&s); store64_le(phdr(&s, 0) + 8, UINT64_MAX - 4);
    emit(&s, "segment-offset-wraps", "ELF_ERR_SEGMENT_BOUNDS");
    valid(&s); store64_le(phdr(&s, 0) + 16, 0x100000); store64_le(s.bytes + 24, 0x100000);
    emit(&s, "lower-half-segment", "ELF_ERR_SEGMENT_ADDRESS");
    valid(&s); store64_le(phdr(&s, 1) + 16, 0xfffffffffffff000ULL);
    emit(&s, "segment-end-wraps", "ELF_ERR_SEGMENT_ADDRESS");
    valid(&s); store32_le(phdr(&s, 0) + 4, 7);
    emit(&s, "write-execute", "ELF_ERR_WRITE_EXECUTE");
    valid(&s); store64_le(phdr(&s, 1) + 16, BASE + 0x10);
    emit(&s, "segments-share-page", "ELF_ERR_SEGMENT_ORDER");
    valid(&s); store64_le(phdr(&s, 0) + 16, BASE + 0x4000); store64_le(s.bytes + 24, BASE + 0x4000);
    emit(&s, "segments-descending", "ELF_ERR_SEGMENT_ORDER");
    valid(&s); store32_le(phdr(&s, 0), 4); store32_le(phdr(&s, 1), 4);
    emit(&s, "no-load-segment", "ELF_ERR_NO_SEGMENTS");
    valid(&s); store64_le(phdr(&s, 1) + 40, 128ULL << 20);
    emit(&s, "image-too-large", "ELF_ERR_IMAGE_SIZE");
    valid(&s); store64_le(s.bytes + 24, BASE + 0x1000);
    emit(&s, "entry-in-data", "ELF_ERR_ENTRY");
    valid(&s); store64_le(s.bytes + 24, BASE + 0x10);
    emit(&s, "entry-past-text", "ELF_ERR_ENTRY");
}

static void too_many_segments(void)
{
    struct sample s;
    valid(&s);
    store16_le(s.bytes + 56, 17);
    for (int i = 0; i < 17; i++)
        set_segment(&s, i, 4, 0x500, BASE + (uint64_t)i * 0x1000, 0x10, 0x10);
    store32_le(phdr(&s, 0) + 4, 5);
    s.size = 0x510;
    emit(&s, "seventeen-segments", "ELF_ERR_TOO_MANY_SEGMENTS");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
        return 2;
    }
    directory = argv[1];
    char path[512];
    snprintf(path, sizeof path, "%s/EXPECTED", directory);
    expected = fopen(path, "w");
    if (!expected) {
        perror(path);
        return 1;
    }
    fprintf(expected, "# file expected-result (written by tests/boot/elf_corpus_gen.c)\n");
    header_defects();
    segment_defects();
    too_many_segments();
    return fclose(expected) == 0 ? 0 : 1;
}
