/* Constant-time check of a whole Noise_XX handshake and its transport
 * messages (suite 27-mesh-noise, the ctgrind technique of
 * tests/crypto/ct_test.c): both sides' static and ephemeral secret keys are
 * marked undefined for valgrind's memcheck, which then reports any branch or
 * memory index that depends on them. Values the protocol publishes (the
 * messages, the payloads read back) are marked defined before they are
 * compared. Built in build/host-ct (-DNONOS_CONSTTIME_CHECK).
 *
 *   noise_ct xx       the handshake and 4 transport messages: must be silent
 *   noise_ct leaky    a branch on a secret byte: must be reported (control) */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "mesh/noise.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static const char protocol[] = "Noise_XX_25519_ChaChaPoly_BLAKE2b";

static int step(struct noise_handshake *w, struct noise_handshake *r, const char *payload)
{
    uint8_t wire[256], got[256];
    size_t wire_len = 0, got_len = 0, len = strlen(payload);
    if (noise_handshake_write(w, (const uint8_t *)payload, len, wire, sizeof wire, &wire_len) !=
        MESH_OK)
        return 1;
    PUBLIC(wire, wire_len); /* what goes on the wire is public */
    if (noise_handshake_read(r, wire, wire_len, got, sizeof got, &got_len) != MESH_OK)
        return 1;
    PUBLIC(got, got_len);
    return got_len != len || memcmp(got, payload, len) != 0;
}

static int transport(struct noise_cipher *send, struct noise_cipher *receive, const char *text)
{
    uint8_t wire[128], got[128];
    size_t wire_len = 0, got_len = 0, len = strlen(text);
    if (noise_cipher_encrypt(send, NULL, 0, (const uint8_t *)text, len, wire, sizeof wire,
                             &wire_len) != MESH_OK)
        return 1;
    PUBLIC(wire, wire_len);
    if (noise_cipher_decrypt(receive, NULL, 0, wire, wire_len, got, sizeof got, &got_len) != MESH_OK)
        return 1;
    PUBLIC(got, got_len);
    return got_len != len || memcmp(got, text, len) != 0;
}

static int run_xx(void)
{
    static struct noise_handshake init, resp;
    uint8_t keys[4][32];
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 32; i++)
            keys[k][i] = (uint8_t)(k * 59 + i * 11 + 3);
    SECRET(keys, sizeof keys);
    struct noise_keys ik = { .s_secret = keys[0], .e_secret = keys[1] };
    struct noise_keys rk = { .s_secret = keys[2], .e_secret = keys[3] };
    if (noise_handshake_init(&init, &noise_pattern_xx, NOISE_HASH_BLAKE2B, protocol,
                             sizeof protocol - 1, true, NULL, 0, &ik) != MESH_OK ||
        noise_handshake_init(&resp, &noise_pattern_xx, NOISE_HASH_BLAKE2B, protocol,
                             sizeof protocol - 1, false, NULL, 0, &rk) != MESH_OK)
        return 1;
    if (step(&init, &resp, "one") || step(&resp, &init, "two") || step(&init, &resp, "three"))
        return 1;
    return transport(&init.c1, &resp.c1, "to responder") ||
           transport(&resp.c2, &init.c2, "to initiator") ||
           transport(&init.c1, &resp.c1, "again") || transport(&resp.c2, &init.c2, "and again");
}

static int run_leaky(void)
{
    volatile uint8_t secret[1] = { 5 };
    SECRET((const void *)secret, 1);
    if (secret[0] == 5)
        puts("a branch on a secret byte");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "xx") == 0)
        return run_xx() == 0 ? 0 : 3;
    if (argc == 2 && strcmp(argv[1], "leaky") == 0)
        return run_leaky();
    fprintf(stderr, "usage: noise_ct xx|leaky\n");
    return 2;
}
