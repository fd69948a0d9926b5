/* Node IDs: derivation from the public key, the proof of work that makes
 * each usable key pair cost 2^difficulty hashes, and the XOR metric.
 * (A local definition until lib/mesh/identity.h, of the sessions work, is
 * merged; docs/mesh.md "Defences" describes the rule.) */
#include "mesh/dht.h"

#include "base/endian.h"
#include "crypto/blake2b.h"

static const uint8_t id_domain[13] = { 'n', 'o', 'n', 'o', 's', ' ', 'n', 'o', 'd', 'e', ' ', 'i', 'd' };

void dht_id_from_key(uint8_t id[DHT_ID_SIZE], const uint8_t public_key[DHT_PUBLIC_KEY_SIZE])
{
    struct blake2b_state state;
    if (blake2b_init(&state, DHT_ID_SIZE, NULL, 0) != CRYPTO_OK)
        __builtin_trap(); /* fixed, valid parameters */
    blake2b_update(&state, id_domain, sizeof id_domain);
    blake2b_update(&state, public_key, DHT_PUBLIC_KEY_SIZE);
    if (blake2b_final(&state, id, DHT_ID_SIZE) != CRYPTO_OK)
        __builtin_trap();
}

static unsigned leading_zero_bits(const uint8_t *bytes, size_t len)
{
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        if (bytes[i] != 0)
            return bits + (unsigned)__builtin_clz(bytes[i]) - 24;
        bits += 8;
    }
    return bits;
}

bool dht_id_work_ok(const uint8_t id[DHT_ID_SIZE], uint64_t nonce, unsigned difficulty)
{
    if (difficulty == 0)
        return true;
    uint8_t input[DHT_ID_SIZE + 8];
    uint8_t digest[32];
    __builtin_memcpy(input, id, DHT_ID_SIZE);
    store64_le(input + DHT_ID_SIZE, nonce);
    if (blake2b(digest, sizeof digest, NULL, 0, input, sizeof input) != CRYPTO_OK)
        return false;
    return leading_zero_bits(digest, sizeof digest) >= difficulty;
}

uint64_t dht_id_mint(const uint8_t id[DHT_ID_SIZE], unsigned difficulty, uint64_t start)
{
    uint64_t nonce = start;
    while (!dht_id_work_ok(id, nonce, difficulty))
        nonce++;
    return nonce;
}

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

static const char *const error_messages[DHT_ERROR_COUNT] = {
    [DHT_OK] = "ok",
    [DHT_ERR_SHORT] = "message ends inside a field",
    [DHT_ERR_TOO_LONG] = "message longer than 1024 bytes",
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
