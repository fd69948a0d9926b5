/* The Noise protocol framework, revision 34 (noiseprotocol.org/noise.html),
 * with DH = 25519, cipher = ChaChaPoly and hash = BLAKE2b or SHA256.
 *
 * The mesh uses one protocol, Noise_XX_25519_ChaChaPoly_BLAKE2b
 * (noise_pattern_xx); the engine runs any handshake pattern given as a token
 * table (one-way, interactive, deferred, psk modifiers), so the tests check
 * it against every cacophony vector of these cipher suites.
 *
 * Randomness is passed in: the caller gives the ephemeral secret key at
 * noise_handshake_init. Secrets (k, ck, e, s, psk) are wiped when a state is
 * finished or fails; a failed read or write leaves the handshake unusable
 * (the specification: a failed handshake is abandoned, never retried). */
#ifndef NONOS_MESH_NOISE_H
#define NONOS_MESH_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mesh/result.h"

#define NOISE_KEY_SIZE 32
#define NOISE_DH_SIZE 32
#define NOISE_TAG_SIZE 16
#define NOISE_MAX_HASH_SIZE 64
#define NOISE_MAX_MESSAGE 65535
#define NOISE_MAX_MESSAGES 6 /* messages of the longest pattern */
#define NOISE_MAX_TOKENS 6   /* tokens of the longest message */

enum noise_hash { NOISE_HASH_BLAKE2B, NOISE_HASH_SHA256 };

enum noise_token {
    NOISE_TOKEN_NONE = 0, /* ends a token list */
    NOISE_TOKEN_E,
    NOISE_TOKEN_S,
    NOISE_TOKEN_EE,
    NOISE_TOKEN_ES,
    NOISE_TOKEN_SE,
    NOISE_TOKEN_SS,
    NOISE_TOKEN_PSK,
};

/* A handshake pattern: the pre-messages (only NOISE_TOKEN_E and _S) and the
 * messages, initiator first, alternating. has_psk is true for a pattern
 * with a psk modifier (the `e` token then also calls MixKey). */
struct noise_pattern {
    uint8_t initiator_pre[2];
    uint8_t responder_pre[2];
    uint8_t messages[NOISE_MAX_MESSAGES][NOISE_MAX_TOKENS];
    uint8_t message_count;
    bool has_psk;
};

extern const struct noise_pattern noise_pattern_xx;

struct noise_cipher {
    uint8_t k[NOISE_KEY_SIZE];
    uint64_t n;
    bool has_key;
};

struct noise_symmetric {
    enum noise_hash hash;
    size_t hash_len;
    uint8_t ck[NOISE_MAX_HASH_SIZE];
    uint8_t h[NOISE_MAX_HASH_SIZE];
    struct noise_cipher cipher;
};

/* The keys a side starts with. Absent keys are NULL. e_secret is 32 random
 * bytes from the caller (the ephemeral key the `e` token sends). */
struct noise_keys {
    const uint8_t *s_secret;  /* own static key */
    const uint8_t *s_public;  /* its public key if known (saves a multiplication), or NULL */
    const uint8_t *e_secret;  /* own ephemeral key */
    const uint8_t *rs;        /* peer's static public key, when a pre-message has it */
    const uint8_t *re;        /* peer's ephemeral public key, ditto */
    const uint8_t *psk;       /* 32-byte pre-shared key for psk patterns */
};

struct noise_handshake {
    struct noise_symmetric symmetric;
    const struct noise_pattern *pattern;
    bool initiator;
    bool failed;
    uint8_t message_index; /* next message to write or read */
    uint8_t s_secret[NOISE_DH_SIZE], s_public[NOISE_DH_SIZE];
    uint8_t e_secret[NOISE_DH_SIZE], e_public[NOISE_DH_SIZE];
    uint8_t rs[NOISE_DH_SIZE], re[NOISE_DH_SIZE];
    uint8_t psk[NOISE_KEY_SIZE];
    bool has_s, has_e, has_rs, has_re, has_psk;
    /* After the last message: the two transport ciphers (c1 initiator to
     * responder, c2 the other way) and h, the handshake hash. */
    struct noise_cipher c1, c2;
};

/* Starts a handshake. protocol_name is the full name, e.g.
 * "Noise_XX_25519_ChaChaPoly_BLAKE2b" (the caller's choice must match
 * pattern and hash). MESH_ERR_PARAMETER when a key the pattern's
 * pre-messages or tokens need is missing. */
enum mesh_result noise_handshake_init(struct noise_handshake *handshake,
                                      const struct noise_pattern *pattern, enum noise_hash hash,
                                      const char *protocol_name, size_t protocol_name_len,
                                      bool initiator, const uint8_t *prologue,
                                      size_t prologue_len, const struct noise_keys *keys);

/* Writes the next handshake message with payload into out. MESH_ERR_STATE
 * when it is the peer's turn or the handshake is finished or failed,
 * MESH_ERR_BUFFER when out is too small. */
enum mesh_result noise_handshake_write(struct noise_handshake *handshake, const uint8_t *payload,
                                       size_t payload_len, uint8_t *out, size_t out_cap,
                                       size_t *out_len);

/* Reads the next handshake message, writing its payload into payload.
 * MESH_ERR_SHORT when message is too short for its tokens, MESH_ERR_DECRYPT
 * when a tag fails, MESH_ERR_KEY on a weak DH result. Any error fails the
 * handshake (secrets wiped). */
enum mesh_result noise_handshake_read(struct noise_handshake *handshake, const uint8_t *message,
                                      size_t message_len, uint8_t *payload, size_t payload_cap,
                                      size_t *payload_len);

/* True once every message of the pattern has been written or read. */
bool noise_handshake_done(const struct noise_handshake *handshake);

/* Length of the next message with a payload of payload_len bytes. */
size_t noise_handshake_message_size(const struct noise_handshake *handshake, size_t payload_len);

/* Wipes the whole state. */
void noise_handshake_wipe(struct noise_handshake *handshake);

/* CipherState over ChaChaPoly: nonce n as 4 zero bytes || n (LE 64). The
 * nonce 2^64 - 1 is reserved: MESH_ERR_EXPIRED. Without a key the
 * plaintext is copied (the specification's behaviour). */
enum mesh_result noise_cipher_encrypt(struct noise_cipher *cipher, const uint8_t *ad,
                                      size_t ad_len, const uint8_t *plain, size_t plain_len,
                                      uint8_t *out, size_t out_cap, size_t *out_len);
enum mesh_result noise_cipher_decrypt(struct noise_cipher *cipher, const uint8_t *ad,
                                      size_t ad_len, const uint8_t *sealed, size_t sealed_len,
                                      uint8_t *out, size_t out_cap, size_t *out_len);

/* Encrypts or decrypts with an explicit nonce (the session layer carries the
 * counter in each packet); the cipher's own n is not used or changed. */
enum mesh_result noise_cipher_seal_at(const struct noise_cipher *cipher, uint64_t nonce,
                                      const uint8_t *ad, size_t ad_len, const uint8_t *plain,
                                      size_t plain_len, uint8_t *out, size_t out_cap);
enum mesh_result noise_cipher_open_at(const struct noise_cipher *cipher, uint64_t nonce,
                                      const uint8_t *ad, size_t ad_len, const uint8_t *sealed,
                                      size_t sealed_len, uint8_t *out, size_t out_cap);

/* The specification's Rekey(): k = first 32 bytes of ENCRYPT(k, 2^64 - 1, "", 32 zeros). */
void noise_cipher_rekey(struct noise_cipher *cipher);

#endif
