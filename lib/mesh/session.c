/* Sessions over datagrams (session.h, docs/mesh.md "Sessions").
 * Invariants: a key pair is valid only with both ciphers set; local indexes
 * are unique over every key pair, handshake and pending response of the
 * endpoint; a datagram that fails any check changes nothing (handshake
 * messages are tried on a copy of the handshake state), except that a
 * FINISH from an authenticated initiator with a bad node ID drops its
 * pending handshake. */
#include "mesh/session.h"

#include "base/endian.h"
#include "crypto/blake2b.h"
#include "crypto/crypto.h"

static const char protocol_name[] = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
/* The prologue binds the wire format's version into every handshake. */
static const uint8_t prologue[] = "NONOS mesh sessions v1";

void mesh_config_default(struct mesh_config *config)
{
    config->rekey_after_messages = (uint64_t)1 << 60;
    config->reject_after_messages = UINT64_MAX - ((uint64_t)1 << 13);
    config->rekey_after_ms = 120000;
    config->reject_after_ms = 180000;
    config->handshake_retry_ms = 5000;
    config->handshake_attempts = 20;
    config->rate_burst = 5;
    config->rate_interval_ms = 200;
    config->cell_size = 0;
    config->id_difficulty = MESH_ID_DIFFICULTY;
}

enum mesh_result mesh_endpoint_init(struct mesh_endpoint *ep, const struct mesh_identity *identity,
                                    const struct mesh_config *config,
                                    const struct random_source *random, struct mesh_peer *peers,
                                    size_t peer_count)
{
    if (ep == NULL || identity == NULL || config == NULL || random == NULL ||
        random->read == NULL || (peers == NULL && peer_count > 0) ||
        (config->cell_size != 0 &&
         (config->cell_size % MESH_PAD_BLOCK != 0 || config->cell_size > MESH_MAX_INNER)) ||
        config->id_difficulty > MESH_ID_MAX_DIFFICULTY || config->rate_interval_ms == 0 ||
        config->handshake_attempts == 0)
        return MESH_ERR_PARAMETER;
    __builtin_memset(ep, 0, sizeof *ep);
    ep->identity = identity;
    ep->config = *config;
    ep->random = *random;
    ep->peers = peers;
    ep->peer_count = peer_count;
    if (peer_count > 0)
        __builtin_memset(peers, 0, peer_count * sizeof *peers);
    return MESH_OK;
}

/* --- Helpers --- */

static enum mesh_result random_bytes(struct mesh_endpoint *ep, uint8_t *out, size_t len)
{
    if (ep->random.read(ep->random.ctx, out, len) != CRYPTO_OK) {
        crypto_wipe(out, len);
        return MESH_ERR_RANDOM;
    }
    return MESH_OK;
}

static bool address_equal(const struct mesh_address *a, const struct mesh_address *b)
{
    return crypto_equal(a->bytes, b->bytes, MESH_ADDRESS_SIZE);
}

static bool index_in_use(const struct mesh_endpoint *ep, uint32_t index)
{
    for (size_t i = 0; i < MESH_PENDING_RESPONSES; i++)
        if (ep->pending[i].in_use && ep->pending[i].local_index == index)
            return true;
    for (size_t i = 0; i < ep->peer_count; i++) {
        const struct mesh_peer *p = &ep->peers[i];
        if (!p->in_use)
            continue;
        if ((p->stage != MESH_HANDSHAKE_IDLE && p->handshake_index == index) ||
            (p->current.valid && p->current.local_index == index) ||
            (p->previous.valid && p->previous.local_index == index) ||
            (p->next.valid && p->next.local_index == index))
            return true;
    }
    return false;
}

/* A fresh local index: random (so indexes reveal nothing), non-zero, unique. */
static enum mesh_result new_index(struct mesh_endpoint *ep, uint32_t *index)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        uint8_t bytes[4];
        if (random_bytes(ep, bytes, sizeof bytes) != MESH_OK)
            return MESH_ERR_RANDOM;
        *index = load32_le(bytes);
        if (*index != 0 && !index_in_use(ep, *index))
            return MESH_OK;
    }
    return MESH_ERR_RANDOM;
}

/* Starts a Noise_XX handshake state with a fresh ephemeral key. */
static enum mesh_result handshake_start(struct mesh_endpoint *ep, struct noise_handshake *hs,
                                        bool initiator)
{
    uint8_t e[32];
    if (random_bytes(ep, e, sizeof e) != MESH_OK)
        return MESH_ERR_RANDOM;
    struct noise_keys keys = { .s_secret = ep->identity->dh_secret,
                               .s_public = ep->identity->public_part.dh_public, .e_secret = e };
    enum mesh_result result =
        noise_handshake_init(hs, &noise_pattern_xx, NOISE_HASH_BLAKE2B, protocol_name,
                             sizeof protocol_name - 1, initiator, prologue,
                             sizeof prologue - 1, &keys);
    crypto_wipe(e, sizeof e);
    return result;
}

static void handshake_payload(const struct mesh_endpoint *ep,
                              uint8_t out[MESH_HANDSHAKE_PAYLOAD_SIZE])
{
    __builtin_memcpy(out, ep->identity->public_part.sign_public, 32);
    store64_le(out + 32, ep->identity->public_part.nonce);
}

/* The peer's identity from its authenticated static key and payload. */
static enum mesh_result identity_from_handshake(const struct mesh_endpoint *ep,
                                                const struct noise_handshake *hs,
                                                const uint8_t *payload, size_t payload_len,
                                                struct mesh_identity_public *out)
{
    if (payload_len != MESH_HANDSHAKE_PAYLOAD_SIZE)
        return MESH_ERR_PAYLOAD;
    uint8_t wire[MESH_IDENTITY_WIRE_SIZE];
    __builtin_memcpy(wire, hs->rs, 32);
    __builtin_memcpy(wire + 32, payload, MESH_HANDSHAKE_PAYLOAD_SIZE);
    return mesh_identity_decode(out, wire, sizeof wire, ep->config.id_difficulty);
}

static void keypair_from_handshake(struct mesh_keypair *kp, struct noise_handshake *hs,
                                   uint32_t local_index, uint32_t remote_index, uint64_t now_ms)
{
    crypto_wipe(kp, sizeof *kp);
    kp->valid = true;
    kp->initiator = hs->initiator;
    kp->local_index = local_index;
    kp->remote_index = remote_index;
    kp->created_ms = now_ms;
    kp->send = hs->initiator ? hs->c1 : hs->c2;
    kp->receive = hs->initiator ? hs->c2 : hs->c1;
    mesh_replay_init(&kp->replay);
}

static void keypair_wipe(struct mesh_keypair *kp)
{
    crypto_wipe(kp, sizeof *kp);
}

/* Moves a key pair, wiping the source. */
static void keypair_move(struct mesh_keypair *to, struct mesh_keypair *from)
{
    keypair_wipe(to);
    *to = *from;
    keypair_wipe(from);
}

static bool keypair_expired(const struct mesh_endpoint *ep, const struct mesh_keypair *kp,
                            uint64_t now_ms)
{
    return now_ms - kp->created_ms >= ep->config.reject_after_ms;
}

/* When this side starts a rekey on time: the initiator of the key pair at
 * rekey_after_ms, the responder an eighth later, so that both sides rarely
 * start at once. */
static bool keypair_rekey_due(const struct mesh_endpoint *ep, const struct mesh_keypair *kp,
                              uint64_t now_ms)
{
    uint64_t after = ep->config.rekey_after_ms;
    if (!kp->initiator)
        after += after / 8;
    return now_ms - kp->created_ms >= after || kp->send_counter >= ep->config.rekey_after_messages;
}

/* --- DATA packets --- */

/* Seals data under kp into out: header, counter, padded inner. */
static enum mesh_result data_seal(const struct mesh_endpoint *ep, struct mesh_keypair *kp,
                                  const uint8_t *data, size_t data_len, uint8_t *out,
                                  size_t out_cap, size_t *out_len)
{
    size_t sealed = mesh_inner_size(data_len, ep->config.cell_size);
    if (sealed == 0)
        return MESH_ERR_PARAMETER;
    if (out_cap < MESH_DATA_HEADER_SIZE + sealed)
        return MESH_ERR_BUFFER;
    if (kp->send_counter >= ep->config.reject_after_messages)
        return MESH_ERR_EXPIRED;
    uint8_t inner[MESH_MAX_INNER];
    size_t inner_len = sealed - NOISE_TAG_SIZE;
    __builtin_memset(inner, 0, inner_len);
    store16_le(inner, (uint16_t)data_len);
    if (data_len > 0)
        __builtin_memcpy(inner + 2, data, data_len);
    mesh_header_write(out, MESH_PACKET_DATA);
    store32_le(out + 4, kp->remote_index);
    store64_le(out + 8, kp->send_counter);
    enum mesh_result result =
        noise_cipher_seal_at(&kp->send, kp->send_counter, out, MESH_DATA_HEADER_SIZE, inner,
                             inner_len, out + MESH_DATA_HEADER_SIZE, out_cap - MESH_DATA_HEADER_SIZE);
    crypto_wipe(inner, inner_len);
    if (result != MESH_OK)
        return result;
    kp->send_counter++;
    *out_len = MESH_DATA_HEADER_SIZE + sealed;
    return MESH_OK;
}

/* The key pair a peer sends with: current, else an unconfirmed next. */
static struct mesh_keypair *peer_send_keypair(struct mesh_peer *peer)
{
    if (peer->current.valid)
        return &peer->current;
    if (peer->next.valid)
        return &peer->next;
    return NULL;
}

enum mesh_result mesh_endpoint_send(struct mesh_endpoint *ep, size_t peer_slot,
                                    const uint8_t *data, size_t data_len, uint64_t now_ms,
                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                    struct mesh_address *to)
{
    *out_len = 0;
    if (peer_slot >= ep->peer_count || !ep->peers[peer_slot].in_use ||
        (data == NULL && data_len > 0))
        return MESH_ERR_PARAMETER;
    struct mesh_peer *peer = &ep->peers[peer_slot];
    struct mesh_keypair *kp = peer_send_keypair(peer);
    if (kp == NULL)
        return MESH_ERR_NO_SESSION;
    if (keypair_expired(ep, kp, now_ms)) {
        peer->rekey_wanted = true;
        return MESH_ERR_EXPIRED;
    }
    enum mesh_result result = data_seal(ep, kp, data, data_len, out, out_cap, out_len);
    if (result == MESH_ERR_EXPIRED)
        peer->rekey_wanted = true;
    if (result != MESH_OK)
        return result;
    if (keypair_rekey_due(ep, kp, now_ms))
        peer->rekey_wanted = true;
    *to = peer->address;
    return MESH_OK;
}

/* The key pair with this local index, and its peer. */
static struct mesh_keypair *keypair_find(struct mesh_endpoint *ep, uint32_t index,
                                         size_t *peer_slot)
{
    for (size_t i = 0; i < ep->peer_count; i++) {
        struct mesh_peer *p = &ep->peers[i];
        struct mesh_keypair *kps[3] = { &p->current, &p->previous, &p->next };
        if (!p->in_use)
            continue;
        for (int k = 0; k < 3; k++) {
            if (kps[k]->valid && kps[k]->local_index == index) {
                *peer_slot = i;
                return kps[k];
            }
        }
    }
    return NULL;
}

/* Opens a DATA packet's inner part and checks its length and padding. */
static enum mesh_result data_open(const struct mesh_keypair *kp, const uint8_t *datagram,
                                  const struct mesh_packet *packet, struct mesh_event *event)
{
    uint8_t inner[MESH_MAX_INNER];
    size_t inner_len = packet->noise_len - NOISE_TAG_SIZE;
    enum mesh_result result =
        noise_cipher_open_at(&kp->receive, packet->counter, datagram, MESH_DATA_HEADER_SIZE,
                             packet->noise, packet->noise_len, inner, sizeof inner);
    if (result != MESH_OK)
        return result == MESH_ERR_EXPIRED ? MESH_ERR_EXPIRED : MESH_ERR_DECRYPT;
    size_t data_len = load16_le(inner);
    uint8_t padding = 0;
    if (data_len > inner_len - 2) {
        result = MESH_ERR_PADDING;
    } else {
        for (size_t i = 2 + data_len; i < inner_len; i++)
            padding |= inner[i];
        result = padding != 0 ? MESH_ERR_PADDING : MESH_OK;
    }
    if (result == MESH_OK) {
        __builtin_memcpy(event->data, inner + 2, data_len);
        event->data_len = data_len;
    }
    crypto_wipe(inner, inner_len);
    return result;
}

/* The first packet under `next` confirms the initiator's new key pair. */
static void peer_promote_next(struct mesh_peer *peer)
{
    keypair_move(&peer->previous, &peer->current);
    keypair_move(&peer->current, &peer->next);
    if (peer->stage == MESH_HANDSHAKE_AWAIT_CONFIRM) {
        peer->stage = MESH_HANDSHAKE_IDLE;
        noise_handshake_wipe(&peer->handshake);
    }
}

static enum mesh_result handle_data(struct mesh_endpoint *ep, const struct mesh_address *from,
                                    const uint8_t *datagram, const struct mesh_packet *packet,
                                    uint64_t now_ms, struct mesh_event *event)
{
    size_t slot = 0;
    struct mesh_keypair *kp = keypair_find(ep, packet->receiver_index, &slot);
    if (kp == NULL)
        return MESH_ERR_UNKNOWN_INDEX;
    if (keypair_expired(ep, kp, now_ms) || packet->counter >= ep->config.reject_after_messages)
        return MESH_ERR_EXPIRED;
    if (!mesh_replay_check(&kp->replay, packet->counter))
        return MESH_ERR_REPLAY;
    enum mesh_result result = data_open(kp, datagram, packet, event);
    if (result != MESH_OK)
        return result;
    mesh_replay_record(&kp->replay, packet->counter);
    struct mesh_peer *peer = &ep->peers[slot];
    if (kp == &peer->next)
        peer_promote_next(peer);
    peer->address = *from;
    event->kind = MESH_EVENT_DATA;
    event->peer = slot;
    return MESH_OK;
}

/* --- Handshakes: initiator side --- */

/* Writes a new INIT for peer into peer->last_sent. */
static enum mesh_result initiator_start(struct mesh_endpoint *ep, struct mesh_peer *peer,
                                        uint64_t now_ms)
{
    uint32_t index = 0;
    uint8_t index_bytes[4];
    enum mesh_result result = new_index(ep, &index);
    if (result == MESH_OK)
        result = handshake_start(ep, &peer->handshake, true);
    size_t written = 0;
    uint8_t *packet = peer->last_sent;
    __builtin_memset(packet, 0, MESH_INIT_SIZE);
    store32_le(index_bytes, index);
    if (result == MESH_OK)
        result = noise_handshake_write(&peer->handshake, index_bytes, sizeof index_bytes,
                                       packet + MESH_HEADER_SIZE, MESH_NOISE_MESSAGE1_SIZE,
                                       &written);
    if (result != MESH_OK) {
        noise_handshake_wipe(&peer->handshake);
        peer->stage = MESH_HANDSHAKE_IDLE;
        return result;
    }
    mesh_header_write(packet, MESH_PACKET_INIT);
    peer->last_sent_len = MESH_INIT_SIZE;
    peer->handshake_index = index;
    peer->stage = MESH_HANDSHAKE_AWAIT_RESPONSE;
    peer->attempts = 1;
    peer->last_sent_ms = now_ms;
    peer->rekey_wanted = false;
    return MESH_OK;
}

static enum mesh_result copy_out(const uint8_t *packet, size_t len, uint8_t *out, size_t out_cap,
                                 size_t *out_len)
{
    if (out_cap < len)
        return MESH_ERR_BUFFER;
    __builtin_memcpy(out, packet, len);
    *out_len = len;
    return MESH_OK;
}

enum mesh_result mesh_endpoint_connect(struct mesh_endpoint *ep, const struct mesh_address *address,
                                       const uint8_t *expected_id, uint64_t now_ms,
                                       uint8_t *out, size_t out_cap, size_t *out_len,
                                       size_t *peer_slot)
{
    *out_len = 0;
    if (address == NULL || out_cap < MESH_INIT_SIZE)
        return address == NULL ? MESH_ERR_PARAMETER : MESH_ERR_BUFFER;
    size_t slot = ep->peer_count;
    for (size_t i = 0; i < ep->peer_count && slot == ep->peer_count; i++)
        if (!ep->peers[i].in_use)
            slot = i;
    if (slot == ep->peer_count)
        return MESH_ERR_FULL;
    struct mesh_peer *peer = &ep->peers[slot];
    __builtin_memset(peer, 0, sizeof *peer);
    peer->in_use = true;
    peer->address = *address;
    if (expected_id != NULL) {
        peer->id_pinned = true;
        __builtin_memcpy(peer->pinned_id, expected_id, MESH_NODE_ID_SIZE);
    }
    enum mesh_result result = initiator_start(ep, peer, now_ms);
    if (result != MESH_OK) {
        __builtin_memset(peer, 0, sizeof *peer);
        return result;
    }
    *peer_slot = slot;
    return copy_out(peer->last_sent, peer->last_sent_len, out, out_cap, out_len);
}

static struct mesh_peer *peer_awaiting(struct mesh_endpoint *ep, uint32_t index,
                                       enum mesh_handshake_stage stage, size_t *slot)
{
    for (size_t i = 0; i < ep->peer_count; i++) {
        struct mesh_peer *p = &ep->peers[i];
        if (p->in_use && p->stage == stage && p->handshake_index == index) {
            *slot = i;
            return p;
        }
    }
    return NULL;
}

/* True when identity may be the peer of this slot: the pinned ID if any,
 * the same static key as before if known. */
static bool peer_accepts(const struct mesh_peer *peer, const struct mesh_identity_public *identity)
{
    if (peer->id_pinned && !crypto_equal(peer->pinned_id, identity->id, MESH_NODE_ID_SIZE))
        return false;
    return !peer->identity_known ||
           crypto_equal(peer->identity.dh_public, identity->dh_public, 32);
}

/* RESPONSE: read message 2 on a copy, check the responder's identity,
 * write message 3, keep the new key pair as `next`. */
static enum mesh_result handle_response(struct mesh_endpoint *ep, const struct mesh_address *from,
                                        const struct mesh_packet *packet, uint64_t now_ms,
                                        struct mesh_event *event)
{
    size_t slot = 0;
    struct mesh_peer *peer =
        peer_awaiting(ep, packet->receiver_index, MESH_HANDSHAKE_AWAIT_RESPONSE, &slot);
    if (peer == NULL)
        return MESH_ERR_UNKNOWN_INDEX;
    struct noise_handshake hs = peer->handshake;
    uint8_t payload[4 + MESH_HANDSHAKE_PAYLOAD_SIZE];
    uint8_t finish[MESH_FINISH_SIZE];
    size_t payload_len = 0, written = 0;
    struct mesh_identity_public identity;
    enum mesh_result result = noise_handshake_read(&hs, packet->noise, packet->noise_len,
                                                   payload, sizeof payload, &payload_len);
    uint32_t remote_index = load32_le(payload);
    if (result == MESH_OK)
        result = payload_len < 4 ? MESH_ERR_PAYLOAD
                                 : identity_from_handshake(ep, &hs, payload + 4,
                                                           payload_len - 4, &identity);
    if (result == MESH_OK && !peer_accepts(peer, &identity))
        result = MESH_ERR_IDENTITY;
    handshake_payload(ep, payload);
    if (result == MESH_OK)
        result = noise_handshake_write(&hs, payload, MESH_HANDSHAKE_PAYLOAD_SIZE, finish + 8,
                                       sizeof finish - 8, &written);
    if (result != MESH_OK) {
        noise_handshake_wipe(&hs);
        return result;
    }
    mesh_header_write(finish, MESH_PACKET_FINISH);
    store32_le(finish + 4, remote_index);
    keypair_from_handshake(&peer->next, &hs, peer->handshake_index, remote_index, now_ms);
    noise_handshake_wipe(&hs);
    noise_handshake_wipe(&peer->handshake);
    peer->identity = identity;
    peer->identity_known = true;
    peer->address = *from;
    __builtin_memcpy(peer->last_sent, finish, sizeof finish);
    peer->last_sent_len = sizeof finish;
    peer->last_sent_ms = now_ms;
    peer->attempts = 1;
    peer->stage = MESH_HANDSHAKE_AWAIT_CONFIRM;
    __builtin_memcpy(event->reply, finish, sizeof finish);
    event->reply_len = sizeof finish;
    event->kind = MESH_EVENT_ESTABLISHED;
    event->peer = slot;
    return MESH_OK;
}

/* --- Handshakes: responder side --- */

/* Token bucket per source address. A new address takes a free entry or the
 * one idle longest. */
static enum mesh_result rate_limit(struct mesh_endpoint *ep, const struct mesh_address *from,
                                   uint64_t now_ms)
{
    struct mesh_rate *entry = NULL, *oldest = &ep->rate[0];
    for (size_t i = 0; i < MESH_RATE_ENTRIES && entry == NULL; i++) {
        struct mesh_rate *r = &ep->rate[i];
        if (r->in_use && address_equal(&r->address, from))
            entry = r;
        else if (!r->in_use || (oldest->in_use && r->refilled_ms < oldest->refilled_ms))
            oldest = r;
    }
    if (entry == NULL) {
        entry = oldest;
        entry->in_use = true;
        entry->address = *from;
        entry->tokens = ep->config.rate_burst;
        entry->refilled_ms = now_ms;
    }
    uint64_t earned = (now_ms - entry->refilled_ms) / ep->config.rate_interval_ms;
    if (earned >= ep->config.rate_burst - entry->tokens) {
        entry->tokens = ep->config.rate_burst;
        entry->refilled_ms = now_ms;
    } else {
        entry->tokens += (unsigned)earned;
        entry->refilled_ms += earned * ep->config.rate_interval_ms;
    }
    if (entry->tokens == 0)
        return MESH_ERR_RATE_LIMIT;
    entry->tokens--;
    return MESH_OK;
}

/* A slot for a new pending response: a free one, else the oldest. */
static struct mesh_pending *pending_slot(struct mesh_endpoint *ep)
{
    struct mesh_pending *oldest = &ep->pending[0];
    for (size_t i = 0; i < MESH_PENDING_RESPONSES; i++) {
        if (!ep->pending[i].in_use)
            return &ep->pending[i];
        if (ep->pending[i].created_ms < oldest->created_ms)
            oldest = &ep->pending[i];
    }
    crypto_wipe(oldest, sizeof *oldest);
    return oldest;
}

/* A retransmitted INIT (same sender index, e and address) gets the same
 * RESPONSE again instead of a second handshake. */
static struct mesh_pending *pending_duplicate(struct mesh_endpoint *ep,
                                              const struct mesh_address *from,
                                              const struct mesh_packet *packet)
{
    for (size_t i = 0; i < MESH_PENDING_RESPONSES; i++) {
        struct mesh_pending *p = &ep->pending[i];
        if (p->in_use && p->remote_index == packet->sender_index &&
            address_equal(&p->address, from) && crypto_equal(p->initiator_e, packet->noise, 32))
            return p;
    }
    return NULL;
}

/* Reads message 1 (its payload must be exactly the 4-byte index) and writes
 * the RESPONSE: our index, then our identity, in message 2. */
static enum mesh_result pending_respond(struct mesh_endpoint *ep, struct mesh_pending *p,
                                        const struct mesh_packet *packet)
{
    uint8_t payload[4 + MESH_HANDSHAKE_PAYLOAD_SIZE];
    size_t got = 0, written = 0;
    enum mesh_result result = new_index(ep, &p->local_index);
    if (result == MESH_OK)
        result = handshake_start(ep, &p->handshake, false);
    if (result == MESH_OK)
        result = noise_handshake_read(&p->handshake, packet->noise, packet->noise_len, payload,
                                      sizeof payload, &got);
    if (result == MESH_OK && got != 4)
        result = MESH_ERR_PAYLOAD;
    store32_le(payload, p->local_index);
    handshake_payload(ep, payload + 4);
    if (result == MESH_OK)
        result = noise_handshake_write(&p->handshake, payload, sizeof payload,
                                       p->response + 8, MESH_NOISE_MESSAGE2_SIZE, &written);
    if (result != MESH_OK)
        return result;
    mesh_header_write(p->response, MESH_PACKET_RESPONSE);
    store32_le(p->response + 4, packet->sender_index);
    return MESH_OK;
}

static enum mesh_result handle_init(struct mesh_endpoint *ep, const struct mesh_address *from,
                                    const struct mesh_packet *packet, uint64_t now_ms,
                                    struct mesh_event *event)
{
    enum mesh_result result = rate_limit(ep, from, now_ms);
    if (result != MESH_OK)
        return result;
    struct mesh_pending *p = pending_duplicate(ep, from, packet);
    if (p == NULL) {
        p = pending_slot(ep);
        __builtin_memset(p, 0, sizeof *p);
        result = pending_respond(ep, p, packet);
        if (result != MESH_OK) {
            crypto_wipe(p, sizeof *p);
            return result;
        }
        p->in_use = true;
        p->remote_index = packet->sender_index;
        p->address = *from;
        __builtin_memcpy(p->initiator_e, packet->noise, 32);
        p->created_ms = now_ms;
    }
    __builtin_memcpy(event->reply, p->response, MESH_RESPONSE_SIZE);
    event->reply_len = MESH_RESPONSE_SIZE;
    return MESH_OK;
}

/* The slot a completed responder handshake belongs to: the peer with this
 * static key, else an initiator's slot towards the same address whose
 * identity is still unknown (simultaneous opening), else a free slot. */
static size_t peer_for_identity(struct mesh_endpoint *ep, const struct mesh_address *from,
                                const struct mesh_identity_public *identity)
{
    for (size_t i = 0; i < ep->peer_count; i++)
        if (ep->peers[i].in_use && ep->peers[i].identity_known &&
            crypto_equal(ep->peers[i].identity.dh_public, identity->dh_public, 32))
            return i;
    for (size_t i = 0; i < ep->peer_count; i++)
        if (ep->peers[i].in_use && !ep->peers[i].identity_known &&
            address_equal(&ep->peers[i].address, from) && peer_accepts(&ep->peers[i], identity))
            return i;
    for (size_t i = 0; i < ep->peer_count; i++)
        if (!ep->peers[i].in_use)
            return i;
    return ep->peer_count;
}

static void finish_hash(const uint8_t *datagram, uint8_t out[32])
{
    if (blake2b(out, 32, NULL, 0, datagram, MESH_FINISH_SIZE) != CRYPTO_OK)
        __builtin_memset(out, 0, 32);
}

/* A retransmitted FINISH whose handshake already completed: answer with a
 * keepalive under that key pair so the initiator gets its confirmation. */
static enum mesh_result finish_duplicate(struct mesh_endpoint *ep, const uint8_t *datagram,
                                         const struct mesh_packet *packet,
                                         struct mesh_event *event)
{
    size_t slot = 0;
    struct mesh_keypair *kp = keypair_find(ep, packet->receiver_index, &slot);
    uint8_t hash[32];
    finish_hash(datagram, hash);
    if (kp == NULL || kp->initiator || !crypto_equal(hash, kp->finish_hash, 32))
        return MESH_ERR_UNKNOWN_INDEX;
    return data_seal(ep, kp, NULL, 0, event->reply, sizeof event->reply, &event->reply_len);
}

static struct mesh_pending *pending_find(struct mesh_endpoint *ep, uint32_t index)
{
    for (size_t i = 0; i < MESH_PENDING_RESPONSES; i++)
        if (ep->pending[i].in_use && ep->pending[i].local_index == index)
            return &ep->pending[i];
    return NULL;
}

/* Installs a responder's new key pair as current (the old one stays as
 * previous) and answers with a keepalive under it: the confirmation. */
static enum mesh_result responder_install(struct mesh_endpoint *ep, struct mesh_pending *p,
                                          size_t slot, const struct mesh_identity_public *identity,
                                          const uint8_t *datagram, uint64_t now_ms,
                                          struct mesh_event *event)
{
    struct mesh_peer *peer = &ep->peers[slot];
    if (!peer->in_use) {
        __builtin_memset(peer, 0, sizeof *peer);
        peer->in_use = true;
    }
    keypair_move(&peer->previous, &peer->current);
    keypair_from_handshake(&peer->current, &p->handshake, p->local_index, p->remote_index,
                           now_ms);
    finish_hash(datagram, peer->current.finish_hash);
    peer->identity = *identity;
    peer->identity_known = true;
    peer->address = p->address;
    crypto_wipe(p, sizeof *p);
    event->kind = MESH_EVENT_ESTABLISHED;
    event->peer = slot;
    return data_seal(ep, &peer->current, NULL, 0, event->reply, sizeof event->reply,
                     &event->reply_len);
}

static enum mesh_result handle_finish(struct mesh_endpoint *ep, const struct mesh_address *from,
                                      const uint8_t *datagram, const struct mesh_packet *packet,
                                      uint64_t now_ms, struct mesh_event *event)
{
    struct mesh_pending *p = pending_find(ep, packet->receiver_index);
    if (p == NULL)
        return finish_duplicate(ep, datagram, packet, event);
    if (!address_equal(&p->address, from))
        return MESH_ERR_UNKNOWN_INDEX;
    struct noise_handshake hs = p->handshake;
    uint8_t payload[MESH_HANDSHAKE_PAYLOAD_SIZE];
    size_t payload_len = 0;
    struct mesh_identity_public identity;
    enum mesh_result result = noise_handshake_read(&hs, packet->noise, packet->noise_len,
                                                   payload, sizeof payload, &payload_len);
    if (result != MESH_OK) {
        noise_handshake_wipe(&hs);
        return result;
    }
    result = identity_from_handshake(ep, &hs, payload, payload_len, &identity);
    size_t slot = ep->peer_count;
    if (result == MESH_OK) {
        slot = peer_for_identity(ep, from, &identity);
        if (slot == ep->peer_count)
            result = MESH_ERR_FULL;
    }
    if (result != MESH_OK) {
        /* Authenticated, but unacceptable: this handshake cannot succeed. */
        noise_handshake_wipe(&hs);
        crypto_wipe(p, sizeof *p);
        return result;
    }
    p->handshake = hs;
    noise_handshake_wipe(&hs);
    return responder_install(ep, p, slot, &identity, datagram, now_ms, event);
}

enum mesh_result mesh_endpoint_receive(struct mesh_endpoint *ep, const struct mesh_address *from,
                                       const uint8_t *datagram, size_t len, uint64_t now_ms,
                                       struct mesh_event *event)
{
    struct mesh_packet packet;
    event->kind = MESH_EVENT_NONE;
    event->data_len = 0;
    event->reply_len = 0;
    event->peer = 0;
    enum mesh_result result = mesh_packet_decode(datagram, len, &packet);
    if (result != MESH_OK)
        return result;
    switch (packet.type) {
    case MESH_PACKET_INIT:
        return handle_init(ep, from, &packet, now_ms, event);
    case MESH_PACKET_RESPONSE:
        return handle_response(ep, from, &packet, now_ms, event);
    case MESH_PACKET_FINISH:
        return handle_finish(ep, from, datagram, &packet, now_ms, event);
    default:
        return handle_data(ep, from, datagram, &packet, now_ms, event);
    }
}

/* --- Timers --- */

static void peer_expire(struct mesh_endpoint *ep, struct mesh_peer *peer, uint64_t now_ms)
{
    struct mesh_keypair *kps[3] = { &peer->current, &peer->previous, &peer->next };
    for (int k = 0; k < 3; k++)
        if (kps[k]->valid && keypair_expired(ep, kps[k], now_ms))
            keypair_wipe(kps[k]);
}

/* One due handshake packet of a peer, if any: a retransmission, or a new
 * INIT for a rekey. Gives up after handshake_attempts sends. */
static enum mesh_result peer_timer(struct mesh_endpoint *ep, struct mesh_peer *peer,
                                   uint64_t now_ms, bool *send)
{
    *send = false;
    bool waited = now_ms - peer->last_sent_ms >= ep->config.handshake_retry_ms;
    if (peer->stage != MESH_HANDSHAKE_IDLE) {
        if (!waited)
            return MESH_OK;
        if (peer->attempts >= ep->config.handshake_attempts) {
            noise_handshake_wipe(&peer->handshake);
            if (peer->stage == MESH_HANDSHAKE_AWAIT_CONFIRM)
                keypair_wipe(&peer->next);
            peer->stage = MESH_HANDSHAKE_IDLE;
            return MESH_OK;
        }
        peer->attempts++;
        peer->last_sent_ms = now_ms;
        *send = true;
        return MESH_OK;
    }
    bool due = peer->rekey_wanted ||
               (peer->current.valid && keypair_rekey_due(ep, &peer->current, now_ms));
    if (!due || (peer->last_sent_len != 0 && !waited))
        return MESH_OK;
    enum mesh_result result = initiator_start(ep, peer, now_ms);
    *send = result == MESH_OK;
    return result;
}

enum mesh_result mesh_endpoint_tick(struct mesh_endpoint *ep, uint64_t now_ms, uint8_t *out,
                                    size_t out_cap, size_t *out_len, struct mesh_address *to)
{
    *out_len = 0;
    uint64_t pending_life = ep->config.handshake_retry_ms * ep->config.handshake_attempts;
    for (size_t i = 0; i < MESH_PENDING_RESPONSES; i++)
        if (ep->pending[i].in_use && now_ms - ep->pending[i].created_ms >= pending_life)
            crypto_wipe(&ep->pending[i], sizeof ep->pending[i]);
    for (size_t i = 0; i < ep->peer_count; i++) {
        struct mesh_peer *peer = &ep->peers[i];
        bool send = false;
        if (!peer->in_use)
            continue;
        peer_expire(ep, peer, now_ms);
        enum mesh_result result = peer_timer(ep, peer, now_ms, &send);
        if (result != MESH_OK)
            return result;
        if (send) {
            *to = peer->address;
            return copy_out(peer->last_sent, peer->last_sent_len, out, out_cap, out_len);
        }
    }
    return MESH_OK;
}

void mesh_endpoint_forget(struct mesh_endpoint *ep, size_t peer_slot)
{
    if (peer_slot < ep->peer_count)
        crypto_wipe(&ep->peers[peer_slot], sizeof ep->peers[peer_slot]);
}

void mesh_endpoint_wipe(struct mesh_endpoint *ep)
{
    for (size_t i = 0; i < ep->peer_count; i++)
        mesh_endpoint_forget(ep, i);
    crypto_wipe(ep->pending, sizeof ep->pending);
    crypto_wipe(ep->rate, sizeof ep->rate);
}
