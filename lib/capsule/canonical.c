/* Canonical manifest encoder and strict decoder (layout in canonical.h and
 * docs/capsule-format.md). The decoder checks every rule the encoder obeys,
 * in the same field order, and the encoder checks the manifest with the
 * same rules before writing, so the two cannot drift apart silently. */
#include "capsule/canonical.h"

#include "base/endian.h"

struct writer {
    struct byte_buffer *out;
    bool overflow;
};

struct reader {
    struct bytes in;
    size_t pos;
    enum capsule_error err; /* first error; later reads are no-ops */
};

static void put(struct writer *w, const void *data, size_t len)
{
    struct byte_buffer *b = w->out;
    if (w->overflow || len > b->cap - b->len) {
        w->overflow = true;
        return;
    }
    const uint8_t *s = data;
    for (size_t i = 0; i < len; i++)
        b->data[b->len + i] = s[i];
    b->len += len;
}

static void put_u8(struct writer *w, uint8_t v)
{
    put(w, &v, 1);
}

static void put_u16(struct writer *w, uint16_t v)
{
    uint8_t b[2];
    store16_le(b, v);
    put(w, b, 2);
}

static void put_u32(struct writer *w, uint32_t v)
{
    uint8_t b[4];
    store32_le(b, v);
    put(w, b, 4);
}

static void put_u64(struct writer *w, uint64_t v)
{
    uint8_t b[8];
    store64_le(b, v);
    put(w, b, 8);
}

static void put_name(struct writer *w, const struct manifest_name *name)
{
    put_u8(w, name->len);
    put(w, name->text, name->len);
}

static void put_version(struct writer *w, struct semver v)
{
    put_u32(w, v.major);
    put_u32(w, v.minor);
    put_u32(w, v.patch);
}

static const uint8_t *take(struct reader *r, size_t len)
{
    if (r->err != CAPSULE_OK)
        return NULL;
    if (len > r->in.len - r->pos) {
        r->err = CAPSULE_ERR_CANON_TRUNCATED;
        return NULL;
    }
    const uint8_t *p = r->in.data + r->pos;
    r->pos += len;
    return p;
}

static uint8_t get_u8(struct reader *r)
{
    const uint8_t *p = take(r, 1);
    return p != NULL ? p[0] : 0;
}

static uint16_t get_u16(struct reader *r)
{
    const uint8_t *p = take(r, 2);
    return p != NULL ? load16_le(p) : 0;
}

static uint32_t get_u32(struct reader *r)
{
    const uint8_t *p = take(r, 4);
    return p != NULL ? load32_le(p) : 0;
}

static uint64_t get_u64(struct reader *r)
{
    const uint8_t *p = take(r, 8);
    return p != NULL ? load64_le(p) : 0;
}

static void reject(struct reader *r, enum capsule_error err)
{
    if (r->err == CAPSULE_OK)
        r->err = err;
}

static bool get_bool(struct reader *r)
{
    uint8_t v = get_u8(r);
    if (v > 1)
        reject(r, CAPSULE_ERR_CANON_BOOL);
    return v == 1;
}

static void get_name(struct reader *r, struct manifest_name *name)
{
    uint8_t len = get_u8(r);
    const uint8_t *s = take(r, len);
    if (s == NULL)
        return;
    if (!manifest_name_valid(s, len)) {
        reject(r, CAPSULE_ERR_CANON_VALUE);
        return;
    }
    name->len = len;
    for (size_t i = 0; i < len; i++)
        name->text[i] = (char)s[i];
    name->text[len] = '\0';
}

static uint16_t get_text(struct reader *r, char *out, size_t max)
{
    uint16_t len = get_u16(r);
    const uint8_t *s = take(r, len);
    if (s == NULL)
        return 0;
    if (!manifest_text_valid(s, len, max)) {
        reject(r, CAPSULE_ERR_CANON_VALUE);
        return 0;
    }
    for (size_t i = 0; i < len; i++)
        out[i] = (char)s[i];
    out[len] = '\0';
    return len;
}

static struct semver get_version(struct reader *r)
{
    struct semver v;
    v.major = get_u32(r);
    v.minor = get_u32(r);
    v.patch = get_u32(r);
    if (!semver_valid(v))
        reject(r, CAPSULE_ERR_CANON_VALUE);
    return v;
}

/* Checks shared by encoder and decoder: an ordered, duplicate-free list. */
static bool names_ascending(const struct manifest_name *list, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        if (manifest_name_compare(&list[i - 1], &list[i]) >= 0)
            return false;
    }
    return true;
}

static bool dependencies_ascending(const struct manifest *m)
{
    for (size_t i = 1; i < m->dependency_count; i++) {
        if (manifest_name_compare(&m->dependencies[i - 1].name,
                                  &m->dependencies[i].name) >= 0)
            return false;
    }
    return true;
}

static bool limits_valid(const struct manifest *m)
{
    return m->cpu_us >= 1 && m->cpu_us <= MANIFEST_CPU_US_MAX &&
           m->memory_bytes >= MANIFEST_MEMORY_MIN &&
           m->memory_bytes <= MANIFEST_MEMORY_MAX &&
           m->memory_bytes % MANIFEST_PAGE_SIZE == 0 && m->threads >= 1 &&
           m->threads <= MANIFEST_THREADS_MAX &&
           m->capability_slots >= MANIFEST_CAPABILITY_SLOTS_MIN &&
           m->capability_slots <= MANIFEST_CAPABILITY_SLOTS_MAX;
}

static bool choices_valid(const struct manifest *m)
{
    return (unsigned)m->supervisor < MANIFEST_SUPERVISOR_COUNT &&
           (unsigned)m->restart < MANIFEST_RESTART_COUNT;
}

static bool dependencies_valid(const struct manifest *m)
{
    if (m->dependency_count > MANIFEST_DEPENDENCIES_MAX)
        return false;
    for (size_t i = 0; i < m->dependency_count; i++) {
        const struct manifest_dependency *d = &m->dependencies[i];
        if (!manifest_name_valid((const uint8_t *)d->name.text, d->name.len) ||
            !semver_range_canonical(&d->requirement) ||
            (!d->pinned && !d->author_bound) ||
            manifest_name_compare(&d->name, &m->name) == 0)
            return false;
    }
    return true;
}

static bool lists_valid(const struct manifest_name *list, size_t count)
{
    if (count > MANIFEST_LIST_MAX)
        return false;
    for (size_t i = 0; i < count; i++) {
        if (!manifest_name_valid((const uint8_t *)list[i].text, list[i].len))
            return false;
    }
    return true;
}

static enum capsule_error manifest_check(const struct manifest *m)
{
    if (!manifest_name_valid((const uint8_t *)m->name.text, m->name.len) ||
        !semver_valid(m->version) ||
        !manifest_text_valid((const uint8_t *)m->description, m->description_len,
                             MANIFEST_DESCRIPTION_MAX) ||
        !manifest_text_valid((const uint8_t *)m->author, m->author_len,
                             MANIFEST_AUTHOR_MAX) ||
        !dependencies_valid(m) || !limits_valid(m) || !choices_valid(m) ||
        !lists_valid(m->ipc, m->ipc_count) ||
        !lists_valid(m->provides, m->provides_count) ||
        !lists_valid(m->devices, m->device_count))
        return CAPSULE_ERR_CANON_VALUE;
    if (!dependencies_ascending(m) || !names_ascending(m->ipc, m->ipc_count) ||
        !names_ascending(m->provides, m->provides_count) ||
        !names_ascending(m->devices, m->device_count))
        return CAPSULE_ERR_CANON_ORDER;
    return CAPSULE_OK;
}

static void put_dependency(struct writer *w, const struct manifest_dependency *d)
{
    put_name(w, &d->name);
    put_version(w, d->requirement.lower);
    put_u8(w, d->requirement.bounded);
    if (d->requirement.bounded)
        put_version(w, d->requirement.upper);
    put_u8(w, d->pinned);
    if (d->pinned)
        put(w, d->hash, MANIFEST_HASH_SIZE);
    put_u8(w, d->author_bound);
    if (d->author_bound)
        put(w, d->author, MANIFEST_HASH_SIZE);
}

static void put_names(struct writer *w, const struct manifest_name *list,
                      size_t count)
{
    put_u8(w, (uint8_t)count);
    for (size_t i = 0; i < count; i++)
        put_name(w, &list[i]);
}

enum capsule_error canonical_encode(const struct manifest *m,
                                    struct byte_buffer *out)
{
    enum capsule_error err = manifest_check(m);
    if (err != CAPSULE_OK)
        return err;
    struct writer w = { out, false };
    size_t start = out->len;
    put(&w, CANONICAL_MAGIC, 4);
    put_u8(&w, CANONICAL_ENCODING_VERSION);
    put_name(&w, &m->name);
    put_version(&w, m->version);
    put_u16(&w, m->description_len);
    put(&w, m->description, m->description_len);
    put_u16(&w, m->author_len);
    put(&w, m->author, m->author_len);
    put_u8(&w, (uint8_t)m->dependency_count);
    for (size_t i = 0; i < m->dependency_count; i++)
        put_dependency(&w, &m->dependencies[i]);
    put_u8(&w, m->allow_clearnet);
    put_u8(&w, m->allow_mesh);
    put_u64(&w, m->cpu_us);
    put_u64(&w, m->memory_bytes);
    put_u32(&w, m->threads);
    put_u32(&w, m->capability_slots);
    put_names(&w, m->ipc, m->ipc_count);
    put_names(&w, m->provides, m->provides_count);
    put_names(&w, m->devices, m->device_count);
    put_u8(&w, m->vault);
    put_u8(&w, (uint8_t)m->supervisor);
    put_u8(&w, (uint8_t)m->restart);
    if (w.overflow) {
        out->len = start;
        return CAPSULE_ERR_CANON_SPACE;
    }
    return CAPSULE_OK;
}

static void get_digest(struct reader *r, uint8_t out[MANIFEST_HASH_SIZE])
{
    const uint8_t *h = take(r, MANIFEST_HASH_SIZE);
    for (size_t i = 0; h != NULL && i < MANIFEST_HASH_SIZE; i++)
        out[i] = h[i];
}

static void get_dependency(struct reader *r, struct manifest_dependency *d)
{
    get_name(r, &d->name);
    d->requirement.lower = get_version(r);
    d->requirement.bounded = get_bool(r);
    if (d->requirement.bounded)
        d->requirement.upper = get_version(r);
    if (r->err == CAPSULE_OK && !semver_range_canonical(&d->requirement))
        reject(r, CAPSULE_ERR_CANON_VALUE);
    d->pinned = get_bool(r);
    if (d->pinned)
        get_digest(r, d->hash);
    d->author_bound = get_bool(r);
    if (d->author_bound)
        get_digest(r, d->author);
}

static size_t get_count(struct reader *r, size_t max)
{
    uint8_t count = get_u8(r);
    if (count > max) {
        reject(r, CAPSULE_ERR_CANON_VALUE);
        return 0;
    }
    return count;
}

static void get_names(struct reader *r, struct manifest_name *list, size_t *count)
{
    *count = get_count(r, MANIFEST_LIST_MAX);
    for (size_t i = 0; i < *count && r->err == CAPSULE_OK; i++)
        get_name(r, &list[i]);
}

/* A byte naming one of `count` choices (an enum's value). */
static unsigned get_choice(struct reader *r, unsigned count)
{
    uint8_t v = get_u8(r);
    if (v >= count) {
        reject(r, CAPSULE_ERR_CANON_VALUE);
        return 0;
    }
    return v;
}

static void get_header(struct reader *r)
{
    const uint8_t *magic = take(r, 4);
    if (magic != NULL && (magic[0] != 'N' || magic[1] != 'M' ||
                          magic[2] != 'A' || magic[3] != 'N'))
        reject(r, CAPSULE_ERR_CANON_MAGIC);
    if (get_u8(r) != CANONICAL_ENCODING_VERSION)
        reject(r, CAPSULE_ERR_CANON_VERSION);
}

static void get_fields(struct reader *r, struct manifest *m)
{
    get_name(r, &m->name);
    m->version = get_version(r);
    m->description_len = get_text(r, m->description, MANIFEST_DESCRIPTION_MAX);
    m->author_len = get_text(r, m->author, MANIFEST_AUTHOR_MAX);
    m->dependency_count = get_count(r, MANIFEST_DEPENDENCIES_MAX);
    for (size_t i = 0; i < m->dependency_count && r->err == CAPSULE_OK; i++)
        get_dependency(r, &m->dependencies[i]);
    m->allow_clearnet = get_bool(r);
    m->allow_mesh = get_bool(r);
    m->cpu_us = get_u64(r);
    m->memory_bytes = get_u64(r);
    m->threads = get_u32(r);
    m->capability_slots = get_u32(r);
    get_names(r, m->ipc, &m->ipc_count);
    get_names(r, m->provides, &m->provides_count);
    get_names(r, m->devices, &m->device_count);
    m->vault = get_bool(r);
    m->supervisor = (enum manifest_supervisor)get_choice(r, MANIFEST_SUPERVISOR_COUNT);
    m->restart = (enum manifest_restart)get_choice(r, MANIFEST_RESTART_COUNT);
}

enum capsule_error canonical_decode(struct bytes in, struct manifest *m)
{
    struct reader r = { in, 0, CAPSULE_OK };
    manifest_init(m);
    get_header(&r);
    if (r.err == CAPSULE_OK)
        get_fields(&r, m);
    if (r.err == CAPSULE_OK && r.pos != in.len)
        r.err = CAPSULE_ERR_CANON_TRAILING;
    if (r.err == CAPSULE_OK)
        r.err = manifest_check(m);
    if (r.err != CAPSULE_OK)
        manifest_init(m);
    return r.err;
}
