/* The committed corpora of bad DHT input (tests/corpus/dht-message and
 * tests/corpus/dht-record): each case is built here from a good input and
 * one defect, written by `dht_test --write-corpus`, and replayed by
 * `dht_test --check-corpus` against the expected file, which names the
 * exact error of every case. The fuzz targets start from the same files. */
#include "tests/mesh/dht_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "mesh/dht_wire.h"
#include "tests/mesh/dht_fixture.h"

struct sample {
    uint8_t bytes[DHT_MESSAGE_MAX + 64];
    size_t len;
};

static void header(struct dht_message *m, uint8_t type, unsigned identity)
{
    struct mesh_identity id;
    struct dht_contact self;
    fixture_identity(identity, &id, &self);
    memset(m, 0, sizeof *m);
    m->type = type;
    m->request_id = 0x0102030405060708ull;
    fixture_sender(m, &self);
    memset(m->target, 0x33, DHT_ID_SIZE);
}

static void encode(struct sample *s, struct dht_message *m)
{
    s->len = dht_message_encode(m, s->bytes, DHT_MESSAGE_MAX);
}

static void nodes(struct sample *s, unsigned count)
{
    struct dht_message m;
    struct mesh_identity identity;
    header(&m, DHT_NODES, 1);
    m.contact_count = (uint8_t)count;
    for (unsigned i = 0; i < count; i++)
        fixture_identity(10 + i, &identity, &m.contacts[i]);
    encode(s, &m);
}

static void value(struct sample *s, unsigned records)
{
    struct dht_message m;
    header(&m, DHT_VALUE, 1);
    m.record_count = (uint8_t)records;
    fixture_value_record(2, &m.records[0], "hello mesh");
    fixture_provider_record(3, &m.records[1]);
    encode(s, &m);
}

static void simple(struct sample *s, uint8_t type)
{
    struct dht_message m;
    header(&m, type, 1);
    if (type == DHT_STORE) {
        m.record_count = 1;
        fixture_value_record(2, &m.records[0], "stored value");
    }
    m.status = DHT_ERR_RECORD_STALE;
    encode(s, &m);
}

#define CONTACT0 (DHT_HEADER_SIZE + 1) /* first contact of a NODES message */
#define RECORD0 (DHT_HEADER_SIZE + 1)  /* first record of a VALUE message */

static void build_message(unsigned which, struct sample *s)
{
    switch (which) {
    case 0: simple(s, DHT_PING); break;
    case 1: simple(s, DHT_PONG); break;
    case 2: simple(s, DHT_FIND_NODE); break;
    case 3: simple(s, DHT_FIND_VALUE); break;
    case 4: nodes(s, 3); break;
    case 5: nodes(s, 0); break;
    case 6: value(s, 2); break;
    case 7: simple(s, DHT_STORE); break;
    case 8: simple(s, DHT_STORED); break;
    case 9: nodes(s, DHT_NODES_MAX); break;
    case 10: simple(s, DHT_PING); memset(s->bytes + s->len, 0, DHT_MESSAGE_MAX - s->len); s->len = DHT_MESSAGE_MAX; break;
    case 11: s->len = 0; break;
    case 12: simple(s, DHT_PING); s->len = 1; break;
    case 13: simple(s, DHT_PING); s->bytes[0] = 0xd2; break;
    case 14: simple(s, DHT_PING); s->bytes[1] = 0; break;
    case 15: simple(s, DHT_PING); s->bytes[1] = 9; break;
    case 16: simple(s, DHT_PING); s->len = DHT_HEADER_SIZE - 1; break;
    case 17: simple(s, DHT_PING); memset(s->bytes + s->len, 0, sizeof s->bytes - s->len); s->len = DHT_MESSAGE_MAX + 1; break;
    case 18: simple(s, DHT_FIND_NODE); s->len -= 1; break;
    case 19: simple(s, DHT_FIND_VALUE); s->len -= 32; break;
    case 20: nodes(s, DHT_NODES_MAX); s->bytes[DHT_HEADER_SIZE] = DHT_NODES_MAX + 1; break;
    case 21: nodes(s, 3); s->len -= 10; break;
    case 22: nodes(s, 3); s->bytes[CONTACT0 + 72] = 3; break;
    case 23: nodes(s, 3); s->bytes[CONTACT0 + 77] = 0; s->bytes[CONTACT0 + 78] = 0; break;
    case 24: nodes(s, 3); s->bytes[CONTACT0 + DHT_CONTACT_WIRE_SIZE + 64] ^= 0x01; break;
    case 25: simple(s, DHT_PING); s->bytes[10 + 64] ^= 0x01; break;
    case 26: simple(s, DHT_PING); s->bytes[s->len++] = 0; s->bytes[s->len++] = 7; break;
    case 27: value(s, 1); s->bytes[DHT_HEADER_SIZE] = 0; break;
    case 28: value(s, 2); s->bytes[DHT_HEADER_SIZE] = 3; break;
    case 29: value(s, 1); s->bytes[RECORD0] = 3; break;
    case 30: value(s, 1); store16_le(s->bytes + RECORD0 + 81, 257); break;
    case 31: simple(s, DHT_STORE); s->len -= 1; break;
    case 32: value(s, 2); store16_le(s->bytes + RECORD0 + 81, 46); break; /* 1st is a value: ok length, breaks the 2nd */
    case 33: simple(s, DHT_STORED); s->len -= 1; break;
    case 34: nodes(s, 3); s->bytes[CONTACT0 + 2 * DHT_CONTACT_WIRE_SIZE + 3] ^= 0x80; break;
    default: s->len = 0; break;
    }
}

static const char *const message_names[] = {
    "good-ping", "good-pong", "good-find-node", "good-find-value", "good-nodes", "good-nodes-empty",
    "good-value-two-records", "good-store", "good-stored", "good-nodes-full", "good-padded-to-1200",
    "empty", "one-byte", "bad-version", "type-zero", "type-nine", "header-short", "longer-than-1200",
    "find-node-target-short", "find-value-publisher-missing", "nodes-count-14", "nodes-contact-truncated",
    "nodes-address-family-3", "nodes-port-zero", "nodes-contact-nonce-changed", "sender-nonce-changed",
    "trailing-nonzero", "value-no-records", "value-three-records", "value-record-kind-3",
    "value-record-length-257", "store-signature-truncated", "value-record-length-shifted",
    "stored-status-missing", "nodes-contact-key-changed",
};

static const uint8_t *message_bytes(unsigned which, size_t *len)
{
    static struct sample s;
    memset(&s, 0, sizeof s);
    build_message(which, &s);
    *len = s.len;
    return s.bytes;
}

static void record_good_value(struct sample *s)
{
    struct dht_record r;
    fixture_value_record(2, &r, "hello mesh");
    s->len = dht_record_encode(&r, s->bytes, sizeof s->bytes);
}

static void record_resigned(struct sample *s, unsigned which)
{
    struct mesh_identity identity;
    struct dht_contact contact;
    struct dht_record r;
    fixture_identity(4, &identity, &contact);
    fixture_value_record(4, &r, "v");
    if (which == 0)
        r.expiry = FIXTURE_NOW; /* expired: expiry must be after now */
    if (which == 1)
        r.expiry = FIXTURE_NOW + FIXTURE_LIFETIME + 1;
    if (which == 2) { /* a provider record naming another node's contact */
        struct mesh_identity other_identity;
        struct dht_contact other;
        fixture_identity(5, &other_identity, &other);
        r.kind = DHT_RECORD_PROVIDER;
        r.value_len = DHT_CONTACT_WIRE_SIZE;
        dht_wire_contact_encode(&other, r.value);
    }
    if (which == 3) { /* the publisher's own contact with a broken nonce */
        contact.nonce ^= 1;
        r.kind = DHT_RECORD_PROVIDER;
        r.value_len = DHT_CONTACT_WIRE_SIZE;
        dht_wire_contact_encode(&contact, r.value);
    }
    if (dht_record_sign(&r, &identity.sign_key) != DHT_OK)
        memset(r.signature, 0, sizeof r.signature);
    s->len = dht_record_encode(&r, s->bytes, sizeof s->bytes);
}

static void build_record(unsigned which, struct sample *s)
{
    struct dht_record r;
    switch (which) {
    case 0: record_good_value(s); break;
    case 1: fixture_provider_record(3, &r); s->len = dht_record_encode(&r, s->bytes, sizeof s->bytes); break;
    case 2: record_good_value(s); s->len = 82; break;
    case 3: record_good_value(s); s->bytes[0] = 0; break;
    case 4: record_good_value(s); store16_le(s->bytes + 81, 257); break;
    case 5: record_good_value(s); s->len -= 1; break;
    case 6: record_good_value(s); s->bytes[83] ^= 0x20; break;
    case 7: record_good_value(s); s->bytes[33] ^= 0x01; break;
    case 8: record_resigned(s, 0); break;
    case 9: record_resigned(s, 1); break;
    case 10: record_resigned(s, 2); break;
    case 11: record_resigned(s, 3); break;
    case 12: fixture_provider_record(3, &r); s->len = dht_record_encode(&r, s->bytes, sizeof s->bytes);
             store16_le(s->bytes + 81, DHT_CONTACT_WIRE_SIZE - 1); s->len -= 1; break;
    case 13: fixture_provider_record(3, &r); s->len = dht_record_encode(&r, s->bytes, sizeof s->bytes);
             s->bytes[83 + 77] = 0; s->bytes[83 + 78] = 0; break;
    case 14: record_good_value(s); s->bytes[s->len++] = 0; break;
    case 15: record_good_value(s); s->bytes[65] ^= 0x01; break;
    case 16: record_good_value(s); s->bytes[s->len - 1] ^= 0x80; break;
    default: s->len = 0; break;
    }
}

static const char *const record_names[] = {
    "good-value", "good-provider", "fixed-part-short", "kind-zero", "length-257", "signature-truncated",
    "value-changed", "publisher-changed", "expired", "expiry-beyond-lifetime", "provider-names-other-node",
    "provider-nonce-broken", "provider-length-78", "provider-port-zero", "trailing-byte",
    "sequence-changed", "signature-s-changed",
};

static const uint8_t *record_bytes(unsigned which, size_t *len)
{
    static struct sample s;
    memset(&s, 0, sizeof s);
    build_record(which, &s);
    *len = s.len;
    return s.bytes;
}

const struct corpus_kind corpus_message = { "dht-message", message_names,
                                            sizeof message_names / sizeof message_names[0],
                                            message_bytes, fixture_check_message };
const struct corpus_kind corpus_record = { "dht-record", record_names,
                                           sizeof record_names / sizeof record_names[0], record_bytes,
                                           fixture_check_record };

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len)) {
        if (f != NULL)
            fclose(f);
        return -1;
    }
    return fclose(f);
}

int corpus_write(const struct corpus_kind *kind, const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return -1;
    fprintf(expected, "# <case file> <dht_error>: written by dht_test --write-corpus\n");
    for (unsigned i = 0; i < kind->count; i++) {
        size_t len;
        const uint8_t *data = kind->build(i, &len);
        snprintf(path, sizeof path, "%s/%s", dir, kind->names[i]);
        if (write_file(path, data, len) != 0) {
            fclose(expected);
            return -1;
        }
        enum dht_error error = kind->check(data, len);
        fprintf(expected, "%s %d  # %s\n", kind->names[i], (int)error, dht_error_message(error));
    }
    return fclose(expected);
}
