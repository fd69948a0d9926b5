/* Wycheproof AEAD vectors for ChaCha20-Poly1305 and XChaCha20-Poly1305.
 *
 * Reads the vectors from stdin, one per line, as the suite converts them
 * with jq: "tcId ivBits key iv aad msg ct tag result" in hex ("-" when
 * empty). Valid vectors must seal to exactly ct || tag and open back to msg;
 * invalid ones must be refused by decrypt with CRYPTO_ERR_VERIFY and a
 * wiped output. Vectors with a nonce of another size than the algorithm's
 * cannot even be expressed through the API (the nonce is a fixed-size
 * array), which is how they are rejected; they are all "invalid".
 *
 * Usage: stream_wycheproof chacha|xchacha NAME < lines */
#include "crypto/aead.h"
#include "tests/host/hex_input.h"
#include "tests/host/test.h"

#define FIELD 4200 /* hex digits: messages in the files are at most 1026 bytes */

struct vector {
    int id;
    unsigned iv_bits;
    char key[FIELD], iv[FIELD], aad[FIELD], msg[FIELD], ct[FIELD], tag[FIELD];
    char result[16];
};

static bool extended;
static uint8_t key[64], iv[64], aad[2048], msg[2048], sealed[2048 + 16], out[2048];

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0)
            return false;
    return true;
}

static enum crypto_result seal(size_t msg_len, size_t aad_len)
{
    return extended
        ? xchacha20poly1305_encrypt(sealed, sizeof sealed, msg, msg_len, aad, aad_len, iv, key)
        : chacha20poly1305_encrypt(sealed, sizeof sealed, msg, msg_len, aad, aad_len, iv, key);
}

static enum crypto_result open_sealed(size_t sealed_len, size_t aad_len)
{
    return extended
        ? xchacha20poly1305_decrypt(out, sizeof out, sealed, sealed_len, aad, aad_len, iv, key)
        : chacha20poly1305_decrypt(out, sizeof out, sealed, sealed_len, aad, aad_len, iv, key);
}

/* Returns NULL when the vector behaves as its result says, else a reason. */
static const char *check(const struct vector *v)
{
    bool valid = strcmp(v->result, "valid") == 0;
    unsigned want_bits = extended ? 192 : 96;
    if (v->iv_bits != want_bits || hex_input_bytes(v->key, key, sizeof key) != 32)
        return valid ? "valid vector with a nonce or key size the API cannot take" : NULL;
    hex_input_bytes(v->iv, iv, sizeof iv);
    size_t aad_len = hex_input_bytes(v->aad, aad, sizeof aad);
    size_t msg_len = hex_input_bytes(v->msg, msg, sizeof msg);
    size_t ct_len = hex_input_bytes(v->ct, sealed, sizeof sealed - 16);
    size_t tag_len = hex_input_bytes(v->tag, sealed + ct_len, 16);
    memset(out, 0xaa, sizeof out);
    enum crypto_result opened = open_sealed(ct_len + tag_len, aad_len);
    if (!valid) {
        if (opened != CRYPTO_ERR_VERIFY)
            return "invalid vector was not refused with CRYPTO_ERR_VERIFY";
        return all_zero(out, sizeof out) ? NULL : "refused but output not wiped";
    }
    if (opened != CRYPTO_OK || memcmp(out, msg, msg_len) != 0)
        return "valid vector did not open to msg";
    if (seal(msg_len, aad_len) != CRYPTO_OK || !hex_input_equal(sealed, ct_len, v->ct) ||
        !hex_input_equal(sealed + ct_len, 16, v->tag))
        return "valid vector did not seal to ct || tag";
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s chacha|xchacha NAME < vectors\n", argv[0]);
        return 2;
    }
    extended = strcmp(argv[1], "xchacha") == 0;
    static struct vector v;
    int count = 0, valid = 0, failures = 0;
    while (scanf("%d %u %4199s %4199s %4199s %4199s %4199s %4199s %15s", &v.id, &v.iv_bits,
                 v.key, v.iv, v.aad, v.msg, v.ct, v.tag, v.result) == 9) {
        const char *reason = check(&v);
        count++;
        valid += strcmp(v.result, "valid") == 0;
        if (reason) {
            failures++;
            fprintf(stderr, "tcId %d: %s\n", v.id, reason);
            test_check(false, "%s wycheproof tcId %d: %s", argv[2], v.id, reason);
        }
    }
    test_check(failures == 0 && count > 0,
               "%s wycheproof: %d vectors (%d valid accepted with exact ct/tag, "
               "%d invalid refused with output wiped)",
               argv[2], count, valid, count - valid);
    return test_finish();
}
