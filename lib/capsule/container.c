/* .mod layout parsing and writing, and the payload ELF check.
 * The parser reads only through range-checked offsets; it accepts exactly
 * one layout per set of section lengths (no gaps, no padding, fixed order),
 * so a .mod has no room for bytes that the hashes do not cover. */
#include "capsule/container.h"

#include "base/checked.h"
#include "base/endian.h"
#include "crypto/crypto.h"

static const uint64_t section_max[MOD_SECTION_COUNT] = {
    MOD_MANIFEST_MAX, MOD_PAYLOAD_MAX, MOD_PROOF_MAX,
};

static enum capsule_error parse_header(struct bytes file,
                                       struct mod_container *out)
{
    if (file.len < MOD_HEADER_SIZE)
        return CAPSULE_ERR_MOD_TRUNCATED;
    for (size_t i = 0; i < MOD_MAGIC_SIZE; i++) {
        if (file.data[i] != (uint8_t)MOD_MAGIC[i])
            return CAPSULE_ERR_MOD_MAGIC;
    }
    out->format_version = load16_le(file.data + 8);
    if (out->format_version >= MOD_FORMAT_VERSION_OLDEST &&
        out->format_version < MOD_FORMAT_VERSION)
        return CAPSULE_ERR_MOD_VERSION_OLD;
    if (out->format_version != MOD_FORMAT_VERSION)
        return CAPSULE_ERR_MOD_VERSION;
    if (load16_le(file.data + 10) != MOD_SECTION_COUNT)
        return CAPSULE_ERR_MOD_SECTION_COUNT;
    if (load32_le(file.data + 12) != 0)
        return CAPSULE_ERR_MOD_RESERVED;
    if (file.len < MOD_TABLE_END)
        return CAPSULE_ERR_MOD_TRUNCATED;
    return CAPSULE_OK;
}

/* Entry i must be type i + 1 and start where the previous one ended. */
static enum capsule_error parse_entry(struct bytes file, size_t i,
                                      uint64_t expected_offset,
                                      struct mod_section *s)
{
    const uint8_t *e = file.data + MOD_HEADER_SIZE + i * MOD_SECTION_ENTRY_SIZE;
    s->type = load32_le(e);
    s->offset = load64_le(e + 8);
    s->length = load64_le(e + 16);
    for (size_t k = 0; k < MOD_HASH_SIZE; k++)
        s->hash[k] = e[24 + k];
    if (s->type != i + 1)
        return CAPSULE_ERR_MOD_SECTION_TYPE;
    if (load32_le(e + 4) != 0)
        return CAPSULE_ERR_MOD_RESERVED;
    if (s->offset != expected_offset)
        return CAPSULE_ERR_MOD_SECTION_LAYOUT;
    if (s->length == 0 || s->length > section_max[i])
        return CAPSULE_ERR_MOD_SECTION_SIZE;
    if (!range_fits(s->offset, s->length, file.len))
        return CAPSULE_ERR_MOD_TRUNCATED;
    return CAPSULE_OK;
}

enum capsule_error container_parse(struct bytes file, struct mod_container *out)
{
    enum capsule_error err = parse_header(file, out);
    uint64_t offset = MOD_TABLE_END;
    struct bytes views[MOD_SECTION_COUNT];
    for (size_t i = 0; err == CAPSULE_OK && i < MOD_SECTION_COUNT; i++) {
        struct mod_section *s = &out->sections[i];
        err = parse_entry(file, i, offset, s);
        if (err != CAPSULE_OK)
            break;
        offset = s->offset + s->length; /* range_fits: no overflow */
        views[i] = bytes_make(file.data + s->offset, (size_t)s->length);
    }
    if (err == CAPSULE_OK && offset != file.len)
        err = CAPSULE_ERR_MOD_SIZE;
    for (size_t i = 0; err == CAPSULE_OK && i < MOD_SECTION_COUNT; i++) {
        uint8_t digest[MOD_HASH_SIZE];
        capsule_hash(views[i].data, views[i].len, digest);
        if (!crypto_equal(digest, out->sections[i].hash, MOD_HASH_SIZE))
            err = CAPSULE_ERR_MOD_HASH;
    }
    if (err != CAPSULE_OK)
        return err;
    out->manifest = views[0];
    out->payload = views[1];
    out->proof = views[2];
    return CAPSULE_OK;
}

static void append(struct byte_buffer *out, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out->data[out->len + i] = data[i];
    out->len += len;
}

enum capsule_error container_write(struct bytes manifest, struct bytes payload,
                                   struct bytes proof, struct byte_buffer *out)
{
    const struct bytes views[MOD_SECTION_COUNT] = { manifest, payload, proof };
    size_t total = MOD_TABLE_END;
    for (size_t i = 0; i < MOD_SECTION_COUNT; i++) {
        if (views[i].len == 0 || views[i].len > section_max[i])
            return CAPSULE_ERR_MOD_SECTION_SIZE;
        if (!size_add(total, views[i].len, &total))
            return CAPSULE_ERR_MOD_SECTION_SIZE;
    }
    if (total > out->cap)
        return CAPSULE_ERR_CANON_SPACE;
    uint8_t header[MOD_TABLE_END] = { 0 };
    for (size_t i = 0; i < MOD_MAGIC_SIZE; i++)
        header[i] = (uint8_t)MOD_MAGIC[i];
    store16_le(header + 8, MOD_FORMAT_VERSION);
    store16_le(header + 10, MOD_SECTION_COUNT);
    uint64_t offset = MOD_TABLE_END;
    for (size_t i = 0; i < MOD_SECTION_COUNT; i++) {
        uint8_t *e = header + MOD_HEADER_SIZE + i * MOD_SECTION_ENTRY_SIZE;
        store32_le(e, (uint32_t)(i + 1));
        store64_le(e + 8, offset);
        store64_le(e + 16, views[i].len);
        capsule_hash(views[i].data, views[i].len, e + 24);
        offset += views[i].len;
    }
    out->len = 0;
    append(out, header, sizeof header);
    for (size_t i = 0; i < MOD_SECTION_COUNT; i++)
        append(out, views[i].data, views[i].len);
    return CAPSULE_OK;
}

/* ELF constants (System V gABI, x86_64 psABI). */
#define ELF_HEADER_SIZE 64
#define ELF_PHENT_SIZE 56
#define ELF_PHNUM_MAX 64
#define ELF_ET_EXEC 2
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3
#define ELF_PT_GNU_STACK 0x6474e551u
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_USER_TOP 0x0000800000000000ull
#define ELF_PAGE 4096u

static enum capsule_error check_ident(const uint8_t *h)
{
    static const uint8_t ident[9] = { 0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0 };
    for (size_t i = 0; i < 16; i++) {
        if (h[i] != (i < sizeof ident ? ident[i] : 0))
            return CAPSULE_ERR_ELF_HEADER;
    }
    if (load16_le(h + 18) != ELF_EM_X86_64 || load32_le(h + 20) != 1 ||
        load16_le(h + 52) != ELF_HEADER_SIZE || load16_le(h + 54) != ELF_PHENT_SIZE)
        return CAPSULE_ERR_ELF_HEADER;
    if (load16_le(h + 16) != ELF_ET_EXEC)
        return CAPSULE_ERR_ELF_TYPE;
    return CAPSULE_OK;
}

/* The rules make what is signed loadable W^X exactly: every PT_LOAD starts
 * on a page (address and file offset), so no page of memory holds two
 * segments of different rights; no page of the file is mapped both writable and executable, and
 * nothing is mapped below PAYLOAD_LOWEST_ADDRESS (page 0 to 4 MiB stays a
 * trap for null and small-offset pointers). Segments come in ascending
 * address order, as the gABI requires. */
struct load_segment {
    uint64_t file_first_page, file_end_page; /* [first, end) pages of the file */
    uint32_t flags;
};

struct segment_walk {
    uint64_t previous_end; /* end of the last PT_LOAD */
    size_t loads;
    bool entry_found;
    struct load_segment segments[ELF_PHNUM_MAX];
};

struct program_header {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
};

static struct program_header header_read(const uint8_t *ph)
{
    struct program_header h = {
        load32_le(ph), load32_le(ph + 4), load64_le(ph + 8),
        load64_le(ph + 16), load64_le(ph + 32), load64_le(ph + 40),
    };
    return h;
}

/* Bounds, alignment, address and order of one PT_LOAD; sets *end. Since
 * every segment starts on a page, two segments share a page only if they
 * overlap, which the order check refuses. */
static enum capsule_error check_load_layout(struct bytes payload, const struct program_header *h,
                                            const struct segment_walk *w, uint64_t *end_out)
{
    uint64_t end;
    if (!range_fits(h->offset, h->filesz, payload.len) || h->filesz > h->memsz ||
        h->memsz == 0 || !u64_add(h->vaddr, h->memsz, &end))
        return CAPSULE_ERR_ELF_SEGMENTS;
    if (h->vaddr % ELF_PAGE != 0 || h->offset % ELF_PAGE != 0)
        return CAPSULE_ERR_ELF_ALIGNMENT;
    if (h->vaddr < PAYLOAD_LOWEST_ADDRESS || end > ELF_USER_TOP)
        return CAPSULE_ERR_ELF_ADDRESS;
    if (h->vaddr < w->previous_end)
        return CAPSULE_ERR_ELF_SEGMENTS;
    *end_out = end;
    return CAPSULE_OK;
}

/* A file page mapped writable in one segment and executable in another
 * would let the program write code it then runs. */
static bool file_pages_alias(const struct load_segment *a, const struct load_segment *b)
{
    bool overlap = a->file_first_page < b->file_end_page && b->file_first_page < a->file_end_page;
    bool write_and_execute = ((a->flags & ELF_PF_W) && (b->flags & ELF_PF_X)) ||
                             ((a->flags & ELF_PF_X) && (b->flags & ELF_PF_W));
    return overlap && write_and_execute;
}

static enum capsule_error check_load(struct bytes payload, const struct program_header *h,
                                     uint64_t entry, struct segment_walk *w)
{
    uint64_t end;
    enum capsule_error err = check_load_layout(payload, h, w, &end);
    if (err != CAPSULE_OK)
        return err;
    if ((h->flags & ELF_PF_W) && (h->flags & ELF_PF_X))
        return CAPSULE_ERR_ELF_WX;
    struct load_segment segment = {
        h->offset / ELF_PAGE, (h->offset + h->filesz + ELF_PAGE - 1) / ELF_PAGE, h->flags,
    };
    for (size_t i = 0; i < w->loads; i++) {
        if (file_pages_alias(&w->segments[i], &segment))
            return CAPSULE_ERR_ELF_ALIAS;
    }
    /* Only file bytes can be code: the zero-filled tail holds none. */
    if ((h->flags & ELF_PF_X) && entry >= h->vaddr && entry - h->vaddr < h->filesz)
        w->entry_found = true;
    w->segments[w->loads++] = segment;
    w->previous_end = end;
    return CAPSULE_OK;
}

static enum capsule_error check_segment(struct bytes payload, const uint8_t *ph,
                                        uint64_t entry, struct segment_walk *w)
{
    struct program_header h = header_read(ph);
    if (h.type == ELF_PT_INTERP || h.type == ELF_PT_DYNAMIC)
        return CAPSULE_ERR_ELF_DYNAMIC;
    if (h.type == ELF_PT_GNU_STACK && (h.flags & ELF_PF_X))
        return CAPSULE_ERR_ELF_EXEC_STACK;
    if (h.type != ELF_PT_LOAD)
        return CAPSULE_OK;
    return check_load(payload, &h, entry, w);
}

enum capsule_error payload_check_elf(struct bytes payload, uint64_t *entry)
{
    if (payload.len < ELF_HEADER_SIZE)
        return CAPSULE_ERR_ELF_HEADER;
    const uint8_t *h = payload.data;
    enum capsule_error err = check_ident(h);
    if (err != CAPSULE_OK)
        return err;
    uint64_t phoff = load64_le(h + 32);
    uint16_t phnum = load16_le(h + 56);
    *entry = load64_le(h + 24);
    if (phnum == 0 || phnum > ELF_PHNUM_MAX ||
        !range_fits(phoff, (uint64_t)phnum * ELF_PHENT_SIZE, payload.len))
        return CAPSULE_ERR_ELF_SEGMENTS;
    struct segment_walk walk = { .previous_end = 0, .loads = 0, .entry_found = false };
    for (size_t i = 0; i < phnum; i++) {
        err = check_segment(payload, h + phoff + i * ELF_PHENT_SIZE, *entry, &walk);
        if (err != CAPSULE_OK)
            return err;
    }
    if (walk.loads == 0)
        return CAPSULE_ERR_ELF_SEGMENTS;
    return walk.entry_found ? CAPSULE_OK : CAPSULE_ERR_ELF_ENTRY;
}
