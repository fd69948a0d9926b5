/* The DHT message codec (docs/mesh.md, "DHT", byte by byte). Every message
 * is one datagram of at most DHT_MESSAGE_MAX bytes: an 82-byte header
 * (version, type, request id, sender identity) and a body fixed by the
 * type. The decoder reads only inside [in, in + len), accepts zero padding
 * after the message (fixed-size packets) and nothing else, and verifies the
 * proof of work of every node ID it returns. */
#include "mesh/dht_wire.h"

#include "base/endian.h"

static void identity_of(struct mesh_identity_public *identity, const struct dht_contact *contact)
{
    __builtin_memcpy(identity->id, contact->id, DHT_ID_SIZE);
    __builtin_memcpy(identity->dh_public, contact->dh_public, X25519_KEY_SIZE);
    __builtin_memcpy(identity->sign_public, contact->sign_public, ED25519_PUBLIC_KEY_SIZE);
    identity->nonce = contact->nonce;
}

void dht_wire_contact_encode(const struct dht_contact *contact, uint8_t out[DHT_CONTACT_WIRE_SIZE])
{
    struct mesh_identity_public identity;
    identity_of(&identity, contact);
    mesh_identity_encode(out, &identity);
    out[72] = contact->address.family;
    __builtin_memcpy(out + 73, contact->address.bytes, 4);
    store16_be(out + 77, contact->address.port);
}

enum dht_error dht_wire_contact_decode(struct dht_contact *contact,
                                       const uint8_t in[DHT_CONTACT_WIRE_SIZE], unsigned difficulty)
{
    uint8_t family = in[72];
    uint16_t port = load16_be(in + 77);
    if ((family != DHT_ADDRESS_IPV4 && family != DHT_ADDRESS_SIMULATED) || port == 0)
        return DHT_ERR_ADDRESS;
    struct mesh_identity_public identity;
    if (mesh_identity_decode(&identity, in, MESH_IDENTITY_WIRE_SIZE, difficulty) != MESH_OK)
        return DHT_ERR_ID_WORK;
    struct dht_address address = { family, { in[73], in[74], in[75], in[76] }, port };
    dht_contact_of(contact, &identity, &address);
    return DHT_OK;
}

static size_t encode_body(const struct dht_message *message, uint8_t *out, size_t cap)
{
    size_t at = 0;
    switch (message->type) {
    case DHT_PING:
    case DHT_PONG:
        return 0;
    case DHT_FIND_NODE:
        if (cap < DHT_ID_SIZE)
            return SIZE_MAX;
        __builtin_memcpy(out, message->target, DHT_ID_SIZE);
        return DHT_ID_SIZE;
    case DHT_FIND_VALUE:
        if (cap < DHT_ID_SIZE + DHT_PUBLIC_KEY_SIZE)
            return SIZE_MAX;
        __builtin_memcpy(out, message->target, DHT_ID_SIZE);
        __builtin_memcpy(out + DHT_ID_SIZE, message->publisher, DHT_PUBLIC_KEY_SIZE);
        return DHT_ID_SIZE + DHT_PUBLIC_KEY_SIZE;
    case DHT_NODES:
        if (message->contact_count > DHT_NODES_MAX ||
            cap < 1 + (size_t)message->contact_count * DHT_CONTACT_WIRE_SIZE)
            return SIZE_MAX;
        out[at++] = message->contact_count;
        for (unsigned i = 0; i < message->contact_count; i++, at += DHT_CONTACT_WIRE_SIZE)
            dht_wire_contact_encode(&message->contacts[i], out + at);
        return at;
    case DHT_VALUE:
    case DHT_STORE: {
        unsigned max = message->type == DHT_STORE ? 1 : DHT_VALUE_RECORDS_MAX;
        if (message->record_count < 1 || message->record_count > max)
            return SIZE_MAX;
        if (message->type == DHT_VALUE) {
            if (cap < 1)
                return SIZE_MAX;
            out[at++] = message->record_count;
        }
        for (unsigned i = 0; i < message->record_count; i++) {
            size_t n = dht_record_encode(&message->records[i], out + at, cap - at);
            if (n == 0)
                return SIZE_MAX;
            at += n;
        }
        return at;
    }
    case DHT_STORED:
        if (cap < 1)
            return SIZE_MAX;
        out[0] = message->status;
        return 1;
    default:
        return SIZE_MAX;
    }
}

size_t dht_message_encode(const struct dht_message *message, uint8_t *out, size_t cap)
{
    if (cap > DHT_MESSAGE_MAX)
        cap = DHT_MESSAGE_MAX;
    if (cap < DHT_HEADER_SIZE)
        return 0;
    out[0] = DHT_VERSION;
    out[1] = message->type;
    store64_le(out + 2, message->request_id);
    mesh_identity_encode(out + 10, &message->sender);
    size_t body = encode_body(message, out + DHT_HEADER_SIZE, cap - DHT_HEADER_SIZE);
    if (body == SIZE_MAX)
        return 0;
    return DHT_HEADER_SIZE + body;
}

static enum dht_error decode_contacts(struct dht_message *message, const uint8_t *in, size_t len,
                                      size_t *used, unsigned difficulty)
{
    if (len < 1)
        return DHT_ERR_SHORT;
    if (in[0] > DHT_NODES_MAX)
        return DHT_ERR_COUNT;
    message->contact_count = in[0];
    size_t at = 1;
    for (unsigned i = 0; i < message->contact_count; i++, at += DHT_CONTACT_WIRE_SIZE) {
        if (len - at < DHT_CONTACT_WIRE_SIZE)
            return DHT_ERR_SHORT;
        enum dht_error error = dht_wire_contact_decode(&message->contacts[i], in + at, difficulty);
        if (error != DHT_OK)
            return error;
    }
    *used = at;
    return DHT_OK;
}

static enum dht_error decode_records(struct dht_message *message, const uint8_t *in, size_t len,
                                     size_t *used)
{
    size_t at = 0;
    unsigned count = 1;
    if (message->type == DHT_VALUE) {
        if (len < 1)
            return DHT_ERR_SHORT;
        count = in[0];
        if (count < 1 || count > DHT_VALUE_RECORDS_MAX)
            return DHT_ERR_COUNT;
        at = 1;
    }
    message->record_count = (uint8_t)count;
    for (unsigned i = 0; i < count; i++) {
        size_t n = 0;
        enum dht_error error = dht_record_decode(&message->records[i], in + at, len - at, &n);
        if (error != DHT_OK)
            return error;
        at += n;
    }
    *used = at;
    return DHT_OK;
}

static enum dht_error decode_body(struct dht_message *message, const uint8_t *in, size_t len,
                                  size_t *used, unsigned difficulty)
{
    *used = 0;
    switch (message->type) {
    case DHT_PING:
    case DHT_PONG:
        return DHT_OK;
    case DHT_FIND_NODE:
        if (len < DHT_ID_SIZE)
            return DHT_ERR_SHORT;
        __builtin_memcpy(message->target, in, DHT_ID_SIZE);
        *used = DHT_ID_SIZE;
        return DHT_OK;
    case DHT_FIND_VALUE:
        if (len < DHT_ID_SIZE + DHT_PUBLIC_KEY_SIZE)
            return DHT_ERR_SHORT;
        __builtin_memcpy(message->target, in, DHT_ID_SIZE);
        __builtin_memcpy(message->publisher, in + DHT_ID_SIZE, DHT_PUBLIC_KEY_SIZE);
        *used = DHT_ID_SIZE + DHT_PUBLIC_KEY_SIZE;
        return DHT_OK;
    case DHT_NODES:
        return decode_contacts(message, in, len, used, difficulty);
    case DHT_VALUE:
    case DHT_STORE:
        return decode_records(message, in, len, used);
    case DHT_STORED:
        if (len < 1)
            return DHT_ERR_SHORT;
        message->status = in[0];
        *used = 1;
        return DHT_OK;
    default:
        return DHT_ERR_TYPE;
    }
}

enum dht_error dht_message_decode(struct dht_message *message, const uint8_t *in, size_t len,
                                  unsigned difficulty)
{
    if (len > DHT_MESSAGE_MAX)
        return DHT_ERR_TOO_LONG;
    if (len < 2)
        return DHT_ERR_SHORT;
    if (in[0] != DHT_VERSION)
        return DHT_ERR_VERSION;
    if (in[1] < DHT_PING || in[1] > DHT_STORED)
        return DHT_ERR_TYPE;
    if (len < DHT_HEADER_SIZE)
        return DHT_ERR_SHORT;
    message->type = in[1];
    message->request_id = load64_le(in + 2);
    message->contact_count = 0;
    message->record_count = 0;
    size_t used = 0;
    enum dht_error error = decode_body(message, in + DHT_HEADER_SIZE, len - DHT_HEADER_SIZE, &used,
                                       difficulty);
    if (error != DHT_OK)
        return error;
    for (size_t i = DHT_HEADER_SIZE + used; i < len; i++)
        if (in[i] != 0)
            return DHT_ERR_TRAILING;
    if (mesh_identity_decode(&message->sender, in + 10, MESH_IDENTITY_WIRE_SIZE, difficulty) != MESH_OK)
        return DHT_ERR_ID_WORK;
    return DHT_OK;
}
