/* Functions shared by the files of the DHT node (dht_node.c, dht_lookup.c,
 * dht_store.c); not part of the API. */
#ifndef NONOS_MESH_DHT_NODE_INTERNAL_H
#define NONOS_MESH_DHT_NODE_INTERNAL_H

#include "mesh/dht.h"

uint64_t dht_random64(struct dht_node *node);
void dht_send(struct dht_node *node, const struct dht_address *to, struct dht_message *message);
struct dht_request *dht_request_new(struct dht_node *node, const struct dht_contact *peer,
                                    const struct dht_address *to, uint8_t type, uint64_t now);
/* target: FIND_*; publisher: FIND_VALUE (NULL = any); record: STORE. */
void dht_send_request(struct dht_node *node, struct dht_request *request, const uint8_t *target,
                      const uint8_t *publisher, const struct dht_record *record);
void dht_ping(struct dht_node *node, const struct dht_contact *peer, const struct dht_address *to,
              uint64_t now, const struct dht_contact *newcomer);
void dht_observe(struct dht_node *node, const struct dht_contact *contact, uint64_t now);
void dht_peer_failed(struct dht_node *node, const uint8_t peer_id[DHT_ID_SIZE]);

/* dht_lookup.c */
void dht_lookup_response(struct dht_node *node, unsigned index, const struct dht_contact *sender,
                         const struct dht_message *message, uint64_t now);
void dht_lookup_failed(struct dht_node *node, unsigned index, const uint8_t peer_id[DHT_ID_SIZE],
                       uint64_t now);
void dht_lookups_tick(struct dht_node *node, uint64_t now);
uint64_t dht_lookups_next_deadline(const struct dht_node *node, uint64_t now);
enum dht_error dht_lookup_start(struct dht_node *node, uint8_t kind, const uint8_t target[DHT_ID_SIZE],
                                uint8_t record_kind, const struct dht_record *record,
                                dht_lookup_done done, void *context, uint64_t now);

/* dht_store.c */
enum dht_error dht_store_put(struct dht_node *node, const struct dht_record *record, uint64_t now);
/* Copies up to DHT_VALUE_RECORDS_MAX live records of `key` (of `publisher`
 * unless it is all zero); returns the count. */
unsigned dht_store_lookup(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                          const uint8_t publisher[DHT_PUBLIC_KEY_SIZE], struct dht_record *out,
                          uint8_t *count, uint64_t now);
void dht_store_tick(struct dht_node *node, uint64_t now);
uint64_t dht_store_next_deadline(const struct dht_node *node);

#endif
