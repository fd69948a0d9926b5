/* The fuzz corpora of lib/mesh with the exact result of every file
 * (suite 27-mesh-noise; conventions of tests/corpus: DIR/expected lists
 * "<file> <mesh_result>  # message").
 *
 *   corpus_check packet DIR       replays tests/corpus/mesh-packet through
 *                                 the packet fixture (fuzz_mesh_packet)
 *   corpus_check handshake DIR    replays tests/corpus/mesh-handshake through
 *                                 the handshake fixture (fuzz_mesh_handshake)
 *   corpus_check --write-handshake DIR   writes the handshake corpus */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_fixture.h"

typedef enum mesh_result (*fixture_fn)(const uint8_t *, size_t);

static int check_corpus(const char *kind, fixture_fn fixture, const char *dir)
{
    char path[512], line[512], name[256];
    static uint8_t data[1 << 17];
    int expected, checked = 0, failed = 0;
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *list = fopen(path, "r");
    if (list == NULL) {
        printf("FAIL mesh %s corpus: %s missing\n", kind, path);
        return 1;
    }
    while (fgets(line, sizeof line, list) != NULL) {
        if (line[0] == '#' || sscanf(line, "%255s %d", name, &expected) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        size_t len = f != NULL ? fread(data, 1, sizeof data, f) : 0;
        if (f == NULL) {
            printf("FAIL mesh %s corpus: %s missing\n", kind, path);
            failed++;
            continue;
        }
        fclose(f);
        enum mesh_result got = fixture(data, len);
        checked++;
        if ((int)got != expected) {
            printf("FAIL mesh %s corpus: %s gave %d (%s), expected %d\n", kind, name, got,
                   mesh_result_message(got), expected);
            failed++;
        }
    }
    fclose(list);
    if (checked == 0) {
        printf("FAIL mesh %s corpus: no cases in %s/expected\n", kind, dir);
        return 1;
    }
    if (failed == 0)
        printf("PASS mesh %s corpus: %d files, each with its exact result\n", kind, checked);
    return failed != 0;
}

/* --- The handshake corpus --- */

static FILE *expected_list;

static int write_case(const char *dir, const char *name, uint8_t stage, const uint8_t *bytes,
                      size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(&stage, 1, 1, f) != 1 || (len > 0 && fwrite(bytes, 1, len, f) != len) ||
        fclose(f) != 0)
        return 1;
    static uint8_t data[1024];
    data[0] = stage;
    if (len > 0)
        memcpy(data + 1, bytes, len);
    enum mesh_result result = fixture_handshake_result(data, len + 1);
    fprintf(expected_list, "%s %d  # %s\n", name, result, mesh_result_message(result));
    return 0;
}

/* The true messages 2 and 3 of the fixture's handshake. */
static int fixture_messages(uint8_t *m2, size_t *m2_len, uint8_t *m3, size_t *m3_len)
{
    uint8_t m1[64], payload[256];
    size_t len = 0, got = 0;
    static struct noise_handshake init, resp;
    uint8_t keys[4][32];
    fixture_keys(keys);
    struct noise_keys ik = { .s_secret = keys[0], .e_secret = keys[1] };
    struct noise_keys rk = { .s_secret = keys[2], .e_secret = keys[3] };
    return noise_handshake_init(&init, &noise_pattern_xx, NOISE_HASH_BLAKE2B, fixture_protocol,
                                sizeof fixture_protocol - 1, true, NULL, 0, &ik) != MESH_OK ||
           noise_handshake_init(&resp, &noise_pattern_xx, NOISE_HASH_BLAKE2B, fixture_protocol,
                                sizeof fixture_protocol - 1, false, NULL, 0, &rk) != MESH_OK ||
           noise_handshake_write(&init, NULL, 0, m1, sizeof m1, &len) != MESH_OK ||
           noise_handshake_read(&resp, m1, len, payload, sizeof payload, &got) != MESH_OK ||
           noise_handshake_write(&resp, NULL, 0, m2, 256, m2_len) != MESH_OK ||
           noise_handshake_read(&init, m2, *m2_len, payload, sizeof payload, &got) != MESH_OK ||
           noise_handshake_write(&init, NULL, 0, m3, 256, m3_len) != MESH_OK;
}

static int write_handshake_corpus(const char *dir)
{
    static uint8_t m2[256], m3[256], fill[256], zeros[256], bad[256];
    size_t m2_len = 0, m3_len = 0;
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    expected_list = fopen(path, "w");
    if (expected_list == NULL || fixture_messages(m2, &m2_len, m3, &m3_len) != 0)
        return 1;
    fprintf(expected_list, "# <case file> <mesh_result>: written by corpus_check --write-handshake\n");
    memset(fill, 0x11, sizeof fill);
    int status = 0;
    status |= write_case(dir, "m1-empty", 0, NULL, 0);
    status |= write_case(dir, "m1-31", 0, fill, 31);
    status |= write_case(dir, "m1-e-only", 0, fill, 32);
    status |= write_case(dir, "m1-with-payload", 0, fill, 40);
    status |= write_case(dir, "m2-short-e", 1, fill, 31);
    status |= write_case(dir, "m2-zero-e", 1, zeros, 96);
    status |= write_case(dir, "m2-garbage", 1, fill, 96);
    status |= write_case(dir, "m2-cut-s", 1, fill, 79);
    status |= write_case(dir, "m2-valid", 1, m2, m2_len);
    memcpy(bad, m2, m2_len);
    bad[m2_len - 1] ^= 1;
    status |= write_case(dir, "m2-flipped-tag", 1, bad, m2_len);
    status |= write_case(dir, "m2-truncated", 1, m2, m2_len - 1);
    status |= write_case(dir, "m3-empty", 2, NULL, 0);
    status |= write_case(dir, "m3-47", 2, fill, 47);
    status |= write_case(dir, "m3-48-garbage", 2, fill, 48);
    status |= write_case(dir, "m3-valid", 2, m3, m3_len);
    status |= write_case(dir, "m3-truncated", 2, m3, m3_len - 1);
    memcpy(bad, m3, m3_len);
    bad[m3_len] = 0;
    status |= write_case(dir, "m3-extended", 2, bad, m3_len + 1);
    bad[0] ^= 0x80;
    status |= write_case(dir, "m3-flipped-s", 2, bad, m3_len);
    return status | (fclose(expected_list) != 0);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "packet") == 0)
        return check_corpus("packet", fixture_packet_result, argv[2]);
    if (argc == 3 && strcmp(argv[1], "handshake") == 0)
        return check_corpus("handshake", fixture_handshake_result, argv[2]);
    if (argc == 3 && strcmp(argv[1], "--write-handshake") == 0)
        return write_handshake_corpus(argv[2]);
    fprintf(stderr, "usage: corpus_check packet|handshake|--write-handshake DIR\n");
    return 2;
}
