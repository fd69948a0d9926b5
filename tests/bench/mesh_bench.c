/* `make bench-mesh`, Noise part (tests/bench/mesh.sh runs it): full
 * Noise_XX_25519_ChaChaPoly_BLAKE2b handshakes per second, both sides on one
 * thread (three messages written and read, Split), with libsodium's X25519
 * in the same run as the floor: a handshake needs 4 fixed-base (the two
 * static and two ephemeral public keys) and 6 variable-base scalar
 * multiplications (ee, es, se on each side). Also the session layer's
 * handshake (INIT, RESPONSE, FINISH and the confirming keepalive, with the
 * identity checks; the endpoints keep their static public keys, so its
 * floor has 2 fixed-base multiplications) and DATA packets (1,406-byte payload, seal + open, replay
 * window) against libsodium's ChaCha20-Poly1305 (IETF) encrypt + decrypt of
 * the same 1,424 bytes. Thread CPU time, best of BENCH_ROUNDS rounds. */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/x25519.h"
#include "mesh/noise.h"
#include "mesh/session.h"

#define BENCH_ROUNDS 5
#define BENCH_SECONDS 0.3

static volatile uint8_t sink;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Nanoseconds per call of f, best of BENCH_ROUNDS rounds. */
static double measure(void (*f)(void))
{
    double best = 0;
    f();
    for (int round = 0; round < BENCH_ROUNDS; round++) {
        long calls = 0;
        double start = now_seconds(), elapsed = 0;
        do {
            f();
            calls++;
            elapsed = now_seconds() - start;
        } while (elapsed < BENCH_SECONDS);
        double ns = elapsed * 1e9 / (double)calls;
        if (round == 0 || ns < best)
            best = ns;
    }
    return best;
}

static uint8_t keys[4][32];
static const char protocol[] = "Noise_XX_25519_ChaChaPoly_BLAKE2b";

static void noise_xx(void)
{
    static struct noise_handshake init, resp;
    uint8_t wire[256], payload[64];
    size_t len = 0, got = 0;
    struct noise_keys ik = { .s_secret = keys[0], .e_secret = keys[1] };
    struct noise_keys rk = { .s_secret = keys[2], .e_secret = keys[3] };
    keys[1][0]++; /* a fresh ephemeral each time */
    keys[3][0]++;
    int bad = noise_handshake_init(&init, &noise_pattern_xx, NOISE_HASH_BLAKE2B, protocol,
                                   sizeof protocol - 1, true, NULL, 0, &ik) != MESH_OK;
    bad |= noise_handshake_init(&resp, &noise_pattern_xx, NOISE_HASH_BLAKE2B, protocol,
                                sizeof protocol - 1, false, NULL, 0, &rk) != MESH_OK;
    for (int m = 0; m < 3; m++) {
        struct noise_handshake *w = m % 2 == 0 ? &init : &resp, *r = m % 2 == 0 ? &resp : &init;
        bad |= noise_handshake_write(w, NULL, 0, wire, sizeof wire, &len) != MESH_OK;
        bad |= noise_handshake_read(r, wire, len, payload, sizeof payload, &got) != MESH_OK;
    }
    if (bad || !noise_handshake_done(&init) || !noise_handshake_done(&resp)) {
        fprintf(stderr, "mesh_bench: handshake failed\n");
        __builtin_trap();
    }
    sink ^= init.c1.k[0] ^ resp.c2.k[0];
}

static uint8_t sodium_out[32];

static void sodium_scalarmult(void)
{
    if (crypto_scalarmult(sodium_out, keys[0], keys[2]) != 0)
        __builtin_trap();
    keys[0][1] ^= sodium_out[3];
}

static void sodium_scalarmult_base(void)
{
    crypto_scalarmult_base(sodium_out, keys[0]);
    keys[0][1] ^= sodium_out[3];
}

static void ours_x25519(void)
{
    if (x25519(sodium_out, keys[0], keys[2]) != CRYPTO_OK)
        __builtin_trap();
    keys[0][1] ^= sodium_out[3];
}

static void ours_x25519_base(void)
{
    x25519_base(sodium_out, keys[0]);
    keys[0][1] ^= sodium_out[3];
}

/* --- The session layer --- */

static uint64_t counter;

static enum crypto_result bench_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)((++counter * 0x9e3779b97f4a7c15u) >> 56);
    return CRYPTO_OK;
}

static struct mesh_identity identities[2];
static struct mesh_endpoint endpoints[2];
static struct mesh_peer peers[2][2];
static struct mesh_config config;
static const struct mesh_address addresses[2] = { { { 1 } }, { { 2 } } };
static uint64_t clock_ms = 1000;

static void endpoints_reset(void)
{
    struct random_source source = { bench_random, NULL, "bench" };
    for (int n = 0; n < 2; n++)
        if (mesh_endpoint_init(&endpoints[n], &identities[n], &config, &source, peers[n], 2) !=
            MESH_OK)
            __builtin_trap();
}

static void session_handshake(void)
{
    static uint8_t packet[MESH_MAX_PACKET];
    static struct mesh_event event;
    size_t len = 0, slot = 0;
    endpoints_reset();
    clock_ms += 1000; /* stays under the INIT rate limit */
    if (mesh_endpoint_connect(&endpoints[0], &addresses[1], NULL, clock_ms, packet, sizeof packet,
                              &len, &slot) != MESH_OK)
        __builtin_trap();
    int to = 1;
    while (len > 0) {
        if (mesh_endpoint_receive(&endpoints[to], &addresses[1 - to], packet, len, clock_ms,
                                  &event) != MESH_OK)
            __builtin_trap();
        len = event.reply_len;
        memcpy(packet, event.reply, len);
        to = 1 - to;
    }
    if (!peers[0][slot].current.valid)
        __builtin_trap();
}

static uint8_t data[MESH_MAX_PAYLOAD];

static void session_data(void)
{
    static uint8_t packet[MESH_MAX_PACKET];
    static struct mesh_event event;
    size_t len = 0;
    struct mesh_address to;
    if (mesh_endpoint_send(&endpoints[0], 0, data, sizeof data, clock_ms, packet, sizeof packet,
                           &len, &to) != MESH_OK ||
        mesh_endpoint_receive(&endpoints[1], &addresses[0], packet, len, clock_ms, &event) !=
            MESH_OK)
        __builtin_trap();
    sink ^= event.data[7];
}

static uint8_t aead_key[32], aead_nonce[12], aead_plain[MESH_MAX_INNER],
    aead_sealed[MESH_MAX_INNER + 16], aead_opened[MESH_MAX_INNER];

static void sodium_aead(void)
{
    unsigned long long sealed_len = 0, opened_len = 0;
    aead_nonce[0]++;
    crypto_aead_chacha20poly1305_ietf_encrypt(aead_sealed, &sealed_len, aead_plain,
                                              sizeof aead_plain, aead_nonce, 16, NULL,
                                              aead_nonce, aead_key);
    if (crypto_aead_chacha20poly1305_ietf_decrypt(aead_opened, &opened_len, NULL, aead_sealed,
                                                  sealed_len, aead_nonce, 16, aead_nonce,
                                                  aead_key) != 0)
        __builtin_trap();
    sink ^= aead_opened[9];
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 32; i++)
            keys[k][i] = (uint8_t)(k * 31 + i + 1);
    double xx = measure(noise_xx);
    double mult = measure(sodium_scalarmult);
    double base = measure(sodium_scalarmult_base);
    double ours = measure(ours_x25519);
    double ours_base = measure(ours_x25519_base);
    double floor_ns = 6 * mult + 4 * base;
    double ours_floor = 6 * ours + 4 * ours_base;
    printf("Noise benchmark: lib/mesh vs libsodium %s, same run, thread CPU time, best of %d\n",
           sodium_version_string(), BENCH_ROUNDS);
    printf("command: make bench-mesh   (build/host/tests/bench/mesh_bench, -O2)\n\n");
    printf("%-58s %12s %14s\n", "", "per op", "per second");
    printf("%-58s %9.1f us %14.0f\n", "Noise_XX handshake, both sides (lib/mesh/noise.c)",
           xx / 1e3, 1e9 / xx);
    printf("%-58s %9.1f us %14.0f\n", "floor: libsodium 6 crypto_scalarmult + 4 _base", floor_ns / 1e3,
           1e9 / floor_ns);
    printf("%-58s %9.1f us\n", "  libsodium crypto_scalarmult", mult / 1e3);
    printf("%-58s %9.1f us\n", "  libsodium crypto_scalarmult_base", base / 1e3);
    printf("%-58s %9.1f us\n", "  lib/crypto x25519 (variable base)", ours / 1e3);
    printf("%-58s %9.1f us\n", "  lib/crypto x25519_base (fixed base)", ours_base / 1e3);
    printf("handshake / libsodium floor: %.2f (1.00 = nothing but libsodium's scalar multiplications)\n",
           xx / floor_ns);
    printf("handshake / lib/crypto's own 6 + 4 multiplications: %.2f (the rest is hashing, AEAD, "
           "copies)\n\n", xx / ours_floor);

    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    mesh_config_default(&config);
    for (int n = 0; n < 2; n++) {
        memset(random, 0x30 + n, sizeof random);
        if (mesh_identity_create(&identities[n], random, MESH_ID_DIFFICULTY, (uint64_t)1 << 26) !=
            MESH_OK)
            return 1;
    }
    double hs = measure(session_handshake);
    printf("%-58s %9.1f us %14.0f\n", "session handshake (INIT..keepalive, IDs checked at 16 bits)",
           hs / 1e3, 1e9 / hs);
    printf("%-58s %9.1f us %14.0f\n", "floor: libsodium 6 crypto_scalarmult + 2 _base",
           (6 * mult + 2 * base) / 1e3, 1e9 / (6 * mult + 2 * base));
    printf("session handshake / libsodium floor: %.2f (static public keys are kept, so 2 fixed-base "
           "multiplications, not 4)\n\n", hs / (6 * mult + 2 * base));
    session_handshake(); /* leaves a confirmed session in slot 0 */
    double d = measure(session_data);
    double s = measure(sodium_aead);
    printf("%-58s %9.2f us %11.0f MB/s\n", "DATA packet 1406-byte payload, seal + open (session)",
           d / 1e3, 1406 / d * 1e3);
    printf("%-58s %9.2f us %11.0f MB/s\n", "libsodium chacha20poly1305_ietf 1408 B encrypt + decrypt",
           s / 1e3, 1408 / s * 1e3);
    printf("DATA / libsodium AEAD: %.2f\n", d / s);
    return 0;
}
