/* Sessions over datagrams (docs/mesh.md, "Sessions"): Noise_XX handshakes
 * that authenticate node identities, then the transport phase with the
 * counter in each packet (WireGuard's construction), a replay window,
 * rekeying, expiry, handshake retransmission and a per-address rate limit
 * on handshake initiations.
 *
 * The endpoint owns no clock, no randomness and no socket: every call gets
 * the time (milliseconds, monotonic), randomness comes from the caller's
 * random_source, and packets to send are handed back to the caller with
 * their destination. Peers live in an array the caller provides.
 *
 * Key pairs per peer: `current` (sends), `previous` (still receives after a
 * rekey, so packets in flight are not lost) and `next` (an initiator's new
 * key pair, used for sending only while there is no current one, promoted
 * when the first packet arrives under it: key confirmation). */
#ifndef NONOS_MESH_SESSION_H
#define NONOS_MESH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/random.h"
#include "mesh/identity.h"
#include "mesh/noise.h"
#include "mesh/packet.h"
#include "mesh/replay.h"
#include "mesh/result.h"

#define MESH_ADDRESS_SIZE 20 /* opaque to this layer: e.g. IPv6 + port, or an IPv4 + port */
#define MESH_PENDING_RESPONSES 8
#define MESH_RATE_ENTRIES 32

struct mesh_address {
    uint8_t bytes[MESH_ADDRESS_SIZE];
};

struct mesh_config {
    uint64_t rekey_after_messages;  /* start a new handshake after sending this many */
    uint64_t reject_after_messages; /* never send or accept a counter at or above this */
    uint64_t rekey_after_ms;        /* start a new handshake when the key pair is this old */
    uint64_t reject_after_ms;       /* drop a key pair this old */
    uint64_t handshake_retry_ms;    /* resend an unanswered handshake message after this */
    unsigned handshake_attempts;    /* give up after this many sends of one message */
    unsigned rate_burst;            /* INIT packets one address may send at once */
    uint64_t rate_interval_ms;      /* one more INIT allowed per this interval */
    size_t cell_size;               /* 0: pad DATA to 64-byte buckets; else fixed inner size */
    unsigned id_difficulty;         /* proof-of-work bits required of peers' node IDs */
};

/* WireGuard's figures where it has them: rekey after 2^60 messages or 120 s,
 * reject after 2^64 - 2^13 - 1 messages or 180 s, retry every 5 s (here 20
 * attempts), 5 INIT per address at once then one per 200 ms, bucket padding,
 * MESH_ID_DIFFICULTY. */
void mesh_config_default(struct mesh_config *config);

struct mesh_keypair {
    bool valid;
    bool initiator;                /* this side sent INIT */
    uint32_t local_index, remote_index;
    uint64_t created_ms;
    uint64_t send_counter;
    struct noise_cipher send, receive;
    struct mesh_replay replay;
    uint8_t finish_hash[32];       /* responder: hash of the FINISH that made it */
};

enum mesh_handshake_stage {
    MESH_HANDSHAKE_IDLE,
    MESH_HANDSHAKE_AWAIT_RESPONSE, /* INIT sent */
    MESH_HANDSHAKE_AWAIT_CONFIRM,  /* FINISH sent, no packet under `next` yet */
};

struct mesh_peer {
    bool in_use;
    bool identity_known;           /* after a handshake */
    bool id_pinned;                /* connect was given the node ID to expect */
    uint8_t pinned_id[MESH_NODE_ID_SIZE];
    struct mesh_identity_public identity;
    struct mesh_address address;   /* last authenticated source */
    struct mesh_keypair current, previous, next;
    enum mesh_handshake_stage stage;
    struct noise_handshake handshake;
    uint32_t handshake_index;
    uint8_t last_sent[MESH_INIT_SIZE];
    size_t last_sent_len;
    uint64_t last_sent_ms;
    unsigned attempts;
    bool rekey_wanted;
};

struct mesh_pending {              /* a responder's handshake between INIT and FINISH */
    bool in_use;
    struct noise_handshake handshake;
    uint32_t local_index, remote_index;
    struct mesh_address address;
    uint8_t initiator_e[32];
    uint8_t response[MESH_RESPONSE_SIZE];
    uint64_t created_ms;
};

struct mesh_rate {                 /* token bucket of one source address */
    bool in_use;
    struct mesh_address address;
    unsigned tokens;
    uint64_t refilled_ms;
};

struct mesh_endpoint {
    const struct mesh_identity *identity;
    struct mesh_config config;
    struct random_source random;
    struct mesh_peer *peers;
    size_t peer_count;
    struct mesh_pending pending[MESH_PENDING_RESPONSES];
    struct mesh_rate rate[MESH_RATE_ENTRIES];
};

enum mesh_event_kind {
    MESH_EVENT_NONE,
    MESH_EVENT_DATA,        /* data[0..data_len) arrived from peer (maybe empty: keepalive) */
    MESH_EVENT_ESTABLISHED, /* a handshake with peer completed on this side */
};

/* What one received datagram produced: at most one event and at most one
 * reply to send back to the datagram's source. */
struct mesh_event {
    enum mesh_event_kind kind;
    size_t peer;
    uint8_t data[MESH_MAX_PAYLOAD];
    size_t data_len;
    uint8_t reply[MESH_MAX_PACKET];
    size_t reply_len;
};

/* Sets up an endpoint over peers[0..peer_count) (zeroed here). identity and
 * peers must outlive it. */
enum mesh_result mesh_endpoint_init(struct mesh_endpoint *endpoint,
                                    const struct mesh_identity *identity,
                                    const struct mesh_config *config,
                                    const struct random_source *random,
                                    struct mesh_peer *peers, size_t peer_count);

/* Starts a handshake with whoever listens at address; *peer is its slot.
 * With expected_id, the handshake fails (MESH_ERR_IDENTITY) unless the
 * responder's node ID is that one. out gets the INIT packet. */
enum mesh_result mesh_endpoint_connect(struct mesh_endpoint *endpoint,
                                       const struct mesh_address *address,
                                       const uint8_t *expected_id, uint64_t now_ms,
                                       uint8_t *out, size_t out_cap, size_t *out_len,
                                       size_t *peer);

/* Handles one datagram from `from`. On error nothing changed except that a
 * handshake message that failed its cryptography abandons that handshake. */
enum mesh_result mesh_endpoint_receive(struct mesh_endpoint *endpoint,
                                       const struct mesh_address *from, const uint8_t *datagram,
                                       size_t len, uint64_t now_ms, struct mesh_event *event);

/* Seals data for a peer into out (a DATA packet) and sets *to.
 * MESH_ERR_NO_SESSION without a usable key pair (MESH_ERR_EXPIRED when the
 * only one is too old or used up). */
enum mesh_result mesh_endpoint_send(struct mesh_endpoint *endpoint, size_t peer,
                                    const uint8_t *data, size_t data_len, uint64_t now_ms,
                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                    struct mesh_address *to);

/* Timers: expires key pairs and pending handshakes, retransmits, starts
 * rekeys. Writes at most one packet per call (*out_len 0 when nothing is
 * due); call until it writes none. */
enum mesh_result mesh_endpoint_tick(struct mesh_endpoint *endpoint, uint64_t now_ms,
                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                    struct mesh_address *to);

/* Forgets a peer (wipes its keys). */
void mesh_endpoint_forget(struct mesh_endpoint *endpoint, size_t peer);

/* Wipes every key of the endpoint. */
void mesh_endpoint_wipe(struct mesh_endpoint *endpoint);

#endif
