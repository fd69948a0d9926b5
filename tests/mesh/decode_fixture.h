/* The decoders under fuzzing, with fixed keys, shared by the libFuzzer
 * targets (tests/fuzz/fuzz_mesh_packet.c, fuzz_mesh_handshake.c) and the
 * tests that check their corpora (every corpus file's exact result).
 *
 *   fixture_packet_result(data, len): a fresh responder endpoint receives
 *     the datagram: mesh_packet_decode's layout checks, then the handshake
 *     or session checks (unknown indexes, weak keys, ...).
 *   fixture_handshake_result(data, len): byte 0 picks the reader (mod 3):
 *     0 a responder reading XX message 1, 1 an initiator reading message 2,
 *     2 a responder reading message 3; the rest is the message. */
#ifndef NONOS_TESTS_MESH_DECODE_FIXTURE_H
#define NONOS_TESTS_MESH_DECODE_FIXTURE_H

#include <string.h>

#include "mesh/session.h"

static uint64_t fixture_counter;

static enum crypto_result fixture_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(0x5a ^ (fixture_counter++ * 0x9e3779b97f4a7c15u >> 56));
    return CRYPTO_OK;
}

__attribute__((unused)) static enum mesh_result fixture_packet_result(const uint8_t *data, size_t len)
{
    static struct mesh_identity identity;
    static int ready;
    static struct mesh_endpoint endpoint;
    static struct mesh_peer peers[2];
    static struct mesh_event event;
    struct mesh_config config;
    struct random_source source = { fixture_random, NULL, "fixture" };
    struct mesh_address from = { { 1, 2, 3, 4 } };
    if (!ready) {
        uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
        memset(random, 0x42, sizeof random);
        if (mesh_identity_create(&identity, random, 0, 1) != MESH_OK)
            return MESH_ERR_PARAMETER;
        ready = 1;
    }
    fixture_counter = 0;
    mesh_config_default(&config);
    config.id_difficulty = 0;
    if (mesh_endpoint_init(&endpoint, &identity, &config, &source, peers, 2) != MESH_OK)
        return MESH_ERR_PARAMETER;
    return mesh_endpoint_receive(&endpoint, &from, data, len, 1000, &event);
}

static const char fixture_protocol[] = "Noise_XX_25519_ChaChaPoly_BLAKE2b";

static void fixture_keys(uint8_t keys[4][32])
{
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 32; i++)
            keys[k][i] = (uint8_t)(k * 41 + i * 3 + 1);
}

/* The three readers, prepared once (two handshakes of X25519 work) and
 * copied for each input. */
static int fixture_handshake_prepare(struct noise_handshake readers[3])
{
    static struct noise_handshake init, resp;
    static uint8_t message[512], payload[512];
    uint8_t keys[4][32];
    size_t used = 0, got = 0;
    fixture_keys(keys);
    struct noise_keys ik = { .s_secret = keys[0], .e_secret = keys[1] };
    struct noise_keys rk = { .s_secret = keys[2], .e_secret = keys[3] };
    if (noise_handshake_init(&init, &noise_pattern_xx, NOISE_HASH_BLAKE2B, fixture_protocol,
                             sizeof fixture_protocol - 1, true, NULL, 0, &ik) != MESH_OK ||
        noise_handshake_init(&resp, &noise_pattern_xx, NOISE_HASH_BLAKE2B, fixture_protocol,
                             sizeof fixture_protocol - 1, false, NULL, 0, &rk) != MESH_OK)
        return 0;
    readers[0] = resp;
    for (int i = 0; i < 2; i++) {
        struct noise_handshake *w = i == 0 ? &init : &resp;
        struct noise_handshake *r = i == 0 ? &resp : &init;
        if (noise_handshake_write(w, NULL, 0, message, sizeof message, &used) != MESH_OK ||
            noise_handshake_read(r, message, used, payload, sizeof payload, &got) != MESH_OK)
            return 0;
        if (i == 0)
            readers[1] = init;
    }
    readers[2] = resp;
    return 1;
}

__attribute__((unused)) static enum mesh_result fixture_handshake_result(const uint8_t *data,
                                                                         size_t len)
{
    static struct noise_handshake readers[3], reader;
    static uint8_t payload[NOISE_MAX_MESSAGE];
    static int ready;
    size_t got = 0;
    if (!ready && !(ready = fixture_handshake_prepare(readers)))
        return MESH_ERR_PARAMETER;
    if (len == 0)
        return MESH_ERR_SHORT;
    reader = readers[data[0] % 3];
    return noise_handshake_read(&reader, data + 1, len - 1, payload, sizeof payload, &got);
}

#endif
