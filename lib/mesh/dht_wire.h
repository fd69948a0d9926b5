/* The contact encoding shared by messages and provider records (internal to
 * lib/mesh). 79 bytes: the identity's wire form (lib/mesh/identity.h: X25519
 * key 32, Ed25519 key 32, PoW nonce 8 little-endian), address family 1,
 * address 4, port 2 (big-endian, as on the wire of IP). The ID is not sent:
 * the receiver derives it from the keys, so it cannot be chosen. */
#ifndef NONOS_MESH_DHT_WIRE_H
#define NONOS_MESH_DHT_WIRE_H

#include "mesh/dht.h"

void dht_wire_contact_encode(const struct dht_contact *contact, uint8_t out[DHT_CONTACT_WIRE_SIZE]);
/* Fills every field, the derived id included: DHT_ERR_ADDRESS for an
 * unknown family or port 0, DHT_ERR_ID_WORK when the ID lacks `difficulty`
 * bits of work (0 checks nothing). */
enum dht_error dht_wire_contact_decode(struct dht_contact *contact,
                                       const uint8_t in[DHT_CONTACT_WIRE_SIZE], unsigned difficulty);

#endif
