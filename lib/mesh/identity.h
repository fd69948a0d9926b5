/* Node identity of the mesh (docs/mesh.md, "Node identity").
 *
 * A node has two key pairs, both made fresh at each start from random bytes
 * the caller supplies (ZeroState: nothing is kept unless a vault keeps it):
 * an X25519 key pair, the Noise static key of its sessions, and an Ed25519
 * key pair that signs its records (DHT values, provider records).
 *
 *   node ID  = BLAKE2b-256("NONOS mesh node id v1" || dh_public || sign_public)
 *   work     = BLAKE2b-256("NONOS mesh node work v1" || node ID || nonce as 8 bytes LE)
 *
 * The ID is valid at difficulty D when `work` begins with D zero bits
 * (bit 7 of byte 0 first). Minting an ID costs about 2^D hashes; checking it
 * costs two. The ID itself does not depend on the nonce, so IDs stay uniform
 * over the 256-bit XOR space. Every ID received from outside (handshake
 * payload, DHT message, record) is checked with mesh_identity_check against
 * MESH_ID_DIFFICULTY (or a network's own documented setting, e.g. a
 * simulator's). The public part travels as 72 bytes:
 * dh_public (32) || sign_public (32) || nonce (8, LE); the ID is recomputed,
 * never taken from the wire.
 *
 * This header is an interface of other branches (dht): keep it stable. */
#ifndef NONOS_MESH_IDENTITY_H
#define NONOS_MESH_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/ed25519.h"
#include "crypto/x25519.h"
#include "mesh/result.h"

#define MESH_NODE_ID_SIZE 32
#define MESH_IDENTITY_WIRE_SIZE 72 /* dh_public || sign_public || nonce */
#define MESH_IDENTITY_RANDOM_SIZE 64 /* X25519 secret || Ed25519 seed */
/* Default proof-of-work difficulty in leading zero bits (about 65,536
 * hashes, some tens of milliseconds, to mint; two hashes to check). */
#define MESH_ID_DIFFICULTY 16
#define MESH_ID_MAX_DIFFICULTY 64

/* What anyone may know about a node. id is always computed from the keys. */
struct mesh_identity_public {
    uint8_t dh_public[X25519_KEY_SIZE];
    uint8_t sign_public[ED25519_PUBLIC_KEY_SIZE];
    uint64_t nonce;
    uint8_t id[MESH_NODE_ID_SIZE];
};

/* A node's own identity: the public part and both secrets. Wipe it with
 * mesh_identity_wipe. */
struct mesh_identity {
    struct mesh_identity_public public_part;
    uint8_t dh_secret[X25519_KEY_SIZE];
    struct ed25519_secret_key sign_key;
};

/* Makes a fresh identity from 64 random bytes and searches nonces 0, 1, ...
 * until the work has `difficulty` leading zero bits, trying at most
 * max_attempts nonces. MESH_ERR_PARAMETER when difficulty exceeds
 * MESH_ID_MAX_DIFFICULTY; MESH_ERR_IDENTITY (identity wiped) when no nonce
 * below max_attempts works. */
enum mesh_result mesh_identity_create(struct mesh_identity *identity,
                                      const uint8_t random[MESH_IDENTITY_RANDOM_SIZE],
                                      unsigned difficulty, uint64_t max_attempts);

/* id = the node ID of the two public keys. */
void mesh_node_id(uint8_t id[MESH_NODE_ID_SIZE], const uint8_t dh_public[X25519_KEY_SIZE],
                  const uint8_t sign_public[ED25519_PUBLIC_KEY_SIZE]);

/* True when the work of (id, nonce) has `difficulty` leading zero bits. */
bool mesh_id_work_ok(const uint8_t id[MESH_NODE_ID_SIZE], uint64_t nonce, unsigned difficulty);

/* Writes the 72-byte wire form of an identity's public part. */
void mesh_identity_encode(uint8_t out[MESH_IDENTITY_WIRE_SIZE],
                          const struct mesh_identity_public *identity);

/* Reads the 72-byte wire form, computes the ID and checks its work at
 * `difficulty`: MESH_ERR_LENGTH when len is not 72, MESH_ERR_IDENTITY when
 * the work is short (out is zeroed on any error). */
enum mesh_result mesh_identity_decode(struct mesh_identity_public *out, const uint8_t *in,
                                      size_t len, unsigned difficulty);

/* Recomputes id from the keys, compares it with identity->id and checks the
 * work: MESH_OK or MESH_ERR_IDENTITY. */
enum mesh_result mesh_identity_check(const struct mesh_identity_public *identity,
                                     unsigned difficulty);

/* Zeroes the secrets (and everything else) of an identity. */
void mesh_identity_wipe(struct mesh_identity *identity);

#endif
