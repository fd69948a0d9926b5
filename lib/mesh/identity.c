/* Node identity: fresh key pairs, node ID and its proof of work (identity.h,
 * docs/mesh.md "Node identity"). Secrets live only in struct mesh_identity
 * and the 64 random bytes the caller passes; both are the caller's to wipe,
 * except that a failed create wipes the identity itself. */
#include "mesh/identity.h"

#include "base/endian.h"
#include "crypto/blake2b.h"

static const char id_domain[] = "NONOS mesh node id v1";
static const char work_domain[] = "NONOS mesh node work v1";

/* BLAKE2b-256 of a domain string (without its NUL), a 32-byte part, an
 * optional second 32-byte part and an optional tail. */
static void hash_parts(uint8_t out[32], const char *domain, size_t domain_len,
                       const uint8_t a[32], const uint8_t *b, const uint8_t *tail,
                       size_t tail_len)
{
    struct blake2b_state state;
    /* BLAKE2b with these fixed parameters cannot fail; if it did, all-ones
     * output is an ID and a work value that never pass a check. */
    __builtin_memset(out, 0xff, 32);
    if (blake2b_init(&state, 32, NULL, 0) != CRYPTO_OK)
        return;
    blake2b_update(&state, (const uint8_t *)domain, domain_len);
    blake2b_update(&state, a, 32);
    if (b != NULL)
        blake2b_update(&state, b, 32);
    if (tail != NULL)
        blake2b_update(&state, tail, tail_len);
    if (blake2b_final(&state, out, 32) != CRYPTO_OK)
        __builtin_memset(out, 0xff, 32);
}

void mesh_node_id(uint8_t id[MESH_NODE_ID_SIZE], const uint8_t dh_public[X25519_KEY_SIZE],
                  const uint8_t sign_public[ED25519_PUBLIC_KEY_SIZE])
{
    hash_parts(id, id_domain, sizeof id_domain - 1, dh_public, sign_public, NULL, 0);
}

bool mesh_id_work_ok(const uint8_t id[MESH_NODE_ID_SIZE], uint64_t nonce, unsigned difficulty)
{
    if (difficulty > MESH_ID_MAX_DIFFICULTY)
        return false;
    uint8_t nonce_bytes[8];
    uint8_t work[32];
    store64_le(nonce_bytes, nonce);
    hash_parts(work, work_domain, sizeof work_domain - 1, id, NULL, nonce_bytes, 8);
    unsigned whole = difficulty / 8;
    for (unsigned i = 0; i < whole; i++)
        if (work[i] != 0)
            return false;
    unsigned rest = difficulty % 8;
    return rest == 0 || (work[whole] >> (8 - rest)) == 0;
}

enum mesh_result mesh_identity_create(struct mesh_identity *identity,
                                      const uint8_t random[MESH_IDENTITY_RANDOM_SIZE],
                                      unsigned difficulty, uint64_t max_attempts)
{
    if (identity == NULL || random == NULL || difficulty > MESH_ID_MAX_DIFFICULTY)
        return MESH_ERR_PARAMETER;
    struct mesh_identity_public *pub = &identity->public_part;
    for (size_t i = 0; i < X25519_KEY_SIZE; i++)
        identity->dh_secret[i] = random[i];
    x25519_base(pub->dh_public, identity->dh_secret);
    ed25519_key_from_seed(&identity->sign_key, random + X25519_KEY_SIZE);
    for (size_t i = 0; i < ED25519_PUBLIC_KEY_SIZE; i++)
        pub->sign_public[i] = identity->sign_key.public_key[i];
    mesh_node_id(pub->id, pub->dh_public, pub->sign_public);
    for (uint64_t nonce = 0; nonce < max_attempts; nonce++) {
        if (mesh_id_work_ok(pub->id, nonce, difficulty)) {
            pub->nonce = nonce;
            return MESH_OK;
        }
    }
    mesh_identity_wipe(identity);
    return MESH_ERR_IDENTITY;
}

void mesh_identity_encode(uint8_t out[MESH_IDENTITY_WIRE_SIZE],
                          const struct mesh_identity_public *identity)
{
    for (size_t i = 0; i < 32; i++) {
        out[i] = identity->dh_public[i];
        out[32 + i] = identity->sign_public[i];
    }
    store64_le(out + 64, identity->nonce);
}

enum mesh_result mesh_identity_check(const struct mesh_identity_public *identity,
                                     unsigned difficulty)
{
    uint8_t id[MESH_NODE_ID_SIZE];
    mesh_node_id(id, identity->dh_public, identity->sign_public);
    /* Public values: a plain comparison would do; crypto_equal costs nothing here. */
    if (!crypto_equal(id, identity->id, MESH_NODE_ID_SIZE) ||
        !mesh_id_work_ok(id, identity->nonce, difficulty))
        return MESH_ERR_IDENTITY;
    return MESH_OK;
}

enum mesh_result mesh_identity_decode(struct mesh_identity_public *out, const uint8_t *in,
                                      size_t len, unsigned difficulty)
{
    crypto_wipe(out, sizeof *out);
    if (len != MESH_IDENTITY_WIRE_SIZE)
        return MESH_ERR_LENGTH;
    for (size_t i = 0; i < 32; i++) {
        out->dh_public[i] = in[i];
        out->sign_public[i] = in[32 + i];
    }
    out->nonce = load64_le(in + 64);
    mesh_node_id(out->id, out->dh_public, out->sign_public);
    if (!mesh_id_work_ok(out->id, out->nonce, difficulty)) {
        crypto_wipe(out, sizeof *out);
        return MESH_ERR_IDENTITY;
    }
    return MESH_OK;
}

void mesh_identity_wipe(struct mesh_identity *identity)
{
    crypto_wipe(identity, sizeof *identity);
}
