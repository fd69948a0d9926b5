/* The Noise protocol framework, revision 34, sections 5 (processing rules)
 * and 4 (crypto functions) for 25519, ChaChaPoly, BLAKE2b and SHA256.
 * Invariant: a handshake that failed once (failed = true) has had all its
 * secrets wiped and refuses every further call. */
#include "mesh/noise.h"

#include "base/endian.h"
#include "crypto/aead.h"
#include "crypto/blake2b.h"
#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "crypto/x25519.h"

/* Noise_XX: -> e / <- e, ee, s, es / -> s, se */
const struct noise_pattern noise_pattern_xx = {
    .messages = {
        { NOISE_TOKEN_E },
        { NOISE_TOKEN_E, NOISE_TOKEN_EE, NOISE_TOKEN_S, NOISE_TOKEN_ES },
        { NOISE_TOKEN_S, NOISE_TOKEN_SE },
    },
    .message_count = 3,
};

/* --- HASH, HMAC and HKDF (section 4.3) over either hash. --- */

struct hash_state {
    enum noise_hash hash;
    union {
        struct blake2b_state blake2b;
        struct sha256_state sha256;
    } u;
};

static size_t hash_block_size(enum noise_hash hash)
{
    return hash == NOISE_HASH_BLAKE2B ? 128 : 64;
}

static size_t hash_output_size(enum noise_hash hash)
{
    return hash == NOISE_HASH_BLAKE2B ? 64 : 32;
}

static void hash_init(struct hash_state *state, enum noise_hash hash)
{
    state->hash = hash;
    if (hash == NOISE_HASH_SHA256)
        sha256_init(&state->u.sha256);
    else if (blake2b_init(&state->u.blake2b, 64, NULL, 0) != CRYPTO_OK)
        state->hash = NOISE_HASH_BLAKE2B; /* fixed valid parameters: cannot fail */
}

static void hash_update(struct hash_state *state, const uint8_t *data, size_t len)
{
    if (len == 0)
        return;
    if (state->hash == NOISE_HASH_SHA256)
        sha256_update(&state->u.sha256, data, len);
    else
        blake2b_update(&state->u.blake2b, data, len);
}

static void hash_final(struct hash_state *state, uint8_t *out)
{
    if (state->hash == NOISE_HASH_SHA256)
        sha256_final(&state->u.sha256, out);
    else if (blake2b_final(&state->u.blake2b, out, 64) != CRYPTO_OK)
        __builtin_memset(out, 0, 64); /* same outlen as init: cannot happen */
}

/* HMAC-HASH (RFC 2104) of key (at most HASHLEN bytes, as Noise always has)
 * over the concatenation of two parts. */
static void hmac(enum noise_hash hash, const uint8_t *key, size_t key_len, const uint8_t *a,
                 size_t a_len, const uint8_t *b, size_t b_len, uint8_t *out)
{
    uint8_t pad[128];
    uint8_t inner[NOISE_MAX_HASH_SIZE];
    size_t block = hash_block_size(hash);
    struct hash_state state;

    __builtin_memset(pad, 0x36, block);
    for (size_t i = 0; i < key_len && i < block; i++)
        pad[i] ^= key[i];
    hash_init(&state, hash);
    hash_update(&state, pad, block);
    hash_update(&state, a, a_len);
    hash_update(&state, b, b_len);
    hash_final(&state, inner);
    for (size_t i = 0; i < block; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    hash_init(&state, hash);
    hash_update(&state, pad, block);
    hash_update(&state, inner, hash_output_size(hash));
    hash_final(&state, out);
    crypto_wipe(pad, sizeof pad);
    crypto_wipe(inner, sizeof inner);
    crypto_wipe(&state, sizeof state);
}

/* HKDF(chaining_key, ikm, outputs) of section 4.3: 2 or 3 outputs of HASHLEN. */
static void hkdf(enum noise_hash hash, const uint8_t *ck, const uint8_t *ikm, size_t ikm_len,
                 uint8_t *out1, uint8_t *out2, uint8_t *out3)
{
    size_t n = hash_output_size(hash);
    uint8_t temp_key[NOISE_MAX_HASH_SIZE];
    uint8_t byte = 1;
    hmac(hash, ck, n, ikm, ikm_len, NULL, 0, temp_key);
    hmac(hash, temp_key, n, &byte, 1, NULL, 0, out1);
    byte = 2;
    hmac(hash, temp_key, n, out1, n, &byte, 1, out2);
    if (out3 != NULL) {
        byte = 3;
        hmac(hash, temp_key, n, out2, n, &byte, 1, out3);
    }
    crypto_wipe(temp_key, sizeof temp_key);
}

/* --- CipherState (section 5.1). --- */

static void cipher_nonce(uint8_t nonce[CHACHA20POLY1305_NONCE_SIZE], uint64_t n)
{
    __builtin_memset(nonce, 0, 4);
    store64_le(nonce + 4, n);
}

static void cipher_set_key(struct noise_cipher *cipher, const uint8_t *k)
{
    __builtin_memcpy(cipher->k, k, NOISE_KEY_SIZE);
    cipher->n = 0;
    cipher->has_key = true;
}

enum mesh_result noise_cipher_seal_at(const struct noise_cipher *cipher, uint64_t nonce,
                                      const uint8_t *ad, size_t ad_len, const uint8_t *plain,
                                      size_t plain_len, uint8_t *out, size_t out_cap)
{
    uint8_t iv[CHACHA20POLY1305_NONCE_SIZE];
    if (nonce == UINT64_MAX)
        return MESH_ERR_EXPIRED;
    cipher_nonce(iv, nonce);
    if (chacha20poly1305_encrypt(out, out_cap, plain, plain_len, ad, ad_len, iv, cipher->k) !=
        CRYPTO_OK)
        return MESH_ERR_BUFFER;
    return MESH_OK;
}

enum mesh_result noise_cipher_open_at(const struct noise_cipher *cipher, uint64_t nonce,
                                      const uint8_t *ad, size_t ad_len, const uint8_t *sealed,
                                      size_t sealed_len, uint8_t *out, size_t out_cap)
{
    uint8_t iv[CHACHA20POLY1305_NONCE_SIZE];
    if (nonce == UINT64_MAX)
        return MESH_ERR_EXPIRED;
    if (sealed_len < NOISE_TAG_SIZE)
        return MESH_ERR_SHORT;
    if (out_cap < sealed_len - NOISE_TAG_SIZE)
        return MESH_ERR_BUFFER;
    cipher_nonce(iv, nonce);
    if (chacha20poly1305_decrypt(out, out_cap, sealed, sealed_len, ad, ad_len, iv, cipher->k) !=
        CRYPTO_OK)
        return MESH_ERR_DECRYPT;
    return MESH_OK;
}

enum mesh_result noise_cipher_encrypt(struct noise_cipher *cipher, const uint8_t *ad,
                                      size_t ad_len, const uint8_t *plain, size_t plain_len,
                                      uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (!cipher->has_key) {
        if (out_cap < plain_len)
            return MESH_ERR_BUFFER;
        if (plain_len > 0)
            __builtin_memmove(out, plain, plain_len);
        *out_len = plain_len;
        return MESH_OK;
    }
    if (out_cap < NOISE_TAG_SIZE || out_cap - NOISE_TAG_SIZE < plain_len)
        return MESH_ERR_BUFFER;
    enum mesh_result result =
        noise_cipher_seal_at(cipher, cipher->n, ad, ad_len, plain, plain_len, out, out_cap);
    if (result != MESH_OK)
        return result;
    cipher->n++;
    *out_len = plain_len + NOISE_TAG_SIZE;
    return MESH_OK;
}

enum mesh_result noise_cipher_decrypt(struct noise_cipher *cipher, const uint8_t *ad,
                                      size_t ad_len, const uint8_t *sealed, size_t sealed_len,
                                      uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (!cipher->has_key) {
        if (out_cap < sealed_len)
            return MESH_ERR_BUFFER;
        if (sealed_len > 0)
            __builtin_memmove(out, sealed, sealed_len);
        *out_len = sealed_len;
        return MESH_OK;
    }
    enum mesh_result result =
        noise_cipher_open_at(cipher, cipher->n, ad, ad_len, sealed, sealed_len, out, out_cap);
    if (result != MESH_OK)
        return result;
    cipher->n++;
    *out_len = sealed_len - NOISE_TAG_SIZE;
    return MESH_OK;
}

void noise_cipher_rekey(struct noise_cipher *cipher)
{
    /* The reserved nonce 2^64 - 1 is used here and only here. */
    uint8_t zeros[NOISE_KEY_SIZE] = { 0 };
    uint8_t sealed[NOISE_KEY_SIZE + NOISE_TAG_SIZE];
    uint8_t iv[CHACHA20POLY1305_NONCE_SIZE];
    cipher_nonce(iv, UINT64_MAX);
    if (chacha20poly1305_encrypt(sealed, sizeof sealed, zeros, sizeof zeros, NULL, 0, iv,
                                 cipher->k) == CRYPTO_OK)
        __builtin_memcpy(cipher->k, sealed, NOISE_KEY_SIZE);
    crypto_wipe(sealed, sizeof sealed);
}

/* --- SymmetricState (section 5.2). --- */

static void symmetric_init(struct noise_symmetric *sym, enum noise_hash hash, const char *name,
                           size_t name_len)
{
    __builtin_memset(sym, 0, sizeof *sym);
    sym->hash = hash;
    sym->hash_len = hash_output_size(hash);
    if (name_len <= sym->hash_len) {
        __builtin_memcpy(sym->h, name, name_len);
    } else {
        struct hash_state state;
        hash_init(&state, hash);
        hash_update(&state, (const uint8_t *)name, name_len);
        hash_final(&state, sym->h);
    }
    __builtin_memcpy(sym->ck, sym->h, sym->hash_len);
}

static void symmetric_mix_hash(struct noise_symmetric *sym, const uint8_t *data, size_t len)
{
    struct hash_state state;
    hash_init(&state, sym->hash);
    hash_update(&state, sym->h, sym->hash_len);
    hash_update(&state, data, len);
    hash_final(&state, sym->h);
}

/* MixKey: ck, temp_k = HKDF(ck, ikm, 2); the key is temp_k's first 32 bytes. */
static void symmetric_mix_key(struct noise_symmetric *sym, const uint8_t *ikm, size_t ikm_len)
{
    uint8_t ck[NOISE_MAX_HASH_SIZE], temp_k[NOISE_MAX_HASH_SIZE];
    hkdf(sym->hash, sym->ck, ikm, ikm_len, ck, temp_k, NULL);
    __builtin_memcpy(sym->ck, ck, sym->hash_len);
    cipher_set_key(&sym->cipher, temp_k);
    crypto_wipe(ck, sizeof ck);
    crypto_wipe(temp_k, sizeof temp_k);
}

static void symmetric_mix_key_and_hash(struct noise_symmetric *sym, const uint8_t *ikm,
                                       size_t ikm_len)
{
    uint8_t ck[NOISE_MAX_HASH_SIZE], temp_h[NOISE_MAX_HASH_SIZE], temp_k[NOISE_MAX_HASH_SIZE];
    hkdf(sym->hash, sym->ck, ikm, ikm_len, ck, temp_h, temp_k);
    __builtin_memcpy(sym->ck, ck, sym->hash_len);
    symmetric_mix_hash(sym, temp_h, sym->hash_len);
    cipher_set_key(&sym->cipher, temp_k);
    crypto_wipe(ck, sizeof ck);
    crypto_wipe(temp_h, sizeof temp_h);
    crypto_wipe(temp_k, sizeof temp_k);
}

static enum mesh_result symmetric_encrypt_and_hash(struct noise_symmetric *sym,
                                                   const uint8_t *plain, size_t plain_len,
                                                   uint8_t *out, size_t out_cap, size_t *out_len)
{
    enum mesh_result result = noise_cipher_encrypt(&sym->cipher, sym->h, sym->hash_len, plain,
                                                   plain_len, out, out_cap, out_len);
    if (result == MESH_OK)
        symmetric_mix_hash(sym, out, *out_len);
    return result;
}

/* The ciphertext is hashed before decryption overwrites anything: out may
 * not overlap sealed. */
static enum mesh_result symmetric_decrypt_and_hash(struct noise_symmetric *sym,
                                                   const uint8_t *sealed, size_t sealed_len,
                                                   uint8_t *out, size_t out_cap, size_t *out_len)
{
    uint8_t h[NOISE_MAX_HASH_SIZE];
    __builtin_memcpy(h, sym->h, sym->hash_len);
    enum mesh_result result = noise_cipher_decrypt(&sym->cipher, h, sym->hash_len, sealed,
                                                   sealed_len, out, out_cap, out_len);
    if (result == MESH_OK)
        symmetric_mix_hash(sym, sealed, sealed_len);
    return result;
}

static void symmetric_split(struct noise_symmetric *sym, struct noise_cipher *c1,
                            struct noise_cipher *c2)
{
    uint8_t k1[NOISE_MAX_HASH_SIZE], k2[NOISE_MAX_HASH_SIZE];
    hkdf(sym->hash, sym->ck, NULL, 0, k1, k2, NULL);
    cipher_set_key(c1, k1);
    cipher_set_key(c2, k2);
    crypto_wipe(k1, sizeof k1);
    crypto_wipe(k2, sizeof k2);
}

/* --- HandshakeState (section 5.3). --- */

static void copy_key(uint8_t *dst, bool *has, const uint8_t *src)
{
    if (src != NULL) {
        __builtin_memcpy(dst, src, NOISE_DH_SIZE);
        *has = true;
    }
}

/* Wipes every secret and marks the handshake failed; keeps nothing usable. */
static enum mesh_result handshake_fail(struct noise_handshake *hs, enum mesh_result result)
{
    const struct noise_pattern *pattern = hs->pattern;
    bool initiator = hs->initiator;
    crypto_wipe(hs, sizeof *hs);
    hs->pattern = pattern;
    hs->initiator = initiator;
    hs->failed = true;
    return result;
}

/* True when the tokens of `pre` (a pre-message) are keys the side has. */
static bool pre_message_keys_present(const uint8_t pre[2], bool has_e, bool has_s)
{
    for (int i = 0; i < 2; i++) {
        if (pre[i] == NOISE_TOKEN_E && !has_e)
            return false;
        if (pre[i] == NOISE_TOKEN_S && !has_s)
            return false;
    }
    return true;
}

static void mix_pre_message(struct noise_handshake *hs, const uint8_t pre[2], bool own)
{
    for (int i = 0; i < 2; i++) {
        if (pre[i] == NOISE_TOKEN_E) {
            const uint8_t *key = own ? hs->e_public : hs->re;
            symmetric_mix_hash(&hs->symmetric, key, NOISE_DH_SIZE);
            if (hs->pattern->has_psk)
                symmetric_mix_key(&hs->symmetric, key, NOISE_DH_SIZE);
        } else if (pre[i] == NOISE_TOKEN_S) {
            symmetric_mix_hash(&hs->symmetric, own ? hs->s_public : hs->rs, NOISE_DH_SIZE);
        }
    }
}

enum mesh_result noise_handshake_init(struct noise_handshake *hs,
                                      const struct noise_pattern *pattern, enum noise_hash hash,
                                      const char *protocol_name, size_t protocol_name_len,
                                      bool initiator, const uint8_t *prologue,
                                      size_t prologue_len, const struct noise_keys *keys)
{
    __builtin_memset(hs, 0, sizeof *hs);
    if (pattern == NULL || keys == NULL || protocol_name == NULL ||
        (prologue == NULL && prologue_len > 0) || pattern->message_count == 0 ||
        pattern->message_count > NOISE_MAX_MESSAGES)
        return MESH_ERR_PARAMETER;
    hs->pattern = pattern;
    hs->initiator = initiator;
    copy_key(hs->s_secret, &hs->has_s, keys->s_secret);
    copy_key(hs->e_secret, &hs->has_e, keys->e_secret);
    copy_key(hs->rs, &hs->has_rs, keys->rs);
    copy_key(hs->re, &hs->has_re, keys->re);
    copy_key(hs->psk, &hs->has_psk, keys->psk);
    if (hs->has_s && keys->s_public != NULL)
        __builtin_memcpy(hs->s_public, keys->s_public, NOISE_DH_SIZE);
    else if (hs->has_s)
        x25519_base(hs->s_public, hs->s_secret);
    if (hs->has_e)
        x25519_base(hs->e_public, hs->e_secret);
    const uint8_t *own_pre = initiator ? pattern->initiator_pre : pattern->responder_pre;
    const uint8_t *peer_pre = initiator ? pattern->responder_pre : pattern->initiator_pre;
    if (!pre_message_keys_present(own_pre, hs->has_e, hs->has_s) ||
        !pre_message_keys_present(peer_pre, hs->has_re, hs->has_rs) ||
        (pattern->has_psk && !hs->has_psk))
        return handshake_fail(hs, MESH_ERR_PARAMETER);
    symmetric_init(&hs->symmetric, hash, protocol_name, protocol_name_len);
    symmetric_mix_hash(&hs->symmetric, prologue, prologue_len);
    /* Pre-messages: the initiator's first, then the responder's. */
    mix_pre_message(hs, pattern->initiator_pre, initiator);
    mix_pre_message(hs, pattern->responder_pre, !initiator);
    return MESH_OK;
}

static bool message_is_ours(const struct noise_handshake *hs)
{
    return (hs->message_index % 2 == 0) == hs->initiator;
}

static bool handshake_usable(const struct noise_handshake *hs)
{
    return !hs->failed && hs->pattern != NULL &&
           hs->message_index < hs->pattern->message_count;
}

/* The DH of a token (ee, es, se, ss) mixed into the key. */
static enum mesh_result handshake_dh(struct noise_handshake *hs, uint8_t token)
{
    bool local_e = token == NOISE_TOKEN_EE ||
                   (token == NOISE_TOKEN_ES && hs->initiator) ||
                   (token == NOISE_TOKEN_SE && !hs->initiator);
    bool remote_e = token == NOISE_TOKEN_EE ||
                    (token == NOISE_TOKEN_ES && !hs->initiator) ||
                    (token == NOISE_TOKEN_SE && hs->initiator);
    if ((local_e ? !hs->has_e : !hs->has_s) || (remote_e ? !hs->has_re : !hs->has_rs))
        return MESH_ERR_PARAMETER;
    uint8_t shared[NOISE_DH_SIZE];
    enum crypto_result dh = x25519(shared, local_e ? hs->e_secret : hs->s_secret,
                                   remote_e ? hs->re : hs->rs);
    /* Whether the result was all zero is published anyway: the handshake stops. */
    CRYPTO_DECLASSIFY(&dh, sizeof dh);
    if (dh != CRYPTO_OK) {
        crypto_wipe(shared, sizeof shared);
        return MESH_ERR_KEY;
    }
    symmetric_mix_key(&hs->symmetric, shared, sizeof shared);
    crypto_wipe(shared, sizeof shared);
    return MESH_OK;
}

/* After the last message: Split, and wipe what is no longer needed (h stays
 * as the handshake hash, the peer's public keys stay for the caller). */
static void handshake_finish(struct noise_handshake *hs)
{
    symmetric_split(&hs->symmetric, &hs->c1, &hs->c2);
    crypto_wipe(hs->symmetric.ck, sizeof hs->symmetric.ck);
    crypto_wipe(&hs->symmetric.cipher, sizeof hs->symmetric.cipher);
    crypto_wipe(hs->e_secret, sizeof hs->e_secret);
    crypto_wipe(hs->s_secret, sizeof hs->s_secret);
    crypto_wipe(hs->psk, sizeof hs->psk);
}

size_t noise_handshake_message_size(const struct noise_handshake *hs, size_t payload_len)
{
    if (!handshake_usable(hs))
        return 0;
    bool keyed = hs->symmetric.cipher.has_key;
    size_t size = 0;
    const uint8_t *tokens = hs->pattern->messages[hs->message_index];
    for (int i = 0; i < NOISE_MAX_TOKENS && tokens[i] != NOISE_TOKEN_NONE; i++) {
        if (tokens[i] == NOISE_TOKEN_E) {
            size += NOISE_DH_SIZE;
            keyed = keyed || hs->pattern->has_psk;
        } else if (tokens[i] == NOISE_TOKEN_S) {
            size += NOISE_DH_SIZE + (keyed ? NOISE_TAG_SIZE : 0);
        } else {
            keyed = true;
        }
    }
    return size + payload_len + (keyed ? NOISE_TAG_SIZE : 0);
}

static enum mesh_result write_token(struct noise_handshake *hs, uint8_t token, uint8_t *out,
                                    size_t out_cap, size_t *used)
{
    struct noise_symmetric *sym = &hs->symmetric;
    size_t written = 0;
    switch (token) {
    case NOISE_TOKEN_E:
        if (!hs->has_e)
            return MESH_ERR_PARAMETER;
        if (out_cap - *used < NOISE_DH_SIZE)
            return MESH_ERR_BUFFER;
        __builtin_memcpy(out + *used, hs->e_public, NOISE_DH_SIZE);
        *used += NOISE_DH_SIZE;
        symmetric_mix_hash(sym, hs->e_public, NOISE_DH_SIZE);
        if (hs->pattern->has_psk)
            symmetric_mix_key(sym, hs->e_public, NOISE_DH_SIZE);
        return MESH_OK;
    case NOISE_TOKEN_S: {
        if (!hs->has_s)
            return MESH_ERR_PARAMETER;
        enum mesh_result result = symmetric_encrypt_and_hash(
            sym, hs->s_public, NOISE_DH_SIZE, out + *used, out_cap - *used, &written);
        *used += written;
        return result;
    }
    case NOISE_TOKEN_PSK:
        symmetric_mix_key_and_hash(sym, hs->psk, NOISE_KEY_SIZE);
        return MESH_OK;
    default:
        return handshake_dh(hs, token);
    }
}

enum mesh_result noise_handshake_write(struct noise_handshake *hs, const uint8_t *payload,
                                       size_t payload_len, uint8_t *out, size_t out_cap,
                                       size_t *out_len)
{
    *out_len = 0;
    if (!handshake_usable(hs) || !message_is_ours(hs))
        return MESH_ERR_STATE;
    if (noise_handshake_message_size(hs, payload_len) > out_cap)
        return MESH_ERR_BUFFER;
    if (noise_handshake_message_size(hs, payload_len) > NOISE_MAX_MESSAGE)
        return MESH_ERR_PARAMETER;
    const uint8_t *tokens = hs->pattern->messages[hs->message_index];
    size_t used = 0;
    for (int i = 0; i < NOISE_MAX_TOKENS && tokens[i] != NOISE_TOKEN_NONE; i++) {
        enum mesh_result result = write_token(hs, tokens[i], out, out_cap, &used);
        if (result != MESH_OK)
            return handshake_fail(hs, result);
    }
    size_t written = 0;
    enum mesh_result result = symmetric_encrypt_and_hash(&hs->symmetric, payload, payload_len,
                                                         out + used, out_cap - used, &written);
    if (result != MESH_OK)
        return handshake_fail(hs, result);
    *out_len = used + written;
    if (++hs->message_index == hs->pattern->message_count)
        handshake_finish(hs);
    return MESH_OK;
}

static enum mesh_result read_token(struct noise_handshake *hs, uint8_t token,
                                   const uint8_t *message, size_t message_len, size_t *used)
{
    struct noise_symmetric *sym = &hs->symmetric;
    switch (token) {
    case NOISE_TOKEN_E:
        if (message_len - *used < NOISE_DH_SIZE)
            return MESH_ERR_SHORT;
        __builtin_memcpy(hs->re, message + *used, NOISE_DH_SIZE);
        hs->has_re = true;
        *used += NOISE_DH_SIZE;
        symmetric_mix_hash(sym, hs->re, NOISE_DH_SIZE);
        if (hs->pattern->has_psk)
            symmetric_mix_key(sym, hs->re, NOISE_DH_SIZE);
        return MESH_OK;
    case NOISE_TOKEN_S: {
        size_t need = NOISE_DH_SIZE + (sym->cipher.has_key ? NOISE_TAG_SIZE : 0);
        size_t got = 0;
        if (message_len - *used < need)
            return MESH_ERR_SHORT;
        enum mesh_result result =
            symmetric_decrypt_and_hash(sym, message + *used, need, hs->rs, NOISE_DH_SIZE, &got);
        if (result != MESH_OK)
            return result;
        hs->has_rs = true;
        *used += need;
        return MESH_OK;
    }
    case NOISE_TOKEN_PSK:
        symmetric_mix_key_and_hash(sym, hs->psk, NOISE_KEY_SIZE);
        return MESH_OK;
    default:
        return handshake_dh(hs, token);
    }
}

enum mesh_result noise_handshake_read(struct noise_handshake *hs, const uint8_t *message,
                                      size_t message_len, uint8_t *payload, size_t payload_cap,
                                      size_t *payload_len)
{
    *payload_len = 0;
    if (!handshake_usable(hs) || message_is_ours(hs))
        return MESH_ERR_STATE;
    if (message_len > NOISE_MAX_MESSAGE)
        return handshake_fail(hs, MESH_ERR_LENGTH);
    const uint8_t *tokens = hs->pattern->messages[hs->message_index];
    size_t used = 0;
    for (int i = 0; i < NOISE_MAX_TOKENS && tokens[i] != NOISE_TOKEN_NONE; i++) {
        enum mesh_result result = read_token(hs, tokens[i], message, message_len, &used);
        if (result != MESH_OK)
            return handshake_fail(hs, result);
    }
    if (hs->symmetric.cipher.has_key && message_len - used < NOISE_TAG_SIZE)
        return handshake_fail(hs, MESH_ERR_SHORT);
    enum mesh_result result = symmetric_decrypt_and_hash(
        &hs->symmetric, message + used, message_len - used, payload, payload_cap, payload_len);
    if (result != MESH_OK)
        return handshake_fail(hs, result);
    if (++hs->message_index == hs->pattern->message_count)
        handshake_finish(hs);
    return MESH_OK;
}

bool noise_handshake_done(const struct noise_handshake *hs)
{
    return !hs->failed && hs->pattern != NULL &&
           hs->message_index == hs->pattern->message_count;
}

void noise_handshake_wipe(struct noise_handshake *hs)
{
    crypto_wipe(hs, sizeof *hs);
}
