/* Deterministic DHT fixtures (dht_fixture.h). */
#include "tests/mesh/dht_fixture.h"

#include <string.h>

#include "mesh/dht_wire.h"

void fixture_identity(unsigned n, struct ed25519_secret_key *key, struct dht_contact *contact)
{
    uint8_t seed[ED25519_SEED_SIZE] = { 0 };
    seed[0] = (uint8_t)n;
    seed[1] = (uint8_t)(n >> 8);
    seed[31] = 0x5a;
    ed25519_key_from_seed(key, seed);
    memcpy(contact->public_key, key->public_key, DHT_PUBLIC_KEY_SIZE);
    dht_id_from_key(contact->id, contact->public_key);
    contact->nonce = dht_id_mint(contact->id, FIXTURE_DIFFICULTY, 0);
    struct dht_address address = { DHT_ADDRESS_IPV4, { 10, (uint8_t)(n >> 8), (uint8_t)n, 1 }, 4000 };
    contact->address = address;
}

static void record_base(unsigned n, struct dht_record *record, struct ed25519_secret_key *key,
                        struct dht_contact *contact)
{
    fixture_identity(n, key, contact);
    memset(record, 0, sizeof *record);
    for (unsigned i = 0; i < DHT_ID_SIZE; i++)
        record->key[i] = (uint8_t)(0xa0 + i + n);
    record->sequence = 7;
    record->expiry = FIXTURE_NOW + 3600 * 1000;
}

void fixture_value_record(unsigned n, struct dht_record *record, const char *value)
{
    struct ed25519_secret_key key;
    struct dht_contact contact;
    record_base(n, record, &key, &contact);
    record->kind = DHT_RECORD_VALUE;
    record->value_len = (uint16_t)strlen(value);
    memcpy(record->value, value, record->value_len);
    if (dht_record_sign(record, &key) != DHT_OK)
        memset(record->signature, 0, sizeof record->signature);
}

void fixture_provider_record(unsigned n, struct dht_record *record)
{
    struct ed25519_secret_key key;
    struct dht_contact contact;
    record_base(n, record, &key, &contact);
    record->kind = DHT_RECORD_PROVIDER;
    record->value_len = DHT_CONTACT_WIRE_SIZE;
    dht_wire_contact_encode(&contact, record->value);
    if (dht_record_sign(record, &key) != DHT_OK)
        memset(record->signature, 0, sizeof record->signature);
}

enum dht_error fixture_check_message(const uint8_t *data, size_t len)
{
    struct dht_message message;
    return dht_message_decode(&message, data, len, FIXTURE_DIFFICULTY);
}

enum dht_error fixture_check_record(const uint8_t *data, size_t len)
{
    struct dht_record record;
    size_t used = 0;
    enum dht_error error = dht_record_decode(&record, data, len, &used);
    if (error != DHT_OK)
        return error;
    if (used != len)
        return DHT_ERR_TRAILING;
    return dht_record_validate(&record, FIXTURE_NOW, FIXTURE_LIFETIME, FIXTURE_DIFFICULTY);
}
