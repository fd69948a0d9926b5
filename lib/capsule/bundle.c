/* Boot bundle parsing, writing and verification (see bundle.h). */
#include "capsule/bundle.h"

#include "base/checked.h"
#include "base/endian.h"

static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t len)
{
    for (size_t i = 0; i < len; i++)
        dst[i] = src[i];
}

/* The authors after the header: each decoded and registered in store. */
static enum capsule_error parse_authors(struct bytes file, size_t *pos, size_t count,
                                        struct bundle_work *work, struct trust_store *store)
{
    for (size_t k = 0; k < count; k++) {
        size_t used;
        enum capsule_error err = author_decode(
            bytes_make(file.data + *pos, file.len - *pos), &used, &work->author);
        if (err != CAPSULE_OK)
            return err;
        if (trust_add_author(store, &work->author) != CAPSULE_OK)
            return CAPSULE_ERR_BUNDLE_KEY; /* one Ed25519 key, two key sets */
        *pos += used;
    }
    return CAPSULE_OK;
}

/* The layout: header, authors, then length-prefixed capsules exactly to
 * the end. Registers the authors and fills the entries' file views. */
static enum capsule_error bundle_parse(struct bytes file, struct bundle_work *work,
                                       struct trust_store *store,
                                       struct bundle_report *report)
{
    if (file.len < BUNDLE_HEADER_SIZE)
        return CAPSULE_ERR_BUNDLE_TRUNCATED;
    for (size_t i = 0; i < 8; i++) {
        if (file.data[i] != (uint8_t)BUNDLE_MAGIC[i])
            return CAPSULE_ERR_BUNDLE_MAGIC;
    }
    uint16_t version = load16_le(file.data + 8);
    if (version != BUNDLE_VERSION)
        return version == BUNDLE_VERSION_OLD ? CAPSULE_ERR_BUNDLE_VERSION_OLD
                                             : CAPSULE_ERR_BUNDLE_VERSION;
    size_t keys = load16_le(file.data + 10), count = load32_le(file.data + 12);
    if (keys == 0 || keys > BUNDLE_KEYS_MAX || count > BUNDLE_CAPSULES_MAX)
        return CAPSULE_ERR_BUNDLE_COUNT;
    size_t pos = BUNDLE_HEADER_SIZE;
    enum capsule_error err = parse_authors(file, &pos, keys, work, store);
    if (err != CAPSULE_OK)
        return err;
    for (size_t i = 0; i < count; i++) {
        if (!range_fits(pos, 4, file.len))
            return CAPSULE_ERR_BUNDLE_TRUNCATED;
        size_t len = load32_le(file.data + pos);
        pos += 4;
        if (!range_fits(pos, len, file.len))
            return CAPSULE_ERR_BUNDLE_TRUNCATED;
        report->entries[i].file = bytes_make(file.data + pos, len);
        pos += len;
    }
    if (pos != file.len)
        return CAPSULE_ERR_BUNDLE_TRAILING;
    report->key_count = keys;
    report->count = count;
    return CAPSULE_OK;
}

static bool name_taken(const struct bundle_report *report, size_t before,
                       const struct manifest_name *name)
{
    for (size_t i = 0; i < before; i++) {
        const struct bundle_entry *e = &report->entries[i];
        if (e->verdict == CAPSULE_OK && manifest_name_compare(&e->name, name) == 0)
            return true;
    }
    return false;
}

/* The slot of registered hybrid author known, filled on first use from c,
 * a capsule whose proof carries exactly known's keys: the ML-DSA-65 key
 * expanded and the capsule id's digest begun over the signers (the same
 * bytes for every capsule of the author). BUNDLE_PREPARED_MAX when every
 * slot is taken by others. */
static size_t prepared_slot(struct bundle_work *work, const struct trust_author *known,
                            const struct capsule *c, struct bundle_entry *e)
{
    size_t s = 0;
    while (s < BUNDLE_PREPARED_MAX && work->prepared_for[s] != NULL &&
           work->prepared_for[s] != known)
        s++;
    if (s < BUNDLE_PREPARED_MAX && work->prepared_for[s] == NULL) {
        /* Every 1952-byte string is a key: mldsa65_prepare_key cannot fail. */
        uint64_t start = work->clock != NULL ? work->clock() : 0;
        (void)mldsa65_prepare_key(&work->prepared[s], known->key.mldsa65);
        if (work->clock != NULL)
            e->mldsa65_prepare_ticks = work->clock() - start;
        proof_digest_begin(&work->digest_begun[s], c->container.format_version, &c->proof);
        work->prepared_for[s] = known;
    }
    return s;
}

/* capsule_open, with what a registered author's capsules share done once:
 * when the proof's keys are exactly a registered author's, the id's digest
 * continues from the author's begun state, its ML-DSA-65 signature is
 * verified with the author's prepared key and the author's fingerprint is
 * the one computed at registration (the same bytes hashed the same way);
 * otherwise exactly capsule_open. Same id and verdict either way. Every
 * capsule that container_parse passes has format version
 * MOD_FORMAT_VERSION, so one begun state per author serves them all. */
static enum capsule_error open_capsule(struct bundle_work *work,
                                       const struct trust_store *store, struct bytes file,
                                       struct bundle_entry *e)
{
    struct capsule *c = &work->scratch;
    enum capsule_error err = capsule_decode(file, c);
    if (err != CAPSULE_OK)
        return err;
    const uint8_t *mh = c->container.sections[0].hash, *ph = c->container.sections[1].hash;
    const struct trust_author *known = trust_find_author(store, &c->author);
    size_t s = known != NULL && known->key.hybrid ? prepared_slot(work, known, c, e)
                                                  : BUNDLE_PREPARED_MAX;
    if (s < BUNDLE_PREPARED_MAX) {
        struct blake2b_state state = work->digest_begun[s];
        proof_digest_end(&state, mh, ph, c->id);
    } else {
        proof_digest(c->container.format_version, mh, ph, &c->proof, c->id);
    }
    err = proof_verify_metered(&c->proof, c->id,
                               s < BUNDLE_PREPARED_MAX ? &work->prepared[s] : NULL,
                               work->clock, &e->mldsa65_verify_ticks);
    if (err != CAPSULE_OK)
        return err;
    if (known != NULL)
        copy_bytes(c->author_fingerprint, known->fingerprint, TRUST_FINGERPRINT_SIZE);
    else
        author_fingerprint(&c->author, c->author_fingerprint);
    return CAPSULE_OK;
}

/* Opens capsule i and applies the trust rules. */
static void admit(struct bundle_work *work, struct trust_store *store,
                  struct bundle_report *report, size_t i)
{
    struct bundle_entry *e = &report->entries[i];
    struct capsule *c = &work->scratch;
    e->verdict = open_capsule(work, store, e->file, e);
    if (e->verdict != CAPSULE_OK)
        return;
    e->opened = true;
    e->name = c->manifest.name;
    e->version = c->manifest.version;
    copy_bytes(e->id, c->id, PROOF_DIGEST_SIZE);
    copy_bytes(e->author, c->author_fingerprint, TRUST_FINGERPRINT_SIZE);
    e->hybrid = c->author.hybrid;
    e->manifest_text = c->container.manifest;
    e->payload = c->container.payload;
    work->manifests[i] = c->manifest;
    e->verdict = trust_check(store, &c->manifest, c->id, &c->author);
    if (e->verdict == CAPSULE_OK && name_taken(report, i, &e->name))
        e->verdict = CAPSULE_ERR_DEP_DUPLICATE_NAME;
    if (e->verdict == CAPSULE_OK)
        e->verdict = trust_accept(store, &c->manifest, c->id, &c->author);
}

/* Resolves the admitted capsules; each failure refuses the capsule that
 * has the unmet dependency, then the rest is resolved again. */
static void resolve(struct bundle_work *work, struct bundle_report *report)
{
    struct trust_item items[BUNDLE_CAPSULES_MAX];
    size_t index[BUNDLE_CAPSULES_MAX], order[BUNDLE_CAPSULES_MAX];
    for (size_t round = 0; round <= report->count; round++) {
        size_t n = 0;
        for (size_t i = 0; i < report->count; i++) {
            if (report->entries[i].verdict != CAPSULE_OK)
                continue;
            items[n].manifest = &work->manifests[i];
            items[n].id = report->entries[i].id;
            items[n].author = report->entries[i].author;
            index[n++] = i;
        }
        struct trust_failure failure;
        enum capsule_error err = trust_resolve(items, n, order, &failure);
        if (err == CAPSULE_OK) {
            for (size_t k = 0; k < n; k++)
                report->start_order[k] = index[order[k]];
            report->start_count = n;
            return;
        }
        report->entries[index[failure.item]].verdict = err;
    }
}

enum capsule_error bundle_verify(struct bytes file, struct bundle_work *work,
                                 struct bundle_report *report)
{
    return bundle_verify_metered(file, work, report, NULL);
}

enum capsule_error bundle_verify_metered(struct bytes file, struct bundle_work *work,
                                         struct bundle_report *report, uint64_t (*clock)(void))
{
    work->clock = clock;
    report->key_count = 0;
    report->count = 0;
    report->start_count = 0;
    for (size_t i = 0; i < BUNDLE_CAPSULES_MAX; i++) {
        report->entries[i].verdict = CAPSULE_ERR_COUNT;
        report->entries[i].opened = false;
        report->entries[i].manifest_text = bytes_make(NULL, 0);
        report->entries[i].payload = bytes_make(NULL, 0);
        report->entries[i].mldsa65_prepare_ticks = 0;
        report->entries[i].mldsa65_verify_ticks = 0;
    }
    for (size_t s = 0; s < BUNDLE_PREPARED_MAX; s++)
        work->prepared_for[s] = NULL;
    struct trust_store store;
    trust_init(&store, work->authors, BUNDLE_KEYS_MAX, work->records, BUNDLE_CAPSULES_MAX);
    report->error = bundle_parse(file, work, &store, report);
    if (report->error != CAPSULE_OK) {
        report->count = 0;
        return report->error;
    }
    for (size_t i = 0; i < report->count; i++)
        admit(work, &store, report, i);
    resolve(work, report);
    return CAPSULE_OK;
}

static void put(struct byte_buffer *out, const void *data, size_t len)
{
    copy_bytes(out->data + out->len, data, len);
    out->len += len;
}

enum capsule_error bundle_write(const struct author_key *authors, size_t author_count,
                                const struct bytes *mods, size_t count,
                                struct byte_buffer *out)
{
    if (author_count == 0 || author_count > BUNDLE_KEYS_MAX || count > BUNDLE_CAPSULES_MAX)
        return CAPSULE_ERR_BUNDLE_COUNT;
    size_t total = BUNDLE_HEADER_SIZE + author_count * AUTHOR_ENCODED_MAX;
    for (size_t i = 0; i < count; i++) {
        if (mods[i].len > UINT32_MAX || !size_add(total, 4, &total) ||
            !size_add(total, mods[i].len, &total))
            return CAPSULE_ERR_BUNDLE_COUNT;
    }
    if (total > out->cap)
        return CAPSULE_ERR_CANON_SPACE;
    uint8_t header[BUNDLE_HEADER_SIZE];
    copy_bytes(header, (const uint8_t *)BUNDLE_MAGIC, 8);
    store16_le(header + 8, BUNDLE_VERSION);
    store16_le(header + 10, (uint16_t)author_count);
    store32_le(header + 12, (uint32_t)count);
    out->len = 0;
    put(out, header, sizeof header);
    for (size_t k = 0; k < author_count; k++)
        out->len += author_encode(&authors[k], out->data + out->len);
    for (size_t i = 0; i < count; i++) {
        uint8_t len[4];
        store32_le(len, (uint32_t)mods[i].len);
        put(out, len, 4);
        put(out, mods[i].data, mods[i].len);
    }
    return CAPSULE_OK;
}
