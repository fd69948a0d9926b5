/* Signed records: value records (any bytes, up to 256) and provider records
 * (the value is the provider's own contact). The wire form is the signed
 * form: the signature covers a domain string and every byte before it, so a
 * record travels and is stored exactly as its publisher signed it.
 * Decoding checks syntax; dht_record_validate checks meaning (kind, provider
 * binding, expiry window, signature). */
#include "mesh/dht.h"

#include "base/endian.h"
#include "mesh/dht_wire.h"

static const uint8_t record_domain[20] = { 'n', 'o', 'n', 'o', 's', ' ', 'd', 'h', 't', ' ',
                                           'r', 'e', 'c', 'o', 'r', 'd', ' ', 'v', '1', 0 };

size_t dht_record_size(const struct dht_record *record)
{
    return DHT_RECORD_FIXED_SIZE + record->value_len + ED25519_SIGNATURE_SIZE;
}

/* The signed bytes: everything but the signature. */
static size_t record_encode_body(const struct dht_record *record, uint8_t *out)
{
    out[0] = record->kind;
    __builtin_memcpy(out + 1, record->key, DHT_ID_SIZE);
    __builtin_memcpy(out + 33, record->publisher, DHT_PUBLIC_KEY_SIZE);
    store64_le(out + 65, record->sequence);
    store64_le(out + 73, record->expiry);
    store16_le(out + 81, record->value_len);
    __builtin_memcpy(out + DHT_RECORD_FIXED_SIZE, record->value, record->value_len);
    return DHT_RECORD_FIXED_SIZE + record->value_len;
}

size_t dht_record_encode(const struct dht_record *record, uint8_t *out, size_t cap)
{
    if (record->value_len > DHT_VALUE_MAX || cap < dht_record_size(record))
        return 0;
    size_t body = record_encode_body(record, out);
    __builtin_memcpy(out + body, record->signature, ED25519_SIGNATURE_SIZE);
    return body + ED25519_SIGNATURE_SIZE;
}

enum dht_error dht_record_decode(struct dht_record *record, const uint8_t *in, size_t len,
                                 size_t *used)
{
    if (len < DHT_RECORD_FIXED_SIZE)
        return DHT_ERR_SHORT;
    if (in[0] != DHT_RECORD_VALUE && in[0] != DHT_RECORD_PROVIDER)
        return DHT_ERR_RECORD_KIND;
    uint16_t value_len = load16_le(in + 81);
    if (value_len > DHT_VALUE_MAX)
        return DHT_ERR_RECORD_LENGTH;
    if (in[0] == DHT_RECORD_PROVIDER && value_len != DHT_CONTACT_WIRE_SIZE)
        return DHT_ERR_RECORD_LENGTH;
    size_t total = DHT_RECORD_FIXED_SIZE + (size_t)value_len + ED25519_SIGNATURE_SIZE;
    if (len < total)
        return DHT_ERR_SHORT;
    if (in[0] == DHT_RECORD_PROVIDER) {
        struct dht_contact contact;
        enum dht_error error = dht_wire_contact_decode(&contact, in + DHT_RECORD_FIXED_SIZE, 0);
        if (error != DHT_OK)
            return error;
    }
    record->kind = in[0];
    __builtin_memcpy(record->key, in + 1, DHT_ID_SIZE);
    __builtin_memcpy(record->publisher, in + 33, DHT_PUBLIC_KEY_SIZE);
    record->sequence = load64_le(in + 65);
    record->expiry = load64_le(in + 73);
    record->value_len = value_len;
    __builtin_memcpy(record->value, in + DHT_RECORD_FIXED_SIZE, value_len);
    __builtin_memcpy(record->signature, in + DHT_RECORD_FIXED_SIZE + value_len,
                     ED25519_SIGNATURE_SIZE);
    *used = total;
    return DHT_OK;
}

static size_t record_signed_bytes(const struct dht_record *record, uint8_t *out)
{
    __builtin_memcpy(out, record_domain, sizeof record_domain);
    return sizeof record_domain + record_encode_body(record, out + sizeof record_domain);
}

enum dht_error dht_record_sign(struct dht_record *record, const struct ed25519_secret_key *key)
{
    uint8_t message[sizeof record_domain + DHT_RECORD_FIXED_SIZE + DHT_VALUE_MAX];
    if (record->value_len > DHT_VALUE_MAX)
        return DHT_ERR_PARAMETER;
    __builtin_memcpy(record->publisher, key->public_key, DHT_PUBLIC_KEY_SIZE);
    size_t len = record_signed_bytes(record, message);
    if (ed25519_sign(record->signature, message, len, key) != CRYPTO_OK)
        return DHT_ERR_PARAMETER;
    return DHT_OK;
}

enum dht_error dht_record_validate(const struct dht_record *record, uint64_t now,
                                   uint64_t max_lifetime, unsigned difficulty)
{
    if (record->kind != DHT_RECORD_VALUE && record->kind != DHT_RECORD_PROVIDER)
        return DHT_ERR_RECORD_KIND;
    if (record->value_len > DHT_VALUE_MAX)
        return DHT_ERR_RECORD_LENGTH;
    if (record->kind == DHT_RECORD_PROVIDER) {
        struct dht_contact contact;
        if (record->value_len != DHT_CONTACT_WIRE_SIZE)
            return DHT_ERR_RECORD_LENGTH;
        enum dht_error error = dht_wire_contact_decode(&contact, record->value, 0);
        if (error != DHT_OK)
            return error;
        for (unsigned i = 0; i < DHT_PUBLIC_KEY_SIZE; i++)
            if (contact.sign_public[i] != record->publisher[i])
                return DHT_ERR_RECORD_PROVIDER;
        if (!mesh_id_work_ok(contact.id, contact.nonce, difficulty))
            return DHT_ERR_ID_WORK;
    }
    if (record->expiry <= now)
        return DHT_ERR_RECORD_EXPIRED;
    if (record->expiry - now > max_lifetime)
        return DHT_ERR_RECORD_FUTURE;
    uint8_t message[sizeof record_domain + DHT_RECORD_FIXED_SIZE + DHT_VALUE_MAX];
    size_t len = record_signed_bytes(record, message);
    if (ed25519_verify(record->signature, message, len, record->publisher) != CRYPTO_OK)
        return DHT_ERR_RECORD_SIGNATURE;
    return DHT_OK;
}
