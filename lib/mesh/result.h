/* Result codes of lib/mesh (identity, Noise, sessions). Every decoder of
 * outside input returns one of these, never a bare bool, so that a test (and
 * the fuzz corpora, tests/corpus/mesh-*) can name the exact reason a packet
 * was refused. Values are stable: corpora record them as numbers. */
#ifndef NONOS_MESH_RESULT_H
#define NONOS_MESH_RESULT_H

enum mesh_result {
    MESH_OK = 0,
    MESH_ERR_SHORT = 1,          /* packet shorter than its type requires */
    MESH_ERR_LENGTH = 2,         /* length wrong for its type (too long, not the fixed size) */
    MESH_ERR_TYPE = 3,           /* unknown message type byte */
    MESH_ERR_RESERVED = 4,       /* reserved header bytes not zero */
    MESH_ERR_DECRYPT = 5,        /* AEAD tag did not verify */
    MESH_ERR_KEY = 6,            /* Diffie-Hellman gave a weak (all-zero) result */
    MESH_ERR_STATE = 7,          /* message arrived in the wrong handshake or session state */
    MESH_ERR_UNKNOWN_INDEX = 8,  /* receiver index names no handshake or key pair */
    MESH_ERR_REPLAY = 9,         /* counter already seen or behind the replay window */
    MESH_ERR_EXPIRED = 10,       /* key pair too old or counter at its limit */
    MESH_ERR_PADDING = 11,       /* inner length or padding of a data packet malformed */
    MESH_ERR_IDENTITY = 12,      /* node ID does not match the keys, or too little work */
    MESH_ERR_RATE_LIMIT = 13,    /* too many handshake initiations from one address */
    MESH_ERR_BUFFER = 14,        /* caller's output buffer too small */
    MESH_ERR_PARAMETER = 15,     /* caller error: bad size, NULL, out of range */
    MESH_ERR_RANDOM = 16,        /* the random source failed */
    MESH_ERR_FULL = 17,          /* no free peer or handshake slot */
    MESH_ERR_NO_SESSION = 18,    /* no usable key pair towards this peer yet */
    MESH_ERR_PAYLOAD = 19,       /* handshake payload malformed */
};

/* A short English message for a result; never NULL. */
const char *mesh_result_message(enum mesh_result result);

#endif
