/* Test fixtures for the DHT: deterministic identities, records and
 * messages (shared by dht_test.c, its corpus writer and the fuzz seeds). */
#ifndef NONOS_TESTS_MESH_DHT_FIXTURE_H
#define NONOS_TESTS_MESH_DHT_FIXTURE_H

#include "mesh/dht.h"

#define FIXTURE_DIFFICULTY 8
#define FIXTURE_NOW 1000000000ull /* ms */
#define FIXTURE_LIFETIME (48ull * 3600 * 1000)

/* Identity number n (lib/mesh/identity.h, made from 64 bytes of n, minted
 * at FIXTURE_DIFFICULTY) and its contact at an address in subnet n. */
void fixture_identity(unsigned n, struct mesh_identity *identity, struct dht_contact *contact);
/* The sender identity of a message: the contact's. */
void fixture_sender(struct dht_message *message, const struct dht_contact *contact);
/* A value record of identity n, signed, expiring an hour after FIXTURE_NOW. */
void fixture_value_record(unsigned n, struct dht_record *record, const char *value);
void fixture_provider_record(unsigned n, struct dht_record *record);
/* The outcome a corpus file must produce (tests/corpus/dht-*): */
enum dht_error fixture_check_message(const uint8_t *data, size_t len);
enum dht_error fixture_check_record(const uint8_t *data, size_t len);

#endif
