/* Deterministic DHT fixtures (dht_fixture.h). */
#include "tests/mesh/dht_fixture.h"

#include <string.h>

#include "mesh/dht_wire.h"

void fixture_identity(unsigned n, struct mesh_identity *identity, struct dht_contact *contact)
{
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE] = { 0 };
    random[0] = (uint8_t)n;
    random[1] = (uint8_t)(n >> 8);
    random[31] = 0x5a;
    random[32] = (uint8_t)n;
    random[63] = 0xa5;
    if (mesh_identity_create(identity, random, FIXTURE_DIFFICULTY, UINT64_MAX) != MESH_OK)
        memset(identity, 0, sizeof *identity);
    struct dht_address address = { DHT_ADDRESS_IPV4, { 10, (uint8_t)(n >> 8), (uint8_t)n, 1 }, 4000 };
    dht_contact_of(contact, &identity->public_part, &address);
}

void fixture_sender(struct dht_message *message, const struct dht_contact *contact)
{
    memcpy(message->sender.id, contact->id, DHT_ID_SIZE);
    memcpy(message->sender.dh_public, contact->dh_public, X25519_KEY_SIZE);
    memcpy(message->sender.sign_public, contact->sign_public, ED25519_PUBLIC_KEY_SIZE);
    message->sender.nonce = contact->nonce;
}

static void record_base(unsigned n, struct dht_record *record, struct mesh_identity *identity,
                        struct dht_contact *contact)
{
    fixture_identity(n, identity, contact);
    memset(record, 0, sizeof *record);
    for (unsigned i = 0; i < DHT_ID_SIZE; i++)
        record->key[i] = (uint8_t)(0xa0 + i + n);
    record->sequence = 7;
    record->expiry = FIXTURE_NOW + 3600 * 1000;
}

void fixture_value_record(unsigned n, struct dht_record *record, const char *value)
{
    struct mesh_identity identity;
    struct dht_contact contact;
    record_base(n, record, &identity, &contact);
    record->kind = DHT_RECORD_VALUE;
    record->value_len = (uint16_t)strlen(value);
    memcpy(record->value, value, record->value_len);
    if (dht_record_sign(record, &identity.sign_key) != DHT_OK)
        memset(record->signature, 0, sizeof record->signature);
}

void fixture_provider_record(unsigned n, struct dht_record *record)
{
    struct mesh_identity identity;
    struct dht_contact contact;
    record_base(n, record, &identity, &contact);
    record->kind = DHT_RECORD_PROVIDER;
    record->value_len = DHT_CONTACT_WIRE_SIZE;
    dht_wire_contact_encode(&contact, record->value);
    if (dht_record_sign(record, &identity.sign_key) != DHT_OK)
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
