/* The Kademlia DHT of the mesh: node IDs with a minting cost, the routing
 * table, the message codec, signed records and the node that ties them
 * together (iterative lookups over disjoint paths, STORE, republishing,
 * refresh, liveness checks, rate limits). docs/mesh.md, sections "DHT",
 * "Records" and "Defences", is the byte-by-byte reference.
 *
 * Portable and freestanding: no libc, no heap, no clock, no randomness of its
 * own. The caller passes the time (milliseconds, any epoch shared by the
 * mesh), a random function, a datagram-send function (struct dht_transport)
 * and all the memory a node uses (struct dht_memory). Every input from the
 * network goes through dht_message_decode, which refuses malformed input with
 * one exact error and changes nothing. */
#ifndef NONOS_MESH_DHT_H
#define NONOS_MESH_DHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/ed25519.h"
#include "mesh/identity.h"

#define DHT_ID_SIZE 32
#define DHT_PUBLIC_KEY_SIZE 32  /* an Ed25519 public key: a record's publisher */
#define DHT_K 20                 /* bucket size and replication factor */
#define DHT_ALPHA 3              /* queries in flight per lookup path */
#define DHT_PATHS_MAX 4          /* disjoint lookup paths (S/Kademlia d) */
#define DHT_VERSION 0xd1         /* first byte of every message */
#define DHT_NODES_MAX 13         /* contacts per NODES answer (the 13 closest) */
#define DHT_MESSAGE_MAX 1200     /* every message fits one fixed-size packet */
#define DHT_HEADER_SIZE 82       /* version, type, request id, sender identity */
#define DHT_CONTACT_WIRE_SIZE 79 /* identity 72, address 7 */
#define DHT_VALUE_MAX 256
#define DHT_RECORD_FIXED_SIZE 83 /* record bytes before the value */
#define DHT_RECORD_MAX (DHT_RECORD_FIXED_SIZE + DHT_VALUE_MAX + ED25519_SIGNATURE_SIZE)
#define DHT_LOOKUP_CANDIDATES 64
#define DHT_REQUESTS_MAX 48
#define DHT_RATE_SLOTS 64
#define DHT_DORMANT_MAX 16

enum dht_error {
    DHT_OK = 0,
    DHT_ERR_SHORT,            /* input ends inside a field */
    DHT_ERR_TOO_LONG,         /* input longer than DHT_MESSAGE_MAX */
    DHT_ERR_VERSION,          /* first byte is not the version 1 tag */
    DHT_ERR_TYPE,             /* unknown message type */
    DHT_ERR_COUNT,            /* contact or record count out of range */
    DHT_ERR_ADDRESS,          /* unknown address family or port 0 */
    DHT_ERR_TRAILING,         /* non-zero bytes after a message; any byte after a lone record */
    DHT_ERR_ID_WORK,          /* a node ID without its proof of work */
    DHT_ERR_RECORD_KIND,      /* unknown record kind */
    DHT_ERR_RECORD_LENGTH,    /* value too long, or provider value not a contact */
    DHT_ERR_RECORD_SIGNATURE, /* signature does not verify */
    DHT_ERR_RECORD_EXPIRED,   /* expiry at or before now */
    DHT_ERR_RECORD_FUTURE,    /* expiry further ahead than the maximum lifetime */
    DHT_ERR_RECORD_PROVIDER,  /* provider contact is not the publisher's */
    DHT_ERR_RECORD_STALE,     /* older sequence than the stored record */
    DHT_ERR_STORE_FULL,       /* storage (or the publisher's share) full */
    DHT_ERR_RATE,             /* the peer is over its rate limit */
    DHT_ERR_UNSOLICITED,      /* response to no request of ours */
    DHT_ERR_BUSY,             /* no free lookup or request slot */
    DHT_ERR_PARAMETER,        /* bad argument from the local caller */
    DHT_ERROR_COUNT
};

/* A short English message; never NULL (unknown codes too). */
const char *dht_error_message(int error);

enum dht_address_family { DHT_ADDRESS_IPV4 = 1, DHT_ADDRESS_SIMULATED = 2 };

/* Where to send datagrams. "Range" (the unit of the per-bucket bound) is
 * family + bytes[0..2]: an IPv4 /24, or a simulator subnet. */
struct dht_address {
    uint8_t family;
    uint8_t bytes[4];
    uint16_t port;
};

bool dht_address_equal(const struct dht_address *a, const struct dht_address *b);
bool dht_address_same_range(const struct dht_address *a, const struct dht_address *b);

/* ---- node IDs ------------------------------------------------------------
 * The node ID and its proof of work are lib/mesh/identity.h's: id =
 * BLAKE2b-256 of the node's X25519 and Ed25519 public keys, valid when the
 * work hash of (id, nonce) starts with `difficulty` zero bits. The ID cannot
 * be chosen without new keys, and each key pair costs 2^difficulty hashes
 * to make usable (S/Kademlia's static and dynamic puzzles in one). The DHT
 * never takes an ID from the wire: it recomputes it from the keys. */
/* Index of the first bit where a and b differ (0..255), 256 when equal. */
unsigned dht_id_common_prefix(const uint8_t a[DHT_ID_SIZE], const uint8_t b[DHT_ID_SIZE]);
/* <0, 0, >0 as a is closer to, as close as, farther from target than b. */
int dht_id_closer(const uint8_t target[DHT_ID_SIZE], const uint8_t a[DHT_ID_SIZE],
                  const uint8_t b[DHT_ID_SIZE]);

struct dht_contact {
    uint8_t id[DHT_ID_SIZE];                 /* mesh_node_id(dh_public, sign_public) */
    uint8_t dh_public[X25519_KEY_SIZE];
    uint8_t sign_public[ED25519_PUBLIC_KEY_SIZE];
    uint64_t nonce;
    struct dht_address address;
};

/* The contact of an identity at an address. */
void dht_contact_of(struct dht_contact *contact, const struct mesh_identity_public *identity,
                    const struct dht_address *address);

/* ---- records ------------------------------------------------------------- */
enum dht_record_kind { DHT_RECORD_VALUE = 1, DHT_RECORD_PROVIDER = 2 };

struct dht_record {
    uint8_t kind;
    uint8_t key[DHT_ID_SIZE];
    uint8_t publisher[DHT_PUBLIC_KEY_SIZE];
    uint64_t sequence;
    uint64_t expiry; /* milliseconds, the mesh's clock */
    uint16_t value_len;
    uint8_t value[DHT_VALUE_MAX];
    uint8_t signature[ED25519_SIGNATURE_SIZE];
};

size_t dht_record_size(const struct dht_record *record);
/* Writes the record; returns its size, or 0 when cap is too small. */
size_t dht_record_encode(const struct dht_record *record, uint8_t *out, size_t cap);
/* Syntax only (kind, lengths, provider contact shape); *used gets the size. */
enum dht_error dht_record_decode(struct dht_record *record, const uint8_t *in, size_t len,
                                 size_t *used);
/* Fills publisher and signature. DHT_ERR_PARAMETER when signing fails. */
enum dht_error dht_record_sign(struct dht_record *record, const struct ed25519_secret_key *key);
/* Kind, provider binding, expiry window (now, now + max_lifetime] and the
 * signature, in that order (cheap checks first). */
enum dht_error dht_record_validate(const struct dht_record *record, uint64_t now,
                                   uint64_t max_lifetime, unsigned difficulty);

/* ---- messages ------------------------------------------------------------ */
enum dht_message_type {
    DHT_PING = 1,
    DHT_PONG = 2,
    DHT_FIND_NODE = 3,
    DHT_NODES = 4,
    DHT_FIND_VALUE = 5,
    DHT_VALUE = 6,
    DHT_STORE = 7,
    DHT_STORED = 8,
};

#define DHT_VALUE_RECORDS_MAX 2

struct dht_message {
    uint8_t type;
    uint64_t request_id;
    struct mesh_identity_public sender;    /* id derived and checked by the decoder */
    uint8_t target[DHT_ID_SIZE];           /* FIND_NODE, FIND_VALUE */
    uint8_t publisher[DHT_PUBLIC_KEY_SIZE]; /* FIND_VALUE: wanted publisher, zero = any */
    uint8_t contact_count;                 /* NODES: 0..DHT_NODES_MAX */
    struct dht_contact contacts[DHT_NODES_MAX];
    uint8_t record_count;                  /* VALUE: 1..2; STORE: 1 */
    struct dht_record records[DHT_VALUE_RECORDS_MAX];
    uint8_t status;                        /* STORED: an enum dht_error */
};

/* Returns the encoded size (<= DHT_MESSAGE_MAX), 0 when cap is too small or
 * the message is not encodable (counts out of range). */
size_t dht_message_encode(const struct dht_message *message, uint8_t *out, size_t cap);
/* Decodes and checks the proof of work of the sender and of every contact
 * (difficulty 0 checks nothing). Bytes after the message must be zero (the
 * padding of a fixed-size packet). Records are checked for syntax only. */
enum dht_error dht_message_decode(struct dht_message *message, const uint8_t *in, size_t len,
                                  unsigned difficulty);

/* ---- the node ------------------------------------------------------------ */
struct dht_transport {
    void *context;
    /* Sends one datagram to `to`. Delivery is not guaranteed. */
    void (*send)(void *context, const struct dht_address *to, const uint8_t *data, size_t len);
};

struct dht_config {
    unsigned difficulty;          /* proof-of-work bits of every node ID */
    unsigned paths;               /* disjoint lookup paths, 1..DHT_PATHS_MAX */
    unsigned per_range;           /* contacts per address range per bucket */
    uint64_t rpc_timeout;         /* ms before a request counts as failed */
    uint64_t lookup_timeout;      /* ms before a lookup gives up */
    uint64_t refresh_interval;    /* ms between table refreshes */
    uint64_t republish_interval;  /* ms between republishing stored records */
    uint64_t max_lifetime;        /* ms: the furthest expiry accepted */
    uint32_t rate_per_second;     /* requests a peer may send per second */
    uint32_t rate_burst;          /* and at once */
    unsigned records_per_publisher; /* share of storage one publisher may hold */
    void (*random)(void *context, uint8_t *out, size_t len);
    void *random_context;
};

/* Sensible values for a real node (docs/mesh.md "Defences" names them). */
void dht_config_default(struct dht_config *config);

/* The fields every table scan reads come first, with the ID: one cache
 * line per entry. */
struct dht_table_entry {
    uint8_t used;
    uint8_t failures;
    uint16_t bucket;
    uint64_t last_seen;
    struct dht_contact contact;
};

struct dht_stored {
    struct dht_record record;
    uint64_t republish_at;
    uint8_t used;
};

enum dht_lookup_kind { DHT_LOOKUP_NODE = 1, DHT_LOOKUP_VALUE = 2, DHT_LOOKUP_STORE = 3 };

struct dht_lookup_result {
    bool found;             /* VALUE: a valid record; NODE/STORE: >= 1 node answered */
    unsigned hops;          /* hop count of the answer (1 = a node of our table) */
    uint64_t latency;       /* ms from start to completion */
    unsigned stores_sent;   /* STORE: how many nodes were sent the record */
    struct dht_record record; /* VALUE: the record found */
    unsigned contact_count;
    struct dht_contact closest[DHT_K]; /* NODE: answered nodes, closest first */
};

typedef void (*dht_lookup_done)(void *context, const struct dht_lookup_result *result);

struct dht_candidate {
    struct dht_contact contact;
    uint8_t state;  /* candidate_state in dht_node.c */
    uint8_t path;
    uint8_t hops;
};

struct dht_lookup {
    uint8_t active;
    uint8_t kind;
    uint8_t record_kind;        /* VALUE: which kind of record is wanted */
    uint8_t has_publisher;      /* VALUE: only records of `publisher` */
    uint8_t publisher[DHT_PUBLIC_KEY_SIZE];
    uint8_t target[DHT_ID_SIZE];
    uint64_t started;
    unsigned candidate_count;
    struct dht_candidate candidates[DHT_LOOKUP_CANDIDATES];
    struct dht_record record;   /* STORE: the record to store */
    dht_lookup_done done;
    void *done_context;
};

struct dht_request {
    uint64_t id;
    uint64_t deadline;
    struct dht_address to;
    uint8_t peer_id[DHT_ID_SIZE];
    uint8_t used;
    uint8_t peer_known;         /* peer_id is set (not a bootstrap ping) */
    uint8_t type;               /* the request's message type */
    uint8_t lookup;             /* index + 1, 0 = none */
    uint8_t candidate;
    uint8_t has_evictee;        /* PING of a full bucket's oldest entry */
    struct dht_contact newcomer; /* inserted if the ping fails */
};

struct dht_rate_slot {
    struct dht_address address;
    uint64_t updated;
    uint32_t tokens_milli;      /* tokens * 1000 */
    uint8_t used;
};

/* Counters for tests and status output. */
struct dht_stats {
    uint64_t received;
    uint64_t sent;
    uint64_t dropped[DHT_ERROR_COUNT]; /* incoming messages refused, by reason */
    uint64_t range_refused;            /* contacts refused by the per-range bound */
    uint64_t evictions;
    uint64_t records_stored;
};

/* The memory a node runs in, given by the caller (no heap in lib/). */
struct dht_memory {
    struct dht_table_entry *table;
    size_t table_capacity;
    struct dht_stored *records;
    size_t record_capacity;
    struct dht_lookup *lookups;
    size_t lookup_capacity;
};

struct dht_node {
    struct dht_config config;
    struct dht_transport transport;
    struct dht_memory memory;
    struct ed25519_secret_key key;   /* signs this node's records */
    struct dht_contact self;
    struct dht_request requests[DHT_REQUESTS_MAX];
    struct dht_rate_slot rates[DHT_RATE_SLOTS];
    struct dht_contact dormant[DHT_DORMANT_MAX];
    unsigned dormant_next;
    uint64_t next_refresh;
    unsigned refresh_bucket;
    uint64_t store_deadline;    /* earliest republish or expiry of a stored record */
    size_t table_count;         /* memory.table[0 .. table_count) are the used entries */
    struct dht_stats stats;
};

/* Sets up a node with its identity (lib/mesh/identity.h), whose ID must
 * pass the configured proof of work (DHT_ERR_ID_WORK otherwise), reachable
 * at `address`. The node copies the Ed25519 key to sign its records. */
enum dht_error dht_node_init(struct dht_node *node, const struct dht_config *config,
                             const struct dht_transport *transport,
                             const struct dht_memory *memory,
                             const struct mesh_identity *identity,
                             const struct dht_address *address, uint64_t now);
/* Wipes the signing key. */
void dht_node_clear(struct dht_node *node);

/* Tells the node about a peer found by other means (LAN beacon, a
 * configured address): it is pinged, and enters the table if it answers. */
void dht_node_bootstrap(struct dht_node *node, const struct dht_address *address, uint64_t now);

/* One datagram from `from`. Returns DHT_OK or why it was dropped. */
enum dht_error dht_node_receive(struct dht_node *node, const struct dht_address *from,
                                const uint8_t *data, size_t len, uint64_t now);

/* Timers: request timeouts, lookup progress, refresh, republishing. */
void dht_node_tick(struct dht_node *node, uint64_t now);
/* The earliest time dht_node_tick has work to do. */
uint64_t dht_node_next_deadline(const struct dht_node *node, uint64_t now);

/* Lookups. `done` runs exactly once (maybe before these return). */
enum dht_error dht_node_find_node(struct dht_node *node, const uint8_t target[DHT_ID_SIZE],
                                  dht_lookup_done done, void *context, uint64_t now);
/* record_kind 0 takes any kind; publisher NULL takes any publisher. */
enum dht_error dht_node_find_value(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                                   uint8_t record_kind, const uint8_t *publisher,
                                   dht_lookup_done done, void *context, uint64_t now);
/* Signs (as this node) and stores a value record on the k closest nodes; the
 * node keeps a copy and republishes it until it expires. */
enum dht_error dht_node_put(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                            const uint8_t *value, size_t value_len, uint64_t sequence,
                            uint64_t expiry, dht_lookup_done done, void *context, uint64_t now);
/* Announces this node as a provider of `key`. */
enum dht_error dht_node_provide(struct dht_node *node, const uint8_t key[DHT_ID_SIZE],
                                uint64_t expiry, dht_lookup_done done, void *context,
                                uint64_t now);

/* ---- routing table (dht_table.c) ------------------------------------------ */
enum dht_table_outcome {
    DHT_TABLE_ADDED,
    DHT_TABLE_UPDATED,
    DHT_TABLE_FULL,       /* bucket full: the caller pings the oldest */
    DHT_TABLE_RANGE,      /* refused: per-range bound */
    DHT_TABLE_NO_ROOM,    /* refused: table memory exhausted */
    DHT_TABLE_SELF,
};

enum dht_table_outcome dht_table_observe(struct dht_node *node, const struct dht_contact *contact,
                                         uint64_t now, struct dht_table_entry **oldest);
struct dht_table_entry *dht_table_find(struct dht_node *node, const uint8_t id[DHT_ID_SIZE]);
void dht_table_remove(struct dht_node *node, struct dht_table_entry *entry);
/* Up to `max` contacts closest to target, closest first; returns the count. */
unsigned dht_table_closest(const struct dht_node *node, const uint8_t target[DHT_ID_SIZE],
                           struct dht_contact *out, unsigned max);
unsigned dht_table_size(const struct dht_node *node);
unsigned dht_table_bucket_count(const struct dht_node *node, unsigned bucket);

#endif
