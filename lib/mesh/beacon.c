/* LAN beacons: encoding, parsing, signature (beacon.h has the layout).
 * Parsing is split from verifying so that a receiver can refuse on cheap
 * checks (length, proof of work, time, staleness, rate) before it pays for
 * an Ed25519 verification. */
#include "mesh/beacon.h"

#include "crypto/crypto.h"
#include "crypto/ed25519.h"

static const uint8_t beacon_magic[4] = { 'N', 'M', 'B', 1 };
static const char beacon_domain[] = "NONOS mesh beacon v1";
#define BEACON_DOMAIN_SIZE (sizeof beacon_domain - 1)

static const char *const beacon_messages[MESH_BEACON_RESULT_COUNT] = {
    [MESH_BEACON_OK] = "ok",
    [MESH_BEACON_ERR_LENGTH] = "beacon not 155 bytes",
    [MESH_BEACON_ERR_MAGIC] = "not a version 1 beacon",
    [MESH_BEACON_ERR_IDENTITY] = "node ID without its proof of work",
    [MESH_BEACON_ERR_ADDRESS] = "address family not IPv4 or port 0",
    [MESH_BEACON_ERR_SIGNATURE] = "signature does not verify",
    [MESH_BEACON_ERR_TIME] = "time outside the window",
    [MESH_BEACON_ERR_STALE] = "not newer than the last beacon of this node",
    [MESH_BEACON_ERR_RATE] = "over the beacon rate limit",
    [MESH_BEACON_ERR_SELF] = "our own beacon",
    [MESH_BEACON_ERR_PARAMETER] = "bad argument",
};

const char *mesh_beacon_message(int result)
{
    if (result < 0 || result >= MESH_BEACON_RESULT_COUNT)
        return "unknown beacon result";
    return beacon_messages[result];
}

static void put_le(uint8_t *out, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        out[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = bytes; i > 0; i--)
        value = value << 8 | in[i - 1];
    return value;
}

/* The signed message: domain || bytes 0..90. */
static void beacon_signed_message(uint8_t out[BEACON_DOMAIN_SIZE + MESH_BEACON_SIGNED_SIZE],
                                  const uint8_t *beacon)
{
    __builtin_memcpy(out, beacon_domain, BEACON_DOMAIN_SIZE);
    __builtin_memcpy(out + BEACON_DOMAIN_SIZE, beacon, MESH_BEACON_SIGNED_SIZE);
}

enum mesh_beacon_result mesh_beacon_encode(uint8_t out[MESH_BEACON_SIZE],
                                           const struct mesh_identity *identity,
                                           const struct dht_address *address, uint64_t time_ms)
{
    if (address->family != DHT_ADDRESS_IPV4 || address->port == 0)
        return MESH_BEACON_ERR_PARAMETER;
    __builtin_memcpy(out, beacon_magic, 4);
    mesh_identity_encode(out + 4, &identity->public_part);
    out[76] = address->family;
    __builtin_memcpy(out + 77, address->bytes, 4);
    put_le(out + 81, address->port, 2);
    put_le(out + 83, time_ms, 8);
    uint8_t message[BEACON_DOMAIN_SIZE + MESH_BEACON_SIGNED_SIZE];
    beacon_signed_message(message, out);
    if (ed25519_sign(out + MESH_BEACON_SIGNED_SIZE, message, sizeof message,
                     &identity->sign_key) != CRYPTO_OK)
        return MESH_BEACON_ERR_PARAMETER;
    return MESH_BEACON_OK;
}

enum mesh_beacon_result mesh_beacon_parse(struct mesh_beacon *out, const uint8_t *in, size_t len,
                                          unsigned difficulty)
{
    __builtin_memset(out, 0, sizeof *out);
    if (len != MESH_BEACON_SIZE)
        return MESH_BEACON_ERR_LENGTH;
    if (!crypto_equal(in, beacon_magic, 4))
        return MESH_BEACON_ERR_MAGIC;
    if (mesh_identity_decode(&out->identity, in + 4, MESH_IDENTITY_WIRE_SIZE, difficulty) != MESH_OK)
        return MESH_BEACON_ERR_IDENTITY;
    uint16_t port = (uint16_t)get_le(in + 81, 2);
    if (in[76] != DHT_ADDRESS_IPV4 || port == 0) {
        __builtin_memset(out, 0, sizeof *out);
        return MESH_BEACON_ERR_ADDRESS;
    }
    out->address.family = DHT_ADDRESS_IPV4;
    __builtin_memcpy(out->address.bytes, in + 77, 4);
    out->address.port = port;
    out->time_ms = get_le(in + 83, 8);
    return MESH_BEACON_OK;
}

enum mesh_beacon_result mesh_beacon_verify(const struct mesh_beacon *beacon, const uint8_t *in,
                                           size_t len)
{
    if (len != MESH_BEACON_SIZE)
        return MESH_BEACON_ERR_LENGTH;
    uint8_t message[BEACON_DOMAIN_SIZE + MESH_BEACON_SIGNED_SIZE];
    beacon_signed_message(message, in);
    if (ed25519_verify(in + MESH_BEACON_SIGNED_SIZE, message, sizeof message,
                       beacon->identity.sign_public) != CRYPTO_OK)
        return MESH_BEACON_ERR_SIGNATURE;
    return MESH_BEACON_OK;
}
