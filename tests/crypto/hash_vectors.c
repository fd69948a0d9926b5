/* Known-answer tests for the hash area, typed from the specifications:
 * FIPS 180-4 examples (SHA-256, SHA-512), RFC 4231 (HMAC), RFC 5869 (HKDF),
 * RFC 7693 Appendix A (BLAKE2b), RFC 9106 section 5.3 (Argon2id). Each check
 * also runs the incremental API with odd split points, so buffering bugs
 * cannot hide behind the one-shot call.
 *
 *   hash_vectors                 the known-answer and parameter tests
 *   hash_vectors corpus-make DIR writes the Argon2id corpus
 *                                (tests/corpus/argon2id is its output)
 *   hash_vectors corpus DIR      checks each file of it gives its exact result */
#include <stdlib.h>

#include "crypto/argon2id.h"
#include "crypto/blake2b.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"
#include "tests/fuzz/argon2id_input.h"
#include "tests/host/corpus.h"
#include "tests/host/hex_input.h"
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
        bool ok256 = hex_input_equal(d256, sizeof(d256), v->sha256);
        sha512(msg, len, d512);
        bool ok512 = hex_input_equal(d512, sizeof(d512), v->sha512);
        for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
            sha256_pieces(msg, len, steps[s], d256);
            ok256 = ok256 && hex_input_equal(d256, sizeof(d256), v->sha256);
            sha512_pieces(msg, len, steps[s], d512);
            ok512 = ok512 && hex_input_equal(d512, sizeof(d512), v->sha512);
        }
        test_check(ok256, "sha256 FIPS 180-4 vector %s (one-shot and 9 split sizes)", v->name);
        test_check(ok512, "sha512 FIPS 180-4 vector %s (one-shot and 9 split sizes)", v->name);
        free(msg);
    }
}

/* RFC 4231 section 4: HMAC-SHA-256 and HMAC-SHA-512 (test case 5 is a
 * truncation to 128 bits). */
struct hmac_vector {
    const char *key, *data, *sha256, *sha512;
};

static const struct hmac_vector hmac_vectors[] = {
    { "r:0b:20", "t:Hi There",
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
    { "t:Jefe", "t:what do ya want for nothing?",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
    { "r:aa:20", "r:dd:50",
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
      "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
      "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
    { "s:01:25", "r:cd:50",
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
      "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
      "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
    { "r:0c:20", "t:Test With Truncation",
      "a3b6167473100ee06e0c796c2955552b",
      "415fad6271580a531d4179bc891d87a6" },
    { "r:aa:131", "t:Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
    { "r:aa:131",
      "t:This is a test using a larger than block-size key and a larger than "
      "block-size data. The key needs to be hashed before being used by the "
      "HMAC algorithm.",
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
      "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
      "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

/* Checks one RFC 4231 case for SHA-256: one-shot, byte-at-a-time, and
 * verify (accepts the right tag, rejects it with the last bit flipped). */
static bool hmac_sha256_case(const uint8_t *key, size_t key_len,
                             const uint8_t *data, size_t data_len,
                             const char *want)
{
    uint8_t mac[HMAC_SHA256_SIZE], tag[HMAC_SHA256_SIZE] = { 0 };
    long decoded = hex_input_decode(want, tag, sizeof(tag));
    if (decoded < 16)
        return false; /* a malformed expected value in the table */
    size_t tag_len = (size_t)decoded;
    struct hmac_sha256_state s;
    hmac_sha256(key, key_len, data, data_len, mac);
    bool ok = memcmp(mac, tag, tag_len) == 0;
    hmac_sha256_init(&s, key, key_len);
    for (size_t i = 0; i < data_len; i++)
        hmac_sha256_update(&s, data + i, 1);
    hmac_sha256_final(&s, mac);
    ok = ok && memcmp(mac, tag, tag_len) == 0;
    ok = ok && hmac_sha256_verify(key, key_len, data, data_len, tag, tag_len) == CRYPTO_OK;
    tag[tag_len - 1] ^= 1;
    ok = ok && hmac_sha256_verify(key, key_len, data, data_len, tag, tag_len) == CRYPTO_ERR_VERIFY;
    return ok;
}

static bool hmac_sha512_case(const uint8_t *key, size_t key_len,
                             const uint8_t *data, size_t data_len,
                             const char *want)
{
    uint8_t mac[HMAC_SHA512_SIZE], tag[HMAC_SHA512_SIZE] = { 0 };
    long decoded = hex_input_decode(want, tag, sizeof(tag));
    if (decoded < 16)
        return false; /* a malformed expected value in the table */
    size_t tag_len = (size_t)decoded;
    struct hmac_sha512_state s;
    hmac_sha512(key, key_len, data, data_len, mac);
    bool ok = memcmp(mac, tag, tag_len) == 0;
    hmac_sha512_init(&s, key, key_len);
    for (size_t i = 0; i < data_len; i++)
        hmac_sha512_update(&s, data + i, 1);
    hmac_sha512_final(&s, mac);
    ok = ok && memcmp(mac, tag, tag_len) == 0;
    /* A 128-bit tag is below HMAC-SHA-512's half-length minimum. */
    enum crypto_result want_ok = tag_len >= HMAC_SHA512_MIN_TAG_SIZE ? CRYPTO_OK : CRYPTO_ERR_PARAMETER;
    enum crypto_result want_bad = tag_len >= HMAC_SHA512_MIN_TAG_SIZE ? CRYPTO_ERR_VERIFY : CRYPTO_ERR_PARAMETER;
    ok = ok && hmac_sha512_verify(key, key_len, data, data_len, tag, tag_len) == want_ok;
    tag[tag_len - 1] ^= 1;
    ok = ok && hmac_sha512_verify(key, key_len, data, data_len, tag, tag_len) == want_bad;
    return ok;
}

static void test_hmac(void)
{
    for (size_t i = 0; i < sizeof(hmac_vectors) / sizeof(hmac_vectors[0]); i++) {
        const struct hmac_vector *v = &hmac_vectors[i];
        uint8_t key[256], data[256];
        size_t key_len = hex_input_bytes(v->key, key, sizeof(key));
        size_t data_len = hex_input_bytes(v->data, data, sizeof(data));
        test_check(hmac_sha256_case(key, key_len, data, data_len, v->sha256),
                   "hmac-sha256 RFC 4231 test case %zu", i + 1);
        test_check(hmac_sha512_case(key, key_len, data, data_len, v->sha512),
                   "hmac-sha512 RFC 4231 test case %zu", i + 1);
    }
    uint8_t tag[HMAC_SHA512_SIZE] = { 0 };
    test_check(hmac_sha256_verify(tag, 0, tag, 0, tag, 15) == CRYPTO_ERR_PARAMETER &&
               hmac_sha256_verify(tag, 0, tag, 0, tag, 33) == CRYPTO_ERR_PARAMETER &&
               hmac_sha512_verify(tag, 0, tag, 0, tag, 31) == CRYPTO_ERR_PARAMETER &&
               hmac_sha512_verify(tag, 0, tag, 0, tag, 65) == CRYPTO_ERR_PARAMETER,
               "hmac verify refuses tag lengths outside [hash/2, hash]");
}

/* RFC 5869 appendix A.1-A.3 (the SHA-256 cases). */
struct hkdf_vector {
    const char *ikm, *salt, *info;
    size_t len;
    const char *prk, *okm;
};

static const struct hkdf_vector hkdf_vectors[] = {
    { "r:0b:22", "s:00:13", "s:f0:10", 42,
      "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
      "34007208d5b887185865" },
    { "s:00:80", "s:60:80", "s:b0:80", 82,
      "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
      "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
      "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
    { "r:0b:22", "t:", "t:", 42,
      "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
      "9d201395faa4b61a96c8" },
};

static void test_hkdf(void)
{
    for (size_t i = 0; i < sizeof(hkdf_vectors) / sizeof(hkdf_vectors[0]); i++) {
        const struct hkdf_vector *v = &hkdf_vectors[i];
        uint8_t ikm[128], salt[128], info[128], prk[HKDF_SHA256_PRK_SIZE], okm[128];
        size_t ikm_len = hex_input_bytes(v->ikm, ikm, sizeof(ikm));
        size_t salt_len = hex_input_bytes(v->salt, salt, sizeof(salt));
        size_t info_len = hex_input_bytes(v->info, info, sizeof(info));
        hkdf_sha256_extract(prk, salt, salt_len, ikm, ikm_len);
        bool ok = hex_input_equal(prk, sizeof(prk), v->prk);
        ok = ok && hkdf_sha256_expand(okm, v->len, prk, info, info_len) == CRYPTO_OK;
        ok = ok && hex_input_equal(okm, v->len, v->okm);
        memset(okm, 0, sizeof(okm));
        ok = ok && hkdf_sha256(okm, v->len, salt, salt_len, ikm, ikm_len, info, info_len) == CRYPTO_OK;
        ok = ok && hex_input_equal(okm, v->len, v->okm);
        test_check(ok, "hkdf-sha256 RFC 5869 test case A.%zu", i + 1);
    }
    static uint8_t big[HKDF_SHA512_MAX_OUTPUT + 1];
    uint8_t prk[HKDF_SHA512_PRK_SIZE] = { 1 };
    bool ok = hkdf_sha256_expand(big, HKDF_SHA256_MAX_OUTPUT, prk, NULL, 0) == CRYPTO_OK &&
              hkdf_sha256_expand(big, HKDF_SHA256_MAX_OUTPUT + 1, prk, NULL, 0) == CRYPTO_ERR_PARAMETER &&
              hkdf_sha512_expand(big, HKDF_SHA512_MAX_OUTPUT, prk, NULL, 0) == CRYPTO_OK &&
              hkdf_sha512_expand(big, HKDF_SHA512_MAX_OUTPUT + 1, prk, NULL, 0) == CRYPTO_ERR_PARAMETER &&
              hkdf_sha256_expand(big, 0, prk, NULL, 0) == CRYPTO_OK;
    for (size_t i = 0; i < sizeof(big); i++)
        ok = ok && big[i] == 0; /* the refused call left the output wiped */
    test_check(ok, "hkdf expand accepts 255 hash lengths, refuses one byte more");
}

/* RFC 7693 Appendix A: BLAKE2b-512("abc"); plus the empty message. */
static void test_blake2b_abc(void)
{
    uint8_t out[64];
    bool ok = blake2b(out, 64, NULL, 0, (const uint8_t *)"abc", 3) == CRYPTO_OK &&
              hex_input_equal(out, 64,
                        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                        "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    test_check(ok, "blake2b-512 RFC 7693 appendix A (\"abc\")");
    ok = blake2b(out, 64, NULL, 0, NULL, 0) == CRYPTO_OK &&
         hex_input_equal(out, 64,
                   "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
                   "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
    test_check(ok, "blake2b-512 of the empty message");
}

/* RFC 7693 Appendix E self-test input generator (a Fibonacci sequence). */
static void selftest_seq(uint8_t *out, size_t len, uint32_t seed)
{
    uint32_t a = 0xDEAD4BAD * seed, b = 1;
    for (size_t i = 0; i < len; i++) {
        uint32_t t = a + b;
        a = b;
        b = t;
        out[i] = (uint8_t)(t >> 24);
    }
}

/* RFC 7693 Appendix E: keyed and unkeyed digests of 4 output lengths x 6
 * input lengths, all hashed into one 32-byte "grand hash". */
static void test_blake2b_selftest(void)
{
    static const size_t md_len[4] = { 20, 32, 48, 64 };
    static const size_t in_len[6] = { 0, 3, 128, 129, 255, 1024 };
    uint8_t in[1024], md[64], key[64];
    struct blake2b_state ctx;
    bool ok = blake2b_init(&ctx, 32, NULL, 0) == CRYPTO_OK;
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 6; j++) {
            size_t outlen = md_len[i], inlen = in_len[j];
            selftest_seq(in, inlen, (uint32_t)inlen);
            ok = ok && blake2b(md, outlen, NULL, 0, in, inlen) == CRYPTO_OK;
            blake2b_update(&ctx, md, outlen);
            selftest_seq(key, outlen, (uint32_t)outlen);
            ok = ok && blake2b(md, outlen, key, outlen, in, inlen) == CRYPTO_OK;
            blake2b_update(&ctx, md, outlen);
        }
    }
    ok = ok && blake2b_final(&ctx, md, 32) == CRYPTO_OK;
    ok = ok && hex_input_equal(md, 32, "c23a7800d98123bd10f506c61e29da5603d763b8bbad2e737f5e765a7bccd475");
    test_check(ok, "blake2b RFC 7693 appendix E self-test (48 keyed/unkeyed digests)");
}

static void test_blake2b_parameters(void)
{
    struct blake2b_state s;
    uint8_t key[65] = { 0 }, out[65];
    bool ok = blake2b_init(&s, 0, NULL, 0) == CRYPTO_ERR_PARAMETER &&
              blake2b_init(&s, 65, NULL, 0) == CRYPTO_ERR_PARAMETER &&
              blake2b_init(&s, 32, key, 65) == CRYPTO_ERR_PARAMETER &&
              blake2b_init(&s, 32, NULL, 1) == CRYPTO_ERR_PARAMETER &&
              blake2b_init(&s, 1, key, 64) == CRYPTO_OK &&
              blake2b(out, 65, NULL, 0, key, 1) == CRYPTO_ERR_PARAMETER;
    ok = ok && blake2b_init(&s, 32, NULL, 0) == CRYPTO_OK;
    memset(out, 0xff, sizeof(out));
    ok = ok && blake2b_final(&s, out, 64) == CRYPTO_ERR_PARAMETER;
    for (size_t i = 0; i < 64; i++)
        ok = ok && out[i] == 0;
    test_check(ok, "blake2b refuses out lengths 0 and 65, key length 65, NULL key, mismatched final");
}

static struct argon2id_block work[64];

/* RFC 9106 section 5.3: t = 3, m = 32 KiB, p = 4, 32-byte tag, with secret
 * and associated data. The only check of parallelism > 1 (libsodium fixes
 * p = 1). */
static void test_argon2id_rfc(void)
{
    uint8_t password[32], salt[16], secret[8], ad[12], tag[32];
    memset(password, 1, sizeof(password));
    memset(salt, 2, sizeof(salt));
    memset(secret, 3, sizeof(secret));
    memset(ad, 4, sizeof(ad));
    struct argon2id_params p = {
        .t_cost = 3, .m_cost = 32, .parallelism = 4,
        .password = password, .password_len = sizeof(password),
        .salt = salt, .salt_len = sizeof(salt),
        .secret = secret, .secret_len = sizeof(secret),
        .associated = ad, .associated_len = sizeof(ad),
    };
    bool ok = argon2id_blocks_needed(32, 4) == 32 &&
              argon2id(tag, sizeof(tag), &p, work, 32) == CRYPTO_OK &&
              hex_input_equal(tag, sizeof(tag),
                        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    test_check(ok, "argon2id RFC 9106 section 5.3 vector (t=3, m=32 KiB, p=4, secret, ad)");
    bool wiped = true;
    for (size_t i = 0; i < 32; i++)
        for (size_t j = 0; j < 128; j++)
            wiped = wiped && work[i].v[j] == 0;
    test_check(wiped, "argon2id wipes the work memory it used");
}

/* Each out-of-range parameter gets its error code and a zeroed tag. */
static void test_argon2id_parameters(void)
{
    uint8_t salt[16] = { 0 }, tag[8];
    struct argon2id_params good = {
        .t_cost = 1, .m_cost = 8, .parallelism = 1, .salt = salt, .salt_len = 16,
    };
    struct {
        const char *what;
        struct argon2id_params p;
        size_t tag_len, blocks;
        enum crypto_result want;
    } cases[] = {
        { "valid minimum", good, 4, 8, CRYPTO_OK },
        { "tag length 3", good, 3, 8, CRYPTO_ERR_PARAMETER },
        { "t_cost 0", good, 8, 8, CRYPTO_ERR_PARAMETER },
        { "parallelism 0", good, 8, 8, CRYPTO_ERR_PARAMETER },
        { "parallelism 2^24", good, 8, 8, CRYPTO_ERR_PARAMETER },
        { "m_cost 7", good, 8, 8, CRYPTO_ERR_PARAMETER },
        { "m_cost below 8p", good, 8, 64, CRYPTO_ERR_PARAMETER },
        { "NULL password with length", good, 8, 8, CRYPTO_ERR_PARAMETER },
        { "salt longer than 2^32-1", good, 8, 8, CRYPTO_ERR_PARAMETER },
        { "work one block short", good, 8, 7, CRYPTO_ERR_MEMORY },
        { "m_cost 15 rounds down to 12", good, 8, 12, CRYPTO_OK },
    };
    cases[2].p.t_cost = 0;
    cases[3].p.parallelism = 0;
    cases[4].p.parallelism = 1u << 24;
    cases[4].p.m_cost = 0xffffffffu;
    cases[5].p.m_cost = 7;
    cases[6].p.parallelism = 8;
    cases[6].p.m_cost = 63;
    cases[7].p.password_len = 1;
    cases[8].p.salt_len = (size_t)0xffffffffu + 1;
    cases[10].p.m_cost = 15;
    bool ok = true;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(tag, 0xaa, sizeof(tag));
        enum crypto_result r = argon2id(tag, cases[i].tag_len, &cases[i].p, work, cases[i].blocks);
        bool zeroed = true;
        for (size_t j = 0; j < cases[i].tag_len && j < sizeof(tag); j++)
            zeroed = zeroed && tag[j] == 0;
        if (r != cases[i].want || (r != CRYPTO_OK && !zeroed)) {
            fprintf(stderr, "argon2id %s: got %s, want %s\n", cases[i].what,
                    crypto_result_message(r), crypto_result_message(cases[i].want));
            ok = false;
        }
    }
    ok = ok && argon2id(tag, 8, &good, NULL, 8) == CRYPTO_ERR_MEMORY &&
         argon2id(NULL, 8, &good, work, 8) == CRYPTO_ERR_PARAMETER &&
         argon2id(tag, 8, NULL, work, 8) == CRYPTO_ERR_PARAMETER;
    test_check(ok, "argon2id refuses out-of-range parameters (%zu cases) with the right code",
               sizeof(cases) / sizeof(cases[0]) + 3);
}

/* ---- the committed Argon2id corpus (tests/corpus/argon2id) ----
 * Files in the layout of tests/fuzz/argon2id_input.h, named after the exact
 * result argon2id must give (tests/host/corpus.h); ".length" for a file
 * shorter than the header. A refusal must also leave the tag zeroed. */

static unsigned corpus_not_zeroed;

static enum crypto_result corpus_argon2id(const char *name, const uint8_t *bytes, size_t len)
{
    static struct argon2id_block corpus_work[ARGON2ID_INPUT_MAX_BLOCKS];
    static uint8_t tag[ARGON2ID_INPUT_MAX_TAG];
    struct argon2id_input in;
    if (!argon2id_input_parse(&in, bytes, len))
        return CRYPTO_ERR_PARAMETER;
    memset(tag, 0xa5, sizeof tag);
    enum crypto_result r = argon2id(tag, in.tag_len, &in.params, corpus_work, in.blocks);
    bool zeroed = true;
    for (size_t i = 0; i < in.tag_len; i++)
        zeroed = zeroed && tag[i] == 0;
    if (r != CRYPTO_OK && !zeroed) {
        corpus_not_zeroed++;
        fprintf(stderr, "corpus %s: refused, tag not zeroed\n", name);
    }
    return r;
}

static int run_corpus(const char *directory)
{
    unsigned files = corpus_check("argon2id corpus", directory, corpus_argon2id);
    test_check(files > 0 && corpus_not_zeroed == 0,
               "argon2id corpus: every refusal among %u files leaves the tag zeroed "
               "(%u did not)", files, corpus_not_zeroed);
    return test_finish();
}

/* One corpus file: the header's values, then up to four fields as
 * hex_input specs (NULL: none; shorter than its length: cut short). */
static const struct argon2id_corpus_file {
    const char *name;
    uint8_t t, p;
    uint16_t m, tag, blocks;
    uint8_t lengths[4];
    const char *fields[4];
} argon2id_corpus[] = {
    { "bad-t-cost-0.parameter", 0, 1, 16, 32, 16, { 0 }, { NULL } },
    { "bad-parallelism-0.parameter", 1, 0, 16, 32, 16, { 0 }, { NULL } },
    { "bad-m-cost-7.parameter", 1, 1, 7, 32, 16, { 0 }, { NULL } },
    { "bad-m-cost-below-8p.parameter", 1, 2, 15, 32, 16, { 0 }, { NULL } },
    { "bad-tag-length-3.parameter", 1, 1, 16, 3, 16, { 0 }, { NULL } },
    { "bad-tag-length-3-and-no-work.parameter", 1, 1, 16, 3, 0, { 0 }, { NULL } },
    { "bad-work-one-block-short.memory", 1, 2, 32, 32, 31, { 0 }, { NULL } },
    { "bad-no-work.memory", 1, 1, 8, 32, 0, { 0 }, { NULL } },
    { "valid-minimum.ok", 1, 1, 8, 4, 8, { 0 }, { NULL } },
    { "valid-m-cost-15-rounds-down.ok", 1, 1, 15, 32, 12, { 0 }, { NULL } },
    { "valid-fields-cut-short.ok", 1, 1, 8, 16, 8, { 255, 255, 255, 255 }, { "t:short" } },
    { "valid-p1-libsodium-comparable.ok", 1, 1, 16, 32, 16, { 8, 16 },
      { "t:password", "t:SALTSALTSALTSALT" } },
    { "valid-long-tag-72.ok", 2, 1, 65, 72, 64, { 3, 16 }, { "t:abc", "t:SALTSALTSALTSALT" } },
    { "rfc9106-shape-p4.ok", 3, 4, 32, 32, 32, { 32, 16, 8, 12 },
      { "r:01:32", "r:02:16", "r:03:8", "r:04:12" } },
};

static int run_corpus_make(const char *directory)
{
    uint8_t bytes[ARGON2ID_INPUT_HEADER + 4 * 255];
    for (size_t i = 0; i < sizeof argon2id_corpus / sizeof argon2id_corpus[0]; i++) {
        const struct argon2id_corpus_file *c = &argon2id_corpus[i];
        const uint8_t header[ARGON2ID_INPUT_HEADER] = {
            c->t, c->p, (uint8_t)c->m, (uint8_t)(c->m >> 8), (uint8_t)c->tag,
            (uint8_t)(c->tag >> 8), (uint8_t)c->blocks, (uint8_t)(c->blocks >> 8),
            c->lengths[0], c->lengths[1], c->lengths[2], c->lengths[3],
        };
        size_t len = ARGON2ID_INPUT_HEADER;
        memcpy(bytes, header, len);
        for (int f = 0; f < 4 && c->fields[f] != NULL; f++)
            len += hex_input_bytes(c->fields[f], bytes + len, 255);
        corpus_write(directory, c->name, bytes, len);
        if (i == 0)
            corpus_write(directory, "header-short.length", bytes, ARGON2ID_INPUT_HEADER - 1);
    }
    return 0;
}

static int run_vectors(void)
{
    test_sha();
    test_hmac();
    test_hkdf();
    test_blake2b_abc();
    test_blake2b_selftest();
    test_blake2b_parameters();
    test_argon2id_rfc();
    test_argon2id_parameters();
    return test_finish();
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return run_vectors();
    if (argc == 3 && strcmp(argv[1], "corpus-make") == 0)
        return run_corpus_make(argv[2]);
    if (argc == 3 && strcmp(argv[1], "corpus") == 0)
        return run_corpus(argv[2]);
    fprintf(stderr, "usage: hash_vectors [corpus-make DIR | corpus DIR]\n");
    return 2;
}
