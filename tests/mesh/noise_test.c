/* Noise engine tests (suite 27-mesh-noise), ASan + UBSan.
 *
 *   noise_test vectors  reads cacophony vectors, one per line, from stdin
 *     (the suite turns tests/vectors/noise/cacophony.json into lines with jq):
 *       name prologue_i s_i e_i rs_i psk_i prologue_r s_r e_r rs_r psk_r hash N p1 c1 ... pN cN
 *     ("-" is empty, "none" absent) and runs both sides of each: every
 *     handshake and transport message must equal the vector byte for byte,
 *     and both sides must reach the vector's handshake hash. Reading zero
 *     vectors is a FAIL.
 *   noise_test make-vectors N SEED  writes N random vectors in the same
 *     format made by this implementation (the 15 patterns of section 7.4
 *     and 7.5, random keys, prologues and payloads) for the differential
 *     test against npm noise-protocol (tests/mesh/noise-differential).
 *   noise_test errors  the handshake reader's error table (truncations,
 *     flipped bits, wrong turns) and the failed state that follows. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "crypto/x25519.h"
#include "mesh/noise.h"

#define MAX_HEX 4096
#define MAX_BYTES 2048

static int failures;

static void fail(const char *name, const char *what)
{
    printf("FAIL %s: %s\n", name, what);
    failures++;
}

/* --- Pattern names of the specification (sections 7.4, 7.5, 9) --- */

struct pattern_text {
    const char *name, *initiator_pre, *responder_pre, *messages;
};

/* Messages separated by '|', tokens by ','. Written from section 7. */
static const struct pattern_text pattern_texts[] = {
    { "N", "", "s", "e,es" },
    { "K", "s", "s", "e,es,ss" },
    { "X", "", "s", "e,es,s,ss" },
    { "NN", "", "", "e|e,ee" },
    { "NK", "", "s", "e,es|e,ee" },
    { "NX", "", "", "e|e,ee,s,es" },
    { "KN", "s", "", "e|e,ee,se" },
    { "KK", "s", "s", "e,es,ss|e,ee,se" },
    { "KX", "s", "", "e|e,ee,se,s,es" },
    { "XN", "", "", "e|e,ee|s,se" },
    { "XK", "", "s", "e,es|e,ee|s,se" },
    { "XX", "", "", "e|e,ee,s,es|s,se" },
    { "IN", "", "", "e,s|e,ee,se" },
    { "IK", "", "s", "e,es,s,ss|e,ee,se" },
    { "IX", "", "", "e,s|e,ee,se,s,es" },
    { "NK1", "", "s", "e|e,ee,es" },
    { "NX1", "", "", "e|e,ee,s|es" },
    { "X1N", "", "", "e|e,ee|s|se" },
    { "X1K", "", "s", "e,es|e,ee|s|se" },
    { "XK1", "", "s", "e|e,ee,es|s,se" },
    { "X1K1", "", "s", "e|e,ee,es|s|se" },
    { "X1X", "", "", "e|e,ee,s,es|s|se" },
    { "XX1", "", "", "e|e,ee,s|es,s,se" },
    { "X1X1", "", "", "e|e,ee,s|es,s|se" },
    { "K1N", "s", "", "e|e,ee|se" },
    { "K1K", "s", "s", "e,es|e,ee|se" },
    { "KK1", "s", "s", "e|e,ee,se,es" },
    { "K1K1", "s", "s", "e|e,ee,es|se" },
    { "K1X", "s", "", "e|e,ee,s,es|se" },
    { "KX1", "s", "", "e|e,ee,se,s|es" },
    { "K1X1", "s", "", "e|e,ee,s|se,es" },
    { "I1N", "", "", "e,s|e,ee|se" },
    { "I1K", "", "s", "e,es,s|e,ee|se" },
    { "IK1", "", "s", "e,s|e,ee,se,es" },
    { "I1K1", "", "s", "e,s|e,ee,es|se" },
    { "I1X", "", "", "e,s|e,ee,s,es|se" },
    { "IX1", "", "", "e,s|e,ee,se,s|es" },
    { "I1X1", "", "", "e,s|e,ee,s|se,es" },
};

static uint8_t token_of(const char *text, size_t len)
{
    static const char *const names[] = { "", "e", "s", "ee", "es", "se", "ss", "psk" };
    for (uint8_t t = 1; t < sizeof names / sizeof names[0]; t++)
        if (strlen(names[t]) == len && strncmp(names[t], text, len) == 0)
            return t;
    return NOISE_TOKEN_NONE;
}

/* Appends a token to message m (inserting at the front when front). */
static int pattern_add(struct noise_pattern *p, int m, uint8_t token, int front)
{
    uint8_t *tokens = p->messages[m];
    int n = 0;
    while (n < NOISE_MAX_TOKENS && tokens[n] != NOISE_TOKEN_NONE)
        n++;
    if (n == NOISE_MAX_TOKENS)
        return 0;
    if (front) {
        memmove(tokens + 1, tokens, (size_t)n);
        tokens[0] = token;
    } else {
        tokens[n] = token;
    }
    return 1;
}

/* Builds the pattern of a name like "XXpsk3" or "NK1"; 0 when unknown. */
static int pattern_build(const char *name, struct noise_pattern *p)
{
    memset(p, 0, sizeof *p);
    const char *psk = strstr(name, "psk");
    size_t base_len = psk != NULL ? (size_t)(psk - name) : strlen(name);
    const struct pattern_text *text = NULL;
    for (size_t i = 0; i < sizeof pattern_texts / sizeof pattern_texts[0]; i++)
        if (strlen(pattern_texts[i].name) == base_len &&
            strncmp(pattern_texts[i].name, name, base_len) == 0)
            text = &pattern_texts[i];
    if (text == NULL)
        return 0;
    if (text->initiator_pre[0] == 's')
        p->initiator_pre[0] = NOISE_TOKEN_S;
    if (text->responder_pre[0] == 's')
        p->responder_pre[0] = NOISE_TOKEN_S;
    int m = 0;
    for (const char *c = text->messages; *c != '\0';) {
        size_t len = strcspn(c, ",|");
        if (!pattern_add(p, m, token_of(c, len), 0))
            return 0;
        c += len;
        if (*c == '|')
            m++;
        if (*c != '\0')
            c++;
    }
    p->message_count = (uint8_t)(m + 1);
    for (const char *mod = psk; mod != NULL; mod = strstr(mod + 3, "psk")) {
        int n = atoi(mod + 3);
        if (n > p->message_count)
            return 0;
        if (!pattern_add(p, n == 0 ? 0 : n - 1, NOISE_TOKEN_PSK, n == 0))
            return 0;
        p->has_psk = true;
    }
    return 1;
}

/* --- Vectors --- */

struct field {
    uint8_t bytes[MAX_BYTES];
    size_t len;
    int present;
};

static int field_read(char **cursor, struct field *f)
{
    char *text = strtok_r(NULL, " \n", cursor);
    memset(f, 0, sizeof *f);
    if (text == NULL)
        return 0;
    if (strcmp(text, "none") == 0)
        return 1;
    f->present = 1;
    if (strcmp(text, "-") == 0)
        return 1;
    return hex_decode(text, strlen(text), HEX_ANY_CASE, f->bytes, sizeof f->bytes, &f->len);
}

struct side {
    struct field prologue, s, e, rs, psk;
};

static int side_init(struct noise_handshake *hs, const struct noise_pattern *p,
                     enum noise_hash hash, const char *protocol, int initiator,
                     const struct side *side)
{
    struct noise_keys keys = {
        .s_secret = side->s.present ? side->s.bytes : NULL,
        .e_secret = side->e.present ? side->e.bytes : NULL,
        .rs = side->rs.present ? side->rs.bytes : NULL,
        .psk = side->psk.present ? side->psk.bytes : NULL,
    };
    return noise_handshake_init(hs, p, hash, protocol, strlen(protocol), initiator != 0,
                                side->prologue.bytes, side->prologue.len, &keys) == MESH_OK;
}

/* Message i: its sender and receiver states, or ciphers after the handshake. */
static int run_message(const char *name, int i, struct noise_handshake *init,
                       struct noise_handshake *resp, const struct field *payload,
                       const struct field *ciphertext)
{
    int from_initiator = init->pattern->message_count == 1 || i % 2 == 0;
    struct noise_handshake *writer = from_initiator ? init : resp;
    struct noise_handshake *reader = from_initiator ? resp : init;
    static uint8_t sent[MAX_BYTES], got[MAX_BYTES];
    size_t sent_len = 0, got_len = 0;
    enum mesh_result w, r;
    if (!noise_handshake_done(writer)) {
        w = noise_handshake_write(writer, payload->bytes, payload->len, sent, sizeof sent,
                                  &sent_len);
        r = w != MESH_OK ? w : noise_handshake_read(reader, sent, sent_len, got, sizeof got,
                                                    &got_len);
    } else {
        struct noise_cipher *out = from_initiator ? &writer->c1 : &writer->c2;
        struct noise_cipher *in = from_initiator ? &reader->c1 : &reader->c2;
        w = noise_cipher_encrypt(out, NULL, 0, payload->bytes, payload->len, sent, sizeof sent,
                                 &sent_len);
        r = w != MESH_OK ? w : noise_cipher_decrypt(in, NULL, 0, sent, sent_len, got,
                                                    sizeof got, &got_len);
    }
    char what[160];
    if (w != MESH_OK || r != MESH_OK) {
        snprintf(what, sizeof what, "message %d: write %d, read %d", i, w, r);
        fail(name, what);
        return 0;
    }
    if (sent_len != ciphertext->len || memcmp(sent, ciphertext->bytes, sent_len) != 0) {
        snprintf(what, sizeof what, "message %d: ciphertext differs from the vector", i);
        fail(name, what);
        return 0;
    }
    if (got_len != payload->len || memcmp(got, payload->bytes, got_len) != 0) {
        snprintf(what, sizeof what, "message %d: payload read back differs", i);
        fail(name, what);
        return 0;
    }
    return 1;
}

static int run_vector(char *line, int *skipped)
{
    char *cursor = NULL;
    char *protocol = strtok_r(line, " \n", &cursor);
    struct side init_side, resp_side;
    static struct field hash_field, payload, ciphertext;
    if (protocol == NULL)
        return 0;
    if (!field_read(&cursor, &init_side.prologue) || !field_read(&cursor, &init_side.s) ||
        !field_read(&cursor, &init_side.e) || !field_read(&cursor, &init_side.rs) ||
        !field_read(&cursor, &init_side.psk) || !field_read(&cursor, &resp_side.prologue) ||
        !field_read(&cursor, &resp_side.s) || !field_read(&cursor, &resp_side.e) ||
        !field_read(&cursor, &resp_side.rs) || !field_read(&cursor, &resp_side.psk) ||
        !field_read(&cursor, &hash_field)) {
        fail(protocol, "malformed vector line");
        return 0;
    }
    char pattern_name[32];
    char suite[64];
    if (sscanf(protocol, "Noise_%31[^_]_%63s", pattern_name, suite) != 2) {
        fail(protocol, "protocol name not understood");
        return 0;
    }
    enum noise_hash hash;
    if (strcmp(suite, "25519_ChaChaPoly_BLAKE2b") == 0)
        hash = NOISE_HASH_BLAKE2B;
    else if (strcmp(suite, "25519_ChaChaPoly_SHA256") == 0)
        hash = NOISE_HASH_SHA256;
    else {
        (*skipped)++;
        return 0;
    }
    static struct noise_pattern pattern;
    if (!pattern_build(pattern_name, &pattern)) {
        fail(protocol, "pattern not in the test's table");
        return 0;
    }
    static struct noise_handshake init, resp;
    if (!side_init(&init, &pattern, hash, protocol, 1, &init_side) ||
        !side_init(&resp, &pattern, hash, protocol, 0, &resp_side)) {
        fail(protocol, "noise_handshake_init refused the vector's keys");
        return 0;
    }
    char *count_text = strtok_r(NULL, " \n", &cursor);
    int count = count_text != NULL ? atoi(count_text) : 0;
    for (int i = 0; i < count; i++) {
        if (!field_read(&cursor, &payload) || !field_read(&cursor, &ciphertext)) {
            fail(protocol, "malformed message in vector line");
            return 0;
        }
        if (!run_message(protocol, i, &init, &resp, &payload, &ciphertext))
            return 0;
    }
    size_t hash_len = init.symmetric.hash_len;
    if (!noise_handshake_done(&init) || !noise_handshake_done(&resp) ||
        hash_field.len != hash_len || memcmp(init.symmetric.h, hash_field.bytes, hash_len) != 0 ||
        memcmp(resp.symmetric.h, hash_field.bytes, hash_len) != 0) {
        fail(protocol, "handshake hash differs from the vector (or handshake unfinished)");
        return 0;
    }
    return 1;
}

static void test_vectors(const char *label)
{
    static char line[64 * 1024];
    int passed = 0, total = 0, skipped = 0, xx = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        total++;
        int is_xx = strncmp(line, "Noise_XX_25519_ChaChaPoly_BLAKE2b ", 34) == 0;
        if (run_vector(line, &skipped)) {
            passed++;
            xx += is_xx;
        }
    }
    if (total == 0)
        fail(label, "no vectors read (zero cases)");
    else if (xx == 0)
        fail(label, "no Noise_XX_25519_ChaChaPoly_BLAKE2b vector passed");
    else if (passed == total)
        printf("PASS %s: %d of %d match byte for byte (%d of them "
               "Noise_XX_25519_ChaChaPoly_BLAKE2b)\n", label, passed, total, xx);
    else
        printf("FAIL %s: %d of %d passed, %d cipher suites not run\n", label, passed, total,
               skipped);
}

/* --- Error table of the handshake reader --- */

static const char xx_name[] = "Noise_XX_25519_ChaChaPoly_BLAKE2b";

static void xx_pair(struct noise_handshake *init, struct noise_handshake *resp, uint8_t seed)
{
    uint8_t keys[4][32];
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 32; i++)
            keys[k][i] = (uint8_t)(seed + 7 * k + 13 * i);
    struct noise_keys ik = { .s_secret = keys[0], .e_secret = keys[1] };
    struct noise_keys rk = { .s_secret = keys[2], .e_secret = keys[3] };
    if (noise_handshake_init(init, &noise_pattern_xx, NOISE_HASH_BLAKE2B, xx_name,
                             strlen(xx_name), true, NULL, 0, &ik) != MESH_OK ||
        noise_handshake_init(resp, &noise_pattern_xx, NOISE_HASH_BLAKE2B, xx_name,
                             strlen(xx_name), false, NULL, 0, &rk) != MESH_OK)
        fail("noise xx setup", "init refused");
}

/* Message `message` (0..2) of a fresh XX pair (96 bytes for message 2:
 * e 32, encrypted s 48, payload tag 16; 64 for message 3), mutated and fed
 * to the other side; the result must be `expected`. */
struct mutation {
    const char *name;
    int message;
    int truncate_by;  /* bytes cut from the end */
    int flip_offset;  /* byte to flip, -1 for none */
    int extend_by;    /* bytes appended */
    enum mesh_result expected;
};

static const struct mutation mutations[] = {
    { "message 1 empty", 0, 32, -1, 0, MESH_ERR_SHORT },
    { "message 1 short e", 0, 1, -1, 0, MESH_ERR_SHORT },
    { "message 2 short e", 1, 65, -1, 0, MESH_ERR_SHORT },
    { "message 2 cut inside s", 1, 17, -1, 0, MESH_ERR_SHORT },
    { "message 2 without payload tag", 1, 16, -1, 0, MESH_ERR_SHORT },
    { "message 2 payload tag cut", 1, 1, -1, 0, MESH_ERR_SHORT },
    { "message 2 flipped e", 1, 0, 3, 0, MESH_ERR_DECRYPT },
    { "message 2 flipped encrypted s", 1, 0, 40, 0, MESH_ERR_DECRYPT },
    { "message 2 flipped payload tag", 1, 0, 95, 0, MESH_ERR_DECRYPT },
    { "message 2 extra byte", 1, 0, -1, 1, MESH_ERR_DECRYPT },
    { "message 3 short s", 2, 40, -1, 0, MESH_ERR_SHORT },
    { "message 3 flipped s", 2, 0, 0, 0, MESH_ERR_DECRYPT },
    { "message 3 flipped tag", 2, 0, 63, 0, MESH_ERR_DECRYPT },
};

static enum mesh_result run_mutation(const struct mutation *m)
{
    static struct noise_handshake init, resp;
    static uint8_t buffer[512], payload[512];
    size_t len = 0, got = 0;
    xx_pair(&init, &resp, 1);
    for (int i = 0; i <= m->message; i++) {
        struct noise_handshake *w = i % 2 == 0 ? &init : &resp;
        struct noise_handshake *r = i % 2 == 0 ? &resp : &init;
        if (noise_handshake_write(w, NULL, 0, buffer, sizeof buffer, &len) != MESH_OK)
            return MESH_ERR_PARAMETER;
        if (i == m->message) {
            len -= (size_t)m->truncate_by;
            if (m->flip_offset >= 0)
                buffer[m->flip_offset] ^= 0x20;
            for (int k = 0; k < m->extend_by; k++)
                buffer[len++] = 0;
            enum mesh_result result = noise_handshake_read(r, buffer, len, payload,
                                                           sizeof payload, &got);
            /* A failed handshake stays failed: even the true message is refused. */
            if (result != MESH_OK && (!r->failed ||
                noise_handshake_read(r, buffer, len, payload, sizeof payload, &got) !=
                    MESH_ERR_STATE))
                return MESH_ERR_PARAMETER;
            return result;
        }
        if (noise_handshake_read(r, buffer, len, payload, sizeof payload, &got) != MESH_OK)
            return MESH_ERR_PARAMETER;
    }
    return MESH_ERR_PARAMETER;
}

static void test_errors(void)
{
    int passed = 0;
    for (size_t i = 0; i < sizeof mutations / sizeof mutations[0]; i++) {
        enum mesh_result result = run_mutation(&mutations[i]);
        if (result == mutations[i].expected) {
            passed++;
        } else {
            char what[160];
            snprintf(what, sizeof what, "%s: got %d (%s), expected %d", mutations[i].name,
                     result, mesh_result_message(result), mutations[i].expected);
            fail("noise handshake error table", what);
        }
    }
    /* Wrong turns and buffers. */
    static struct noise_handshake init, resp;
    uint8_t buffer[256], payload[64];
    size_t len = 0, got = 0;
    int ok = 1;
    xx_pair(&init, &resp, 2);
    ok &= noise_handshake_write(&resp, NULL, 0, buffer, sizeof buffer, &len) == MESH_ERR_STATE;
    ok &= noise_handshake_read(&init, buffer, 32, payload, sizeof payload, &got) ==
          MESH_ERR_STATE;
    ok &= noise_handshake_write(&init, NULL, 0, buffer, 31, &len) == MESH_ERR_BUFFER;
    ok &= noise_handshake_write(&init, NULL, 0, buffer, sizeof buffer, &len) == MESH_OK;
    uint8_t zero_e[32] = { 0 };
    ok &= noise_handshake_read(&resp, zero_e, 32, payload, sizeof payload, &got) == MESH_OK;
    /* The responder's ee with an all-zero (small-order) e is a weak DH. */
    ok &= noise_handshake_write(&resp, NULL, 0, buffer, sizeof buffer, &len) == MESH_ERR_KEY;
    ok &= resp.failed;
    if (ok)
        passed++;
    else
        fail("noise handshake error table", "wrong turn, short buffer or weak e not refused");
    if (failures == 0)
        printf("PASS noise handshake error table: %d cases, each with its exact error\n", passed);
}

/* --- Random vectors for the differential test --- */

static uint64_t rng_state;

static uint8_t rng_byte(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint8_t)(rng_state >> 24);
}

static void print_hex(const uint8_t *b, size_t len)
{
    if (len == 0)
        fputs(" -", stdout);
    else
        putchar(' ');
    for (size_t i = 0; i < len; i++)
        printf("%02x", b[i]);
}

static void random_bytes(uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = rng_byte();
}

/* One vector: both sides get static and ephemeral keys (unused ones are
 * ignored by both implementations), the pre-message keys the pattern needs. */
static void make_vector(const char *pattern_name)
{
    static struct noise_pattern p;
    static struct noise_handshake init, resp;
    static uint8_t payload[300], wire[700], got[700];
    uint8_t si[32], ei[32], sr[32], er[32], pub_i[32], pub_r[32], prologue[40];
    char protocol[64];
    if (!pattern_build(pattern_name, &p))
        return;
    snprintf(protocol, sizeof protocol, "Noise_%s_25519_ChaChaPoly_BLAKE2b", pattern_name);
    random_bytes(si, 32);
    random_bytes(ei, 32);
    random_bytes(sr, 32);
    random_bytes(er, 32);
    size_t prologue_len = rng_byte() % 40;
    random_bytes(prologue, prologue_len);
    x25519_base(pub_i, si);
    x25519_base(pub_r, sr);
    int rs_i = p.responder_pre[0] == NOISE_TOKEN_S, rs_r = p.initiator_pre[0] == NOISE_TOKEN_S;
    struct noise_keys ik = { .s_secret = si, .e_secret = ei, .rs = rs_i ? pub_r : NULL };
    struct noise_keys rk = { .s_secret = sr, .e_secret = er, .rs = rs_r ? pub_i : NULL };
    if (noise_handshake_init(&init, &p, NOISE_HASH_BLAKE2B, protocol, strlen(protocol), true,
                             prologue, prologue_len, &ik) != MESH_OK ||
        noise_handshake_init(&resp, &p, NOISE_HASH_BLAKE2B, protocol, strlen(protocol), false,
                             prologue, prologue_len, &rk) != MESH_OK) {
        fail(protocol, "init refused random keys");
        return;
    }
    int total = p.message_count + 1 + rng_byte() % 4;
    printf("%s", protocol);
    print_hex(prologue, prologue_len);
    print_hex(si, 32);
    print_hex(ei, 32);
    if (rs_i) print_hex(pub_r, 32); else fputs(" none", stdout);
    fputs(" none", stdout);
    print_hex(prologue, prologue_len);
    print_hex(sr, 32);
    print_hex(er, 32);
    if (rs_r) print_hex(pub_i, 32); else fputs(" none", stdout);
    fputs(" none", stdout);
    /* The handshake hash comes after the messages: run them first. */
    static char rest[64 * 1024];
    size_t used = (size_t)snprintf(rest, sizeof rest, " %d", total);
    for (int m = 0; m < total; m++) {
        size_t len = (size_t)(((unsigned)rng_byte() << 8 | rng_byte()) % 300), wire_len = 0, got_len = 0;
        int from_init = p.message_count == 1 || m % 2 == 0;
        struct noise_handshake *w = from_init ? &init : &resp, *r = from_init ? &resp : &init;
        random_bytes(payload, len);
        enum mesh_result a, b;
        if (!noise_handshake_done(w)) {
            a = noise_handshake_write(w, payload, len, wire, sizeof wire, &wire_len);
            b = noise_handshake_read(r, wire, wire_len, got, sizeof got, &got_len);
        } else {
            a = noise_cipher_encrypt(from_init ? &w->c1 : &w->c2, NULL, 0, payload, len, wire,
                                     sizeof wire, &wire_len);
            b = noise_cipher_decrypt(from_init ? &r->c1 : &r->c2, NULL, 0, wire, wire_len, got,
                                     sizeof got, &got_len);
        }
        if (a != MESH_OK || b != MESH_OK || got_len != len || memcmp(got, payload, len) != 0)
            fail(protocol, "own round trip failed");
        used += (size_t)snprintf(rest + used, sizeof rest - used, " ");
        for (size_t i = 0; i < len; i++)
            used += (size_t)snprintf(rest + used, sizeof rest - used, "%02x", payload[i]);
        if (len == 0)
            used += (size_t)snprintf(rest + used, sizeof rest - used, "-");
        used += (size_t)snprintf(rest + used, sizeof rest - used, " ");
        for (size_t i = 0; i < wire_len; i++)
            used += (size_t)snprintf(rest + used, sizeof rest - used, "%02x", wire[i]);
    }
    print_hex(init.symmetric.h, init.symmetric.hash_len);
    printf("%s\n", rest);
}

static void make_vectors(int count, uint64_t seed)
{
    static const char *const names[] = { "N", "K", "X", "NN", "KN", "NK", "KK", "NX",
                                         "KX", "XN", "IN", "XK", "IK", "XX", "IX" };
    rng_state = seed | 1;
    for (int c = 0; c < count; c++)
        make_vector(names[rng_byte() % 15]);
}

int main(int argc, char **argv)
{
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "vectors") == 0)
        test_vectors(argc == 3 ? argv[2] : "noise cacophony vectors");
    else if (argc == 4 && strcmp(argv[1], "make-vectors") == 0)
        make_vectors(atoi(argv[2]), strtoull(argv[3], NULL, 10));
    else if (argc == 2 && strcmp(argv[1], "errors") == 0)
        test_errors();
    else {
        fprintf(stderr, "usage: noise_test vectors [LABEL] | errors | make-vectors N SEED\n");
        return 2;
    }
    return failures == 0 ? 0 : 1;
}
