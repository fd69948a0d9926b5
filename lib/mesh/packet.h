/* The mesh's datagram wire format (docs/mesh.md, "Sessions"): four packet
 * types, every field little-endian, every length fixed or a multiple of the
 * padding block. mesh_packet_decode checks the layout only (type, reserved
 * bytes, lengths, handshake padding); the cryptography is session.c's.
 *
 *   header    type (1) | reserved (3, zero)
 *   INIT      header | Noise message 1 (36: e, sender index) | zero padding (108) = 148
 *   RESPONSE  header | receiver index (4) | Noise message 2 (140)        = 148
 *   FINISH    header | receiver index (4) | Noise message 3 (104)        = 112
 *   DATA      header | receiver index (4) | counter (8) | sealed inner (n + 16)
 *             inner = length (2) | payload | zero padding, n a multiple of 64, 64..1408
 *
 * The handshake payloads: message 1 carries the initiator's index (in clear
 * but hashed into the handshake, so a changed index fails the handshake),
 * message 2 the responder's index, encrypted, then its identity, message 3
 * the initiator's identity. An identity is the sender's keys without the
 * X25519 key Noise already carries: Ed25519 public key (32) | nonce (8).
 * Every index is thus authenticated by the handshake itself. */
#ifndef NONOS_MESH_PACKET_H
#define NONOS_MESH_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "mesh/result.h"

enum mesh_packet_type {
    MESH_PACKET_INIT = 1,
    MESH_PACKET_RESPONSE = 2,
    MESH_PACKET_FINISH = 3,
    MESH_PACKET_DATA = 4,
};

#define MESH_HEADER_SIZE 4
#define MESH_HANDSHAKE_PAYLOAD_SIZE 40                /* Ed25519 public key, nonce */
#define MESH_NOISE_MESSAGE1_SIZE (32 + 4)                /* e, index = 36 */
#define MESH_NOISE_MESSAGE2_SIZE (32 + 48 + 4 + 40 + 16)  /* e, s, index + identity = 140 */
#define MESH_NOISE_MESSAGE3_SIZE (48 + 40 + 16)           /* s, identity = 104 */
#define MESH_INIT_SIZE 148     /* padded to RESPONSE's size: no amplification */
#define MESH_RESPONSE_SIZE (MESH_HEADER_SIZE + 4 + MESH_NOISE_MESSAGE2_SIZE)
#define MESH_FINISH_SIZE (MESH_HEADER_SIZE + 4 + MESH_NOISE_MESSAGE3_SIZE)
#define MESH_DATA_HEADER_SIZE 16
#define MESH_PAD_BLOCK 64
#define MESH_MAX_INNER 1408   /* 22 blocks: a DATA packet fits a 1472-byte UDP payload */
#define MESH_MAX_PAYLOAD (MESH_MAX_INNER - 2)
#define MESH_MAX_PACKET (MESH_DATA_HEADER_SIZE + MESH_MAX_INNER + 16)

/* A decoded packet: views into the datagram, valid while it is. */
struct mesh_packet {
    enum mesh_packet_type type;
    uint32_t sender_index;   /* INIT (RESPONSE's is inside its encrypted payload) */
    uint32_t receiver_index; /* RESPONSE, FINISH, DATA */
    uint64_t counter;        /* DATA */
    const uint8_t *noise;    /* INIT, FINISH: the Noise message; DATA: sealed inner */
    size_t noise_len;
};

/* Checks the layout of a datagram: MESH_ERR_SHORT (fewer than 4 bytes, or
 * fewer than a DATA header), MESH_ERR_TYPE, MESH_ERR_RESERVED, MESH_ERR_LENGTH
 * (a handshake packet of another size, a DATA packet whose sealed part is
 * not 16 + a multiple of 64 in 64..1408), MESH_ERR_PADDING (INIT padding not
 * zero). out is zeroed on error. */
enum mesh_result mesh_packet_decode(const uint8_t *datagram, size_t len, struct mesh_packet *out);

/* Size of the sealed inner part for a payload: the padded inner size
 * (cell_size when not 0, else payload + 2 rounded up to 64) plus the tag;
 * 0 when the payload does not fit. */
size_t mesh_inner_size(size_t payload_len, size_t cell_size);

/* Writes the 4-byte header. */
void mesh_header_write(uint8_t *out, enum mesh_packet_type type);

#endif
