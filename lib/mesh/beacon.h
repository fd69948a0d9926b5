/* LAN beacons of the mesh (docs/mesh.md, "Beacons"): how a node tells the
 * machines on its link who it is and where its sessions listen, with no
 * configured address, DNS or bootstrap server.
 *
 * A beacon is one datagram of MESH_BEACON_SIZE bytes, sent to the link's
 * broadcast or multicast address:
 *
 *   0..3     "NMB" and the version byte 1
 *   4..75    the node's public identity (identity.h wire form, 72 bytes)
 *   76       address family (1: IPv4)
 *   77..80   IPv4 address of the node's sessions (0.0.0.0: the source address of the beacon)
 *   81..82   UDP port of its sessions, little-endian, not 0
 *   83..90   the sender's mesh time in milliseconds, little-endian
 *   91..154  Ed25519 signature, by the identity's signing key, of
 *            "NONOS mesh beacon v1" || bytes 0..90
 *
 * The signature binds the address and the time to the node ID (which binds
 * the signing key), so nobody can announce someone else's ID at an address
 * of their choice; the time lets a receiver refuse an old or replayed beacon
 * (it keeps the newest time it accepted from each ID; the window and the
 * rate limits are the receiver's, see overlay.h). A beacon only invites a
 * handshake: the session that follows authenticates the X25519 key anyway.
 *
 * Portable and freestanding, like the rest of lib/mesh. */
#ifndef NONOS_MESH_BEACON_H
#define NONOS_MESH_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "mesh/dht.h"
#include "mesh/identity.h"

#define MESH_BEACON_SIZE 155
#define MESH_BEACON_SIGNED_SIZE 91 /* bytes 0..90 */

/* Why a beacon was refused. Values are stable: the corpus records them. */
enum mesh_beacon_result {
    MESH_BEACON_OK = 0,
    MESH_BEACON_ERR_LENGTH = 1,    /* not MESH_BEACON_SIZE bytes */
    MESH_BEACON_ERR_MAGIC = 2,     /* first 4 bytes not "NMB" 1 */
    MESH_BEACON_ERR_IDENTITY = 3,  /* node ID without its proof of work */
    MESH_BEACON_ERR_ADDRESS = 4,   /* family not IPv4, or port 0 */
    MESH_BEACON_ERR_SIGNATURE = 5, /* signature does not verify */
    MESH_BEACON_ERR_TIME = 6,      /* time outside the receiver's window */
    MESH_BEACON_ERR_STALE = 7,     /* not newer than the last beacon of that ID */
    MESH_BEACON_ERR_RATE = 8,      /* over the receiver's rate limit */
    MESH_BEACON_ERR_SELF = 9,      /* our own beacon, looped back */
    MESH_BEACON_ERR_PARAMETER = 10,
    MESH_BEACON_RESULT_COUNT
};

struct mesh_beacon {
    struct mesh_identity_public identity; /* id computed and checked */
    struct dht_address address;
    uint64_t time_ms;
};

/* A short English message; never NULL. */
const char *mesh_beacon_message(int result);

/* Writes a signed beacon of identity at address and time. */
enum mesh_beacon_result mesh_beacon_encode(uint8_t out[MESH_BEACON_SIZE],
                                           const struct mesh_identity *identity,
                                           const struct dht_address *address, uint64_t time_ms);

/* Syntax and proof of work only (cheap: two hashes), no signature check:
 * LENGTH, MAGIC, IDENTITY, ADDRESS. out is zeroed on error. */
enum mesh_beacon_result mesh_beacon_parse(struct mesh_beacon *out, const uint8_t *in, size_t len,
                                          unsigned difficulty);

/* The signature of a parsed beacon (in is the same datagram). */
enum mesh_beacon_result mesh_beacon_verify(const struct mesh_beacon *beacon, const uint8_t *in,
                                           size_t len);

#endif
