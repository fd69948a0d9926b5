/* The XOR metric over node IDs (IDs and their proof of work are
 * lib/mesh/identity.c's), addresses and the DHT's error messages. */
#include "mesh/dht.h"

unsigned dht_id_common_prefix(const uint8_t a[DHT_ID_SIZE], const uint8_t b[DHT_ID_SIZE])
{
    for (unsigned i = 0; i < DHT_ID_SIZE; i++) {
        uint8_t x = a[i] ^ b[i];
        if (x != 0)
            return i * 8 + (unsigned)__builtin_clz(x) - 24;
    }
    return DHT_ID_SIZE * 8;
}

int dht_id_closer(const uint8_t target[DHT_ID_SIZE], const uint8_t a[DHT_ID_SIZE],
                  const uint8_t b[DHT_ID_SIZE])
{
    for (unsigned i = 0; i < DHT_ID_SIZE; i++) {
        uint8_t da = a[i] ^ target[i], db = b[i] ^ target[i];
        if (da != db)
            return da < db ? -1 : 1;
    }
    return 0;
}

bool dht_address_equal(const struct dht_address *a, const struct dht_address *b)
{
    return a->family == b->family && a->port == b->port && a->bytes[0] == b->bytes[0] &&
           a->bytes[1] == b->bytes[1] && a->bytes[2] == b->bytes[2] && a->bytes[3] == b->bytes[3];
}

bool dht_address_same_range(const struct dht_address *a, const struct dht_address *b)
{
    return a->family == b->family && a->bytes[0] == b->bytes[0] && a->bytes[1] == b->bytes[1] &&
           a->bytes[2] == b->bytes[2];
}

void dht_contact_of(struct dht_contact *contact, const struct mesh_identity_public *identity,
                    const struct dht_address *address)
{
    __builtin_memcpy(contact->id, identity->id, DHT_ID_SIZE);
    __builtin_memcpy(contact->dh_public, identity->dh_public, X25519_KEY_SIZE);
    __builtin_memcpy(contact->sign_public, identity->sign_public, ED25519_PUBLIC_KEY_SIZE);
    contact->nonce = identity->nonce;
    contact->address = *address;
}

static const char *const error_messages[DHT_ERROR_COUNT] = {
    [DHT_OK] = "ok",
    [DHT_ERR_SHORT] = "message ends inside a field",
    [DHT_ERR_TOO_LONG] = "message longer than 1200 bytes",
    [DHT_ERR_VERSION] = "unknown message version",
    [DHT_ERR_TYPE] = "unknown message type",
    [DHT_ERR_COUNT] = "contact or record count out of range",
    [DHT_ERR_ADDRESS] = "unknown address family or port 0",
    [DHT_ERR_TRAILING] = "unexpected bytes after the end",
    [DHT_ERR_ID_WORK] = "node ID without its proof of work",
    [DHT_ERR_RECORD_KIND] = "unknown record kind",
    [DHT_ERR_RECORD_LENGTH] = "record value too long or malformed",
    [DHT_ERR_RECORD_SIGNATURE] = "record signature does not verify",
    [DHT_ERR_RECORD_EXPIRED] = "record expired",
    [DHT_ERR_RECORD_FUTURE] = "record expiry beyond the maximum lifetime",
    [DHT_ERR_RECORD_PROVIDER] = "provider contact is not the publisher's",
    [DHT_ERR_RECORD_STALE] = "record older than the stored one",
    [DHT_ERR_STORE_FULL] = "record storage full",
    [DHT_ERR_RATE] = "peer over its rate limit",
    [DHT_ERR_UNSOLICITED] = "response to no request",
    [DHT_ERR_BUSY] = "no free lookup or request slot",
    [DHT_ERR_PARAMETER] = "bad parameter",
};

const char *dht_error_message(int error)
{
    if (error < 0 || error >= DHT_ERROR_COUNT)
        return "unknown DHT error";
    return error_messages[error];
}
