/* Tests of the curve area of lib/crypto: X25519 (RFC 7748), Ed25519
 * (RFC 8032), the field and scalar arithmetic under them.
 *
 *   curve_test vectors                  RFC vectors, constants, edge cases
 *   curve_test x25519-wycheproof FILE   lines "id private public shared result"
 *   curve_test ed25519-wycheproof FILE  lines "id public message signature result"
 *   curve_test differential COUNT       COUNT random inputs per primitive,
 *                                       compared with libsodium
 *   curve_test corpus-make DIR          writes the Ed25519 verify corpus
 *                                       (tests/corpus/ed25519 is its output)
 *   curve_test corpus DIR               checks each file of that corpus gives
 *                                       its exact result, and libsodium's decision
 * The random inputs come from a splitmix64 generator seeded from CURVE_SEED
 * (or the clock); the seed is printed so a failure can be replayed.
 * Hex "-" stands for the empty string in the line formats. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../host/test.h"
#include "crypto/ed25519.h"
#include "crypto/edwards25519.h"
#include "crypto/scalar25519.h"
#include "crypto/sha512.h"
#include "crypto/x25519.h"
#include "crypto/x25519_ladder.h"
#include "tests/host/corpus.h"
#include "tests/host/hex_input.h"

/* ---- helpers ---- */

static void hex32(uint8_t out[32], const char *hex)
{
    if (hex_input_decode(hex, out, 32) != 32) {
        fprintf(stderr, "bad test constant %s\n", hex);
        exit(2);
    }
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng_next();
}

static void rng_seed(void)
{
    const char *env = getenv("CURVE_SEED");
    rng_state = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    fprintf(stderr, "CURVE_SEED=%llu\n", (unsigned long long)rng_state);
}

/* ---- the X25519 ladders ----
 * x25519() runs one of two ladders, chosen when the program is loaded (see
 * x25519_ladder.h): on this machine's CPU the mulx one. Each test below that
 * checks x25519() also runs every ladder this build and CPU have directly,
 * so the portable ladder the kernel runs is checked on the host as well. */

typedef void ladder_fn(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]);

static const struct {
    const char *name;
    ladder_fn *run;
} ladders[] = {
    { "portable", x25519_ladder_portable },
#ifdef X25519_MULX
    { "mulx", x25519_ladder_mulx },
#endif
};
#define LADDER_COUNT (sizeof ladders / sizeof ladders[0])

/* False for a ladder this CPU cannot run (then it is reported, not run). */
static bool ladder_runs_here(size_t i)
{
#ifdef X25519_MULX
    if (ladders[i].run == x25519_ladder_mulx)
        return x25519_mulx_supported();
#endif
    (void)i;
    return true;
}

static void ladder_compute(size_t i, uint8_t out[32], const uint8_t scalar[32],
                           const uint8_t point[32])
{
    uint8_t k[32];
    memcpy(k, scalar, 32);
    k[0] &= 248; /* RFC 7748 §5 clamping, as x25519() does */
    k[31] &= 127;
    k[31] |= 64;
    ladders[i].run(out, k, point);
}

/* True when every ladder that runs here gives `expected` for (scalar, point). */
static bool ladders_agree(const uint8_t expected[32], const uint8_t scalar[32],
                          const uint8_t point[32])
{
    bool same = true;
    for (size_t i = 0; i < LADDER_COUNT; i++) {
        uint8_t out[32];
        if (!ladder_runs_here(i))
            continue;
        ladder_compute(i, out, scalar, point);
        same &= memcmp(out, expected, 32) == 0;
    }
    return same;
}

/* A ladder this build has but the CPU cannot run is a test that did not run. */
static void test_ladders_present(void)
{
    for (size_t i = 0; i < LADDER_COUNT; i++)
        test_check(ladder_runs_here(i), "x25519 %s ladder runs on this CPU (%zu ladders built)",
                   ladders[i].name, LADDER_COUNT);
}

/* ---- RFC 7748 ---- */

static void test_rfc7748_functions(void)
{
    static const char *const cases[2][3] = {
        { "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
          "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
          "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
        { "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
          "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
          "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
    };
    bool ok = true, ladder_ok[LADDER_COUNT];
    for (size_t j = 0; j < LADDER_COUNT; j++)
        ladder_ok[j] = ladder_runs_here(j);
    for (int i = 0; i < 2; i++) {
        uint8_t scalar[32], point[32], expected[32], out[32];
        hex32(scalar, cases[i][0]);
        hex32(point, cases[i][1]);
        hex32(expected, cases[i][2]);
        ok &= x25519(out, scalar, point) == CRYPTO_OK && memcmp(out, expected, 32) == 0;
        for (size_t j = 0; j < LADDER_COUNT; j++) {
            if (!ladder_runs_here(j))
                continue;
            ladder_compute(j, out, scalar, point);
            ladder_ok[j] &= memcmp(out, expected, 32) == 0;
        }
    }
    test_check(ok, "x25519 RFC 7748 5.2 test vectors (2)");
    for (size_t j = 0; j < LADDER_COUNT; j++)
        test_check(ladder_ok[j], "x25519 RFC 7748 5.2 test vectors (2), %s ladder called directly",
                   ladders[j].name);
}

/* k = u = 9; repeatedly k, u = X25519(k, u), k. */
/* With ladder < 0 through x25519(), else through that ladder directly. */
static bool x25519_iterate(long count, const char *expected_hex, int ladder)
{
    uint8_t k[32] = { 9 }, u[32] = { 9 }, out[32], expected[32];
    hex32(expected, expected_hex);
    for (long i = 0; i < count; i++) {
        if (ladder >= 0)
            ladder_compute((size_t)ladder, out, k, u);
        else if (x25519(out, k, u) != CRYPTO_OK)
            return false;
        memcpy(u, k, 32);
        memcpy(k, out, 32);
    }
    return memcmp(k, expected, 32) == 0;
}

static void test_rfc7748_iterations(void)
{
    static const char after_1[] = "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079";
    static const char after_1000[] =
        "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51";
    test_check(x25519_iterate(1, after_1, -1), "x25519 RFC 7748 5.2 after 1 iteration");
    test_check(x25519_iterate(1000, after_1000, -1), "x25519 RFC 7748 5.2 after 1,000 iterations");
    for (size_t i = 0; i < LADDER_COUNT; i++)
        if (ladder_runs_here(i))
            test_check(x25519_iterate(1000, after_1000, (int)i),
                       "x25519 RFC 7748 5.2 after 1,000 iterations, %s ladder called directly",
                       ladders[i].name);
    if (getenv("CURVE_MILLION"))
        test_check(x25519_iterate(1000000,
                                  "7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424",
                                  -1),
                   "x25519 RFC 7748 5.2 after 1,000,000 iterations");
}

static void test_rfc7748_diffie_hellman(void)
{
    uint8_t alice[32], bob[32], alice_public[32], bob_public[32], shared[32];
    uint8_t out_public[32], out_a[32], out_b[32];
    hex32(alice, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    hex32(alice_public, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    hex32(bob, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    hex32(bob_public, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    hex32(shared, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    bool ok = true;
    x25519_base(out_public, alice);
    ok &= memcmp(out_public, alice_public, 32) == 0;
    x25519_base(out_public, bob);
    ok &= memcmp(out_public, bob_public, 32) == 0;
    ok &= x25519(out_a, alice, bob_public) == CRYPTO_OK && memcmp(out_a, shared, 32) == 0;
    ok &= x25519(out_b, bob, alice_public) == CRYPTO_OK && memcmp(out_b, shared, 32) == 0;
    test_check(ok, "x25519 RFC 7748 6.1 Diffie-Hellman (public keys and shared secret)");
}

/* ---- RFC 8032 ---- */

static const char rfc8032_test1024_message[] =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1"
    "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
    "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a"
    "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
    "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10"
    "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
    "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d"
    "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
    "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b"
    "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
    "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
    "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
    "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d"
    "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
    "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7"
    "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
    "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09"
    "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
    "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161"
    "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
    "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca"
    "c60c905c15fc910840b94c00a0b9d0";

struct rfc8032_vector {
    const char *name, *seed, *public_key, *message, *signature;
};

static const struct rfc8032_vector rfc8032_vectors[] = {
    { "TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "-",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
    { "TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
    { "TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
    { "TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
      "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", rfc8032_test1024_message,
      "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03" },
    { "TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
      "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

static void test_rfc8032_vector(const struct rfc8032_vector *v)
{
    uint8_t seed[32], public_key[32], signature[64], message[1024];
    uint8_t out_public[32], out_secret[64], out_signature[64];
    hex32(seed, v->seed);
    hex32(public_key, v->public_key);
    long length = hex_input_decode(v->message, message, sizeof message);
    if (length < 0 || hex_input_decode(v->signature, signature, 64) != 64) {
        test_check(false, "ed25519 RFC 8032 7.1 %s: bad vector data", v->name);
        return;
    }
    struct ed25519_secret_key key;
    ed25519_keypair(out_public, out_secret, seed);
    ed25519_key_from_seed(&key, seed);
    const bool signed_ok = ed25519_sign(out_signature, message, (size_t)length, &key) == CRYPTO_OK;
    const bool keys = memcmp(out_public, public_key, 32) == 0 &&
                      memcmp(out_secret, seed, 32) == 0 && memcmp(out_secret + 32, public_key, 32) == 0 &&
                      memcmp(key.public_key, public_key, 32) == 0;
    const bool signs = signed_ok && memcmp(out_signature, signature, 64) == 0;
    const bool verifies = ed25519_verify(signature, message, (size_t)length, public_key) == CRYPTO_OK;
    signature[length % 64] ^= 0x10;
    const bool rejects = ed25519_verify(signature, message, (size_t)length, public_key) != CRYPTO_OK;
    test_check(keys && signs && verifies && rejects,
               "ed25519 RFC 8032 7.1 %s (%ld-byte message): key %s, signature %s, verify %s, "
               "tampered %s", v->name, length, keys ? "ok" : "WRONG", signs ? "ok" : "WRONG",
               verifies ? "ok" : "REJECTED", rejects ? "rejected" : "ACCEPTED");
}

/* ---- constants and edge cases ---- */

static void test_constants(void)
{
    struct field_element t, u;
    uint8_t bytes[32], expected[32];
    bool ok = true;
    field_mul_small(&t, &edwards_d, 121666);            /* d * 121666 = -121665 */
    field_zero(&u);
    u.limb[0] = 121665;
    field_add(&t, &t, &u);
    ok &= field_is_zero(&t) == 1;
    field_add(&t, &edwards_d, &edwards_d);              /* 2d */
    field_sub(&t, &t, &edwards_d2);
    ok &= field_is_zero(&t) == 1;
    field_square(&t, &field_sqrt_minus_one);            /* sqrt(-1)^2 = -1 */
    field_one(&u);
    field_add(&t, &t, &u);
    ok &= field_is_zero(&t) == 1;
    edwards_encode(bytes, &edwards_base_point);         /* B encodes as 4/5, x even */
    hex32(expected, "5866666666666666666666666666666666666666666666666666666666666666");
    ok &= memcmp(bytes, expected, 32) == 0;
    struct edwards_point b;
    ok &= edwards_decode_vartime(&b, expected) == CRYPTO_OK;
    field_mul(&t, &b.x, &b.y);                          /* T = xy */
    field_sub(&t, &t, &edwards_base_point.t);
    ok &= field_is_zero(&t) == 1;
    test_check(ok, "curve constants d, 2d, sqrt(-1), base point recomputed");
}

/* The five y-coordinates of edwards_is_small_order, with both signs where a
 * point exists, are exactly points P with [8]P = 0; B is not. */
static void test_small_order(void)
{
    static const char *const ys[5] = {
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    };
    int points = 0;
    bool ok = true;
    for (int i = 0; i < 5; i++) {
        for (int sign = 0; sign < 2; sign++) {
            uint8_t bytes[32];
            struct edwards_point p;
            hex32(bytes, ys[i]);
            bytes[31] |= (uint8_t)(sign << 7);
            ok &= edwards_is_small_order(bytes);
            if (edwards_decode_vartime(&p, bytes) != CRYPTO_OK)
                continue;
            points++;
            edwards_double_times(&p, 3);
            ok &= edwards_is_identity_vartime(&p);
        }
    }
    uint8_t base[32];
    edwards_encode(base, &edwards_base_point);
    ok &= !edwards_is_small_order(base);
    test_check(ok && points == 8, "ed25519 small-order list: %d points decode, all of order <= 8",
               points);
}

static void test_field_edges(void)
{
    /* p, p + 1, 2^255 - 1 and p - 1 in little-endian, with what they reduce to. */
    uint8_t bytes[32], out[32], expected[32];
    struct field_element f;
    bool ok = true;
    static const char *const cases[4][3] = {
        { "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "00", "0" },
        { "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "01", "0" },
        { "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "12", "0" },
        { "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "ec", "1" },
    };
    for (int i = 0; i < 4; i++) {
        hex32(bytes, cases[i][0]);
        field_from_bytes(&f, bytes);
        field_to_bytes(out, &f);
        memcpy(expected, bytes, 32);
        if (cases[i][2][0] == '0') {
            memset(expected, 0, 32);
            expected[0] = (uint8_t)strtoul(cases[i][1], NULL, 16);
        }
        ok &= memcmp(out, expected, 32) == 0;
        ok &= field_is_canonical(bytes) == (cases[i][2][0] == '1');
    }
    test_check(ok, "field25519 reduction and canonical check at p - 1, p, p + 1, 2^255 - 1");
}

/* Adds L to the 32-byte little-endian s (S < L, so S + L < 2^254). */
static void add_group_order(uint8_t s[32])
{
    static const uint8_t order[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                       0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                       [31] = 0x10 };
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        carry += (unsigned)s[i] + order[i];
        s[i] = (uint8_t)carry;
        carry >>= 8;
    }
}

/* Each kind of bad input gets its documented code (ed25519.h), starting from
 * RFC 8032 TEST 2. */
static void test_verify_error_codes(void)
{
    const struct rfc8032_vector *v = &rfc8032_vectors[1];
    uint8_t public_key[32], signature[64], message[1] = { 0x72 }, bad_key[32], bad_sig[64];
    hex32(public_key, v->public_key);
    hex_input_decode(v->signature, signature, 64);
    int wrong = 0;
#define EXPECT(code, sig, key, msg_len)                                          \
    do {                                                                       \
        enum crypto_result r_ = ed25519_verify(sig, message, msg_len, key);    \
        if (r_ != (code)) {                                                    \
            wrong++;                                                           \
            fprintf(stderr, "verify error code line %d: got %d\n", __LINE__, r_); \
        }                                                                      \
    } while (0)
    EXPECT(CRYPTO_OK, signature, public_key, 1);
    EXPECT(CRYPTO_ERR_VERIFY, signature, public_key, 0);          /* other message */
    memcpy(bad_sig, signature, 64);
    add_group_order(bad_sig + 32);                                /* S + L */
    EXPECT(CRYPTO_ERR_ENCODING, bad_sig, public_key, 1);
    memcpy(bad_sig, signature, 64);
    memset(bad_sig, 0xff, 32);                                    /* R: y = 2^255 - 1 */
    bad_sig[31] = 0x7f;
    EXPECT(CRYPTO_ERR_ENCODING, bad_sig, public_key, 1);
    memset(bad_sig, 0, 32);                                       /* R = identity */
    bad_sig[0] = 1;
    EXPECT(CRYPTO_ERR_WEAK_KEY, bad_sig, public_key, 1);
    memset(bad_key, 0, 32);                                       /* A = (0, -1), order 2 */
    hex32(bad_key, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    EXPECT(CRYPTO_ERR_WEAK_KEY, signature, bad_key, 1);
    bad_key[0] = 0xee;                                            /* A: y = p + 1 */
    EXPECT(CRYPTO_ERR_ENCODING, signature, bad_key, 1);
    memset(bad_key, 0, 32);                                       /* A: first y off the curve */
    struct edwards_point point;
    for (bad_key[0] = 2; edwards_decode_vartime(&point, bad_key) == CRYPTO_OK; bad_key[0]++)
        ;
    EXPECT(CRYPTO_ERR_ENCODING, signature, bad_key, 1);
#undef EXPECT
    test_check(wrong == 0, "ed25519_verify error codes: ok, wrong message, S + L, non-canonical R, "
                           "small-order R, small-order A, non-canonical A, A off the curve "
                           "(%d wrong)", wrong);
}

/* Reference arithmetic mod p on 4-word integers, slow and simple: the
 * product in 8 words, folded with 2^256 = 38 (mod p), then p subtracted
 * while the value is at least p. */
static void reference_reduce_words(uint64_t x[4], uint64_t high)
{
    while (high != 0) { /* x + high * 2^256 = x + 38 high */
        unsigned __int128 carry = (unsigned __int128)high * 38;
        for (int i = 0; i < 4; i++) {
            carry += x[i];
            x[i] = (uint64_t)carry;
            carry >>= 64;
        }
        high = (uint64_t)carry;
    }
    const uint64_t p[4] = { 0xffffffffffffffedULL, ~0ULL, ~0ULL, 0x7fffffffffffffffULL };
    for (;;) {
        int i = 3;
        while (i >= 0 && x[i] == p[i])
            i--;
        if (i >= 0 && x[i] < p[i])
            return;
        unsigned __int128 borrow = 0;
        for (int j = 0; j < 4; j++) {
            unsigned __int128 t = (unsigned __int128)x[j] - p[j] - (uint64_t)borrow;
            x[j] = (uint64_t)t;
            borrow = (t >> 64) & 1;
        }
    }
}

static void reference_mul(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    uint64_t aw[4], bw[4], product[8] = { 0 }, x[4];
    memcpy(aw, a, 32); /* little-endian host */
    memcpy(bw, b, 32);
    for (int i = 0; i < 4; i++) {
        unsigned __int128 carry = 0;
        for (int j = 0; j < 4; j++) {
            carry += (unsigned __int128)aw[i] * bw[j] + product[i + j];
            product[i + j] = (uint64_t)carry;
            carry >>= 64;
        }
        product[i + 4] = (uint64_t)carry;
    }
    memcpy(x, product, 32);
    for (int k = 3; k >= 0; k--) { /* x += 38 * product[4 + k] * 2^(64 k) */
        unsigned __int128 carry = (unsigned __int128)product[4 + k] * 38;
        for (int i = k; i < 4; i++) {
            carry += x[i];
            x[i] = (uint64_t)carry;
            carry >>= 64;
        }
        reference_reduce_words(x, (uint64_t)carry);
    }
    reference_reduce_words(x, 0);
    memcpy(out, x, 32);
}

/* field_mul and field_square on inputs at their documented bound (limbs
 * below 2^54, including all limbs at the maximum), against the reference. */
static void test_field_bounds(void)
{
    long wrong = 0;
    const uint64_t max = (UINT64_C(1) << 54) - 1;
    for (int i = 0; i < 20000; i++) {
        struct field_element f, g, h;
        uint8_t fb[32], gb[32], expected[32], out[32];
        for (int j = 0; j < 5; j++) {
            f.limb[j] = i < 2 ? max : rng_next() % (max + 1);
            g.limb[j] = i < 1 ? max : (i % 3 == 0 ? max - rng_next() % 1024 : rng_next() % (max + 1));
        }
        field_to_bytes(fb, &f);
        field_to_bytes(gb, &g);
        reference_mul(expected, fb, gb);
        field_mul(&h, &f, &g);
        field_to_bytes(out, &h);
        wrong += memcmp(out, expected, 32) != 0;
        reference_mul(expected, fb, fb);
        field_square(&h, &f);
        field_to_bytes(out, &h);
        wrong += memcmp(out, expected, 32) != 0;
    }
    test_check(wrong == 0, "field25519 mul and square with limbs up to 2^54 vs reference "
                           "arithmetic: 20000 pairs, %ld wrong", wrong);
}

/* ---- signing with a public half that is not the seed's ---- */

/* Two signatures of one message with equal R and different S are the leak:
 * S - S' = (k - k')s mod L gives the secret scalar s. */
static bool signatures_leak(const uint8_t genuine[64], const uint8_t other[64])
{
    return memcmp(genuine, other, 32) == 0 && memcmp(genuine + 32, other + 32, 32) != 0;
}

/* Nothing is revealed when signing is refused with an all-zero signature,
 * or when what comes out is the genuine signature under the real key. */
static bool nothing_revealed(enum crypto_result result, const uint8_t signature[64],
                             const uint8_t genuine[64], const uint8_t *message, size_t length,
                             const uint8_t real_public[32])
{
    static const uint8_t zero[64];
    if (result != CRYPTO_OK)
        return result == CRYPTO_ERR_PARAMETER && memcmp(signature, zero, 64) == 0;
    return memcmp(signature, genuine, 64) == 0 &&
           ed25519_verify(signature, message, length, real_public) == CRYPTO_OK;
}

static void test_sign_mismatched_public_half(void)
{
    uint8_t seed[32], other_seed[32], other_public[32], other_secret[64], message[100];
    uint8_t genuine[64], signature[64];
    rng_fill(seed, 32);
    rng_fill(other_seed, 32);
    rng_fill(message, sizeof message);
    ed25519_keypair(other_public, other_secret, other_seed);
    struct ed25519_secret_key key, tampered;
    ed25519_key_from_seed(&key, seed);
    bool ok = ed25519_sign(genuine, message, sizeof message, &key) == CRYPTO_OK &&
              ed25519_verify(genuine, message, sizeof message, key.public_key) == CRYPTO_OK;
    test_check(ok, "ed25519_sign with its own key: a valid signature");

    /* libsodium trusts the stored half: the weakness this guards against is
     * real, and signatures_leak sees it. */
    uint8_t sodium_secret[64], sodium_signature[64];
    memcpy(sodium_secret, seed, 32);
    memcpy(sodium_secret + 32, other_public, 32);
    crypto_sign_detached(sodium_signature, NULL, message, sizeof message, sodium_secret);
    test_check(signatures_leak(genuine, sodium_signature),
               "ed25519 mismatched public half: libsodium's signature shares R with the genuine "
               "one (the leak the check below must find absent)");

    const char *const kinds[5] = { "another key's public half", "one flipped bit of A",
                                   "one flipped bit of the check",
                                   "one flipped bit of the nonce prefix",
                                   "one flipped bit of the scalar" };
    for (int kind = 0; kind < 5; kind++) {
        tampered = key;
        uint8_t bit = (uint8_t)(1u << rng_next() % 8);
        if (kind == 0)
            memcpy(tampered.public_key, other_public, 32);
        else if (kind == 1)
            tampered.public_key[rng_next() % 32] ^= bit;
        else if (kind == 2)
            tampered.check[rng_next() % 32] ^= bit;
        else if (kind == 3)
            tampered.expanded[32 + rng_next() % 32] ^= bit;
        else
            tampered.expanded[1 + rng_next() % 30] ^= bit;
        memset(signature, 0xa5, sizeof signature);
        enum crypto_result r = ed25519_sign(signature, message, sizeof message, &tampered);
        test_check(nothing_revealed(r, signature, genuine, message, sizeof message,
                                    key.public_key) && !signatures_leak(genuine, signature),
                   "ed25519_sign with %s: %s (nothing about the secret scalar revealed)",
                   kinds[kind], crypto_result_message(r));
    }
    crypto_wipe(&key, sizeof key);
    crypto_wipe(&tampered, sizeof tampered);
}

static int run_vectors(void)
{
    test_ladders_present();
    test_rfc7748_functions();
    test_rfc7748_iterations();
    test_rfc7748_diffie_hellman();
    for (size_t i = 0; i < sizeof rfc8032_vectors / sizeof rfc8032_vectors[0]; i++)
        test_rfc8032_vector(&rfc8032_vectors[i]);
    test_verify_error_codes();
    test_sign_mismatched_public_half();
    test_constants();
    test_small_order();
    test_field_edges();
    test_field_bounds();
    return test_finish();
}

/* ---- Wycheproof ---- */

static int run_x25519_wycheproof(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        test_check(false, "x25519 Wycheproof: cannot open %s", path);
        return test_finish();
    }
    char id[16], private_hex[80], public_hex[80], shared_hex[80], result[16];
    int total = 0, failures = 0, acceptable = 0, weak = 0;
    while (fscanf(file, "%15s %79s %79s %79s %15s", id, private_hex, public_hex, shared_hex,
                  result) == 5) {
        uint8_t scalar[32], point[32], shared[32], out[32], zero[32] = { 0 };
        hex32(scalar, private_hex);
        hex32(point, public_hex);
        hex32(shared, shared_hex);
        total++;
        acceptable += strcmp(result, "acceptable") == 0;
        const enum crypto_result r = x25519(out, scalar, point);
        const bool zero_expected = memcmp(shared, zero, 32) == 0;
        weak += zero_expected;
        /* valid and acceptable alike: the exact RFC 7748 output; the all-zero
         * output is reported as a weak key. Wycheproof has no invalid X25519
         * vectors here. */
        const bool ok = memcmp(out, shared, 32) == 0 && strcmp(result, "invalid") != 0 &&
                        r == (zero_expected ? CRYPTO_ERR_WEAK_KEY : CRYPTO_OK) &&
                        ladders_agree(shared, scalar, point);
        if (!ok) {
            failures++;
            fprintf(stderr, "x25519 wycheproof tcId %s failed\n", id);
        }
    }
    fclose(file);
    test_check(failures == 0 && total > 0,
               "x25519 Wycheproof %d vectors (%d acceptable, %d all-zero -> weak key; x25519() "
               "and each of the %zu ladders): %d wrong",
               total, acceptable, weak, LADDER_COUNT, failures);
    return test_finish();
}

static int run_ed25519_wycheproof(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        test_check(false, "ed25519 Wycheproof: cannot open %s", path);
        return test_finish();
    }
    static char message_hex[65536], signature_hex[1024];
    static uint8_t message[32768], signature[512];
    char id[16], public_hex[80], result[16];
    int total = 0, valid = 0, failures = 0;
    while (fscanf(file, "%15s %79s %65535s %1023s %15s", id, public_hex, message_hex,
                  signature_hex, result) == 5) {
        uint8_t public_key[32];
        hex32(public_key, public_hex);
        long length = hex_input_decode(message_hex, message, sizeof message);
        long signature_length = hex_input_decode(signature_hex, signature, sizeof signature);
        total++;
        const bool expect_valid = strcmp(result, "valid") == 0;
        valid += expect_valid;
        /* A signature that is not 64 bytes long cannot be passed at all: the
         * API takes exactly 64 bytes, so the caller rejects it. */
        const bool accepted = length >= 0 && signature_length == 64 &&
                              ed25519_verify(signature, message, (size_t)length, public_key) ==
                                  CRYPTO_OK;
        if (accepted != expect_valid || strcmp(result, "acceptable") == 0) {
            failures++;
            fprintf(stderr, "ed25519 wycheproof tcId %s: expected %s\n", id, result);
        }
    }
    fclose(file);
    test_check(failures == 0 && total > 0,
               "ed25519 Wycheproof %d vectors (%d valid accepted, %d invalid rejected): %d wrong",
               total, valid, total - valid, failures);
    return test_finish();
}

/* ---- differential tests against libsodium ---- */

/* u-coordinates that make every X25519 output zero: 0, 1, the two of order
 * 8, p - 1, p, p + 1 (the last two non-canonical). */
static const char *const x25519_small_order_u[7] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

static void differential_x25519(long count)
{
    long mismatches = 0, weak = 0, small_inputs = 0, ladder_mismatches = 0;
    for (long i = 0; i < count; i++) {
        uint8_t scalar[32], point[32], ours[32], theirs[32];
        rng_fill(scalar, 32);
        rng_fill(point, 32);
        if (i % 16 == 0) { /* a small-order point, either top bit */
            hex32(point, x25519_small_order_u[rng_next() % 7]);
            point[31] |= (uint8_t)(rng_next() & 0x80);
            small_inputs++;
        }
        const enum crypto_result r = x25519(ours, scalar, point);
        const int s = crypto_scalarmult(theirs, scalar, point);
        const bool same = r == CRYPTO_OK ? s == 0 && memcmp(ours, theirs, 32) == 0
                                         : r == CRYPTO_ERR_WEAK_KEY && s == -1;
        weak += r == CRYPTO_ERR_WEAK_KEY;
        mismatches += !same;
        ladder_mismatches += !ladders_agree(ours, scalar, point);
    }
    test_check(mismatches == 0,
               "x25519 vs libsodium crypto_scalarmult: %ld random inputs (%ld small-order points, "
               "%ld weak-key rejections agree), %ld mismatches", count, small_inputs, weak,
               mismatches);
    test_check(ladder_mismatches == 0,
               "x25519 ladders called directly (%zu: portable%s) equal x25519(): %ld random "
               "inputs, %ld mismatches", LADDER_COUNT, LADDER_COUNT > 1 ? ", mulx" : "", count,
               ladder_mismatches);
}

static void differential_x25519_base(long count)
{
    long mismatches = 0;
    for (long i = 0; i < count; i++) {
        uint8_t scalar[32], ours[32], theirs[32];
        rng_fill(scalar, 32);
        x25519_base(ours, scalar);
        mismatches += crypto_scalarmult_base(theirs, scalar) != 0 || memcmp(ours, theirs, 32) != 0;
    }
    test_check(mismatches == 0,
               "x25519_base vs libsodium crypto_scalarmult_base: %ld random scalars, %ld mismatches",
               count, mismatches);
}

static void differential_keypair_sign(long count)
{
    long key_mismatches = 0, signature_mismatches = 0;
    for (long i = 0; i < count; i++) {
        uint8_t seed[32], message[256], ours_pk[32], ours_sk[64], theirs_pk[32], theirs_sk[64];
        uint8_t ours_sig[64], theirs_sig[64];
        rng_fill(seed, 32);
        const size_t length = rng_next() % sizeof message;
        rng_fill(message, length);
        ed25519_keypair(ours_pk, ours_sk, seed);
        crypto_sign_seed_keypair(theirs_pk, theirs_sk, seed);
        key_mismatches += memcmp(ours_pk, theirs_pk, 32) != 0 || memcmp(ours_sk, theirs_sk, 64) != 0;
        struct ed25519_secret_key key;
        ed25519_key_from_seed(&key, seed);
        if (ed25519_sign(ours_sig, message, length, &key) != CRYPTO_OK)
            memset(ours_sig, 0, sizeof ours_sig);
        crypto_sign_detached(theirs_sig, NULL, message, length, theirs_sk);
        signature_mismatches += memcmp(ours_sig, theirs_sig, 64) != 0;
    }
    test_check(key_mismatches == 0,
               "ed25519_keypair vs libsodium crypto_sign_seed_keypair: %ld random seeds, %ld mismatches",
               count, key_mismatches);
    test_check(signature_mismatches == 0,
               "ed25519_sign vs libsodium crypto_sign_detached: %ld random messages, %ld signatures "
               "not byte-identical", count, signature_mismatches);
}

/* encoding = encoding of (decoded point + small-order point number k). */
static void add_small_order(uint8_t encoding[32], unsigned k)
{
    static const char *const ys[4] = {
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    };
    uint8_t t_bytes[32];
    struct edwards_point p, t;
    struct edwards_cached t_cached;
    struct edwards_completed sum;
    /* The seven non-neutral points: (0, -1), then y = 0, y8a, y8b each with
     * both signs of x. */
    k %= 7;
    hex32(t_bytes, ys[(k + 1) / 2]);
    t_bytes[31] |= (uint8_t)(k == 0 ? 0 : ((k + 1) % 2) << 7);
    if (edwards_decode_vartime(&p, encoding) != CRYPTO_OK ||
        edwards_decode_vartime(&t, t_bytes) != CRYPTO_OK) {
        fprintf(stderr, "add_small_order: cannot decode\n");
        exit(2);
    }
    edwards_to_cached(&t_cached, &t);
    edwards_add_cached(&sum, &p, &t_cached);
    edwards_to_extended(&p, &sum);
    edwards_encode(encoding, &p);
}

/* k = SHA-512(R || A || M) mod L */
static void challenge_of(uint8_t k[32], const uint8_t r[32], const uint8_t public_key[32],
                         const uint8_t *message, size_t length)
{
    struct sha512_state state;
    uint8_t digest[64];
    sha512_init(&state);
    sha512_update(&state, r, 32);
    sha512_update(&state, public_key, 32);
    sha512_update(&state, message, length);
    sha512_final(&state, digest);
    scalar_reduce(k, digest);
}

/* A small-order R that satisfies the cofactorless equation when R is the
 * identity: S = k a, so [S]B - [k]A = 0 = R. Only the small-order rule
 * rejects it. Every other choice of R (of order 2, 4, 8) fails the equation. */
static void forge_small_order_r(uint8_t signature[64], const uint8_t *message, size_t length,
                                const uint8_t public_key[32], const uint8_t seed[32], unsigned r)
{
    uint8_t expanded[64], k[32], zero[32] = { 0 };
    memset(signature, 0, 32);
    signature[0] = 1;
    if (r % 2)
        add_small_order(signature, r / 2);
    sha512(seed, 32, expanded);
    expanded[0] &= 248;
    expanded[31] = (uint8_t)((expanded[31] & 127) | 64);
    challenge_of(k, signature, public_key, message, length);
    scalar_muladd(signature + 32, k, expanded, zero);
}

/* A small-order key A with R = [s]B, S = s: [S]B - [k]A = R exactly when
 * [k]A = 0, always for the identity, which only the small-order rule
 * rejects. */
static void forge_small_order_key(uint8_t signature[64], uint8_t public_key[32], unsigned r)
{
    uint8_t wide[64];
    struct edwards_point point;
    memset(public_key, 0, 32);
    public_key[0] = 1;
    if (r % 2)
        add_small_order(public_key, r / 2);
    rng_fill(wide, 64);
    scalar_reduce(signature + 32, wide);
    edwards_scalarmult_base(&point, signature + 32);
    edwards_encode(signature, &point);
}

#define TAMPER_KINDS 12
static const char *const tamper_names[TAMPER_KINDS] = {
    "none", "signature bit", "message bit", "key bit", "random signature", "random key",
    "S + L", "small-order R", "small-order key", "non-canonical R or key", "R + torsion",
    "mixed-order key",
};

/* Builds one verification case of the given kind from a fresh key pair. */
static void make_verify_case(int kind, uint8_t signature[64], uint8_t *message, size_t *length,
                             uint8_t public_key[32])
{
    uint8_t seed[32], secret_key[64];
    rng_fill(seed, 32);
    *length = 1 + rng_next() % 127;
    rng_fill(message, *length);
    ed25519_keypair(public_key, secret_key, seed);
    if (kind == 11) { /* sign with A + T in the hash: valid when [k]T = 0. Our
                       * signing refuses a foreign public half, libsodium's
                       * trusts it, so libsodium makes this one. */
        add_small_order(public_key, (unsigned)rng_next());
        memcpy(secret_key + 32, public_key, 32);
        crypto_sign_detached(signature, NULL, message, *length, secret_key);
    } else {
        struct ed25519_secret_key key;
        ed25519_key_from_seed(&key, seed);
        if (ed25519_sign(signature, message, *length, &key) != CRYPTO_OK)
            abort();
        crypto_wipe(&key, sizeof key);
    }
    const unsigned r = (unsigned)rng_next();
    switch (kind) {
    case 1: signature[r / 8 % 64] ^= (uint8_t)(1 << r % 8); break;
    case 2: message[r / 8 % *length] ^= (uint8_t)(1 << r % 8); break;
    case 3: public_key[r / 8 % 32] ^= (uint8_t)(1 << r % 8); break;
    case 4: rng_fill(signature, 64); break;
    case 5: rng_fill(public_key, 32); break;
    case 6: add_group_order(signature + 32); break;
    case 7: forge_small_order_r(signature, message, *length, public_key, seed, r); break;
    case 8: forge_small_order_key(signature, public_key, r); break;
    case 9: { uint8_t *target = (r & 1) ? signature : public_key;
              memset(target, 0xff, 32);                 /* y in [p, 2^255): never canonical */
              target[0] = (uint8_t)(0xed + r / 2 % 19);
              target[31] = (uint8_t)((r & 2) ? 0xff : 0x7f); } break;
    case 10: add_small_order(signature, r); break;
    default: break;
    }
}

static void differential_verify(long count)
{
    long accepted[TAMPER_KINDS] = { 0 }, total[TAMPER_KINDS] = { 0 }, disagreements = 0;
    for (long i = 0; i < count; i++) {
        const int kind = (int)(i % TAMPER_KINDS);
        uint8_t signature[64], message[128], public_key[32];
        size_t length;
        make_verify_case(kind, signature, message, &length, public_key);
        const bool ours = ed25519_verify(signature, message, length, public_key) == CRYPTO_OK;
        const bool theirs = crypto_sign_verify_detached(signature, message, length, public_key) == 0;
        total[kind]++;
        accepted[kind] += ours;
        if (ours != theirs) {
            disagreements++;
            fprintf(stderr, "verify disagreement (%s): ours %d libsodium %d\n", tamper_names[kind],
                    ours, theirs);
        }
    }
    for (int k = 0; k < TAMPER_KINDS; k++)
        fprintf(stderr, "  verify %-24s %ld cases, %ld accepted by both\n", tamper_names[k],
                total[k], accepted[k]);
    test_check(disagreements == 0,
               "ed25519_verify vs libsodium crypto_sign_verify_detached: %ld cases over %d kinds of "
               "tampering (untouched %ld/%ld accepted, mixed-order key %ld/%ld), %ld disagreements",
               count, TAMPER_KINDS, accepted[0], total[0], accepted[11], total[11], disagreements);
}

static void differential_scalar(long count)
{
    long mismatches = 0;
    for (long i = 0; i < count; i++) {
        uint8_t wide[64], ours[32], theirs[32], a[32], b[32], c[32], a_wide[64] = { 0 }, t[32];
        rng_fill(wide, 64);
        if (i % 64 == 0)
            memset(wide, 0xff, 64); /* the largest input */
        scalar_reduce(ours, wide);
        crypto_core_ed25519_scalar_reduce(theirs, wide);
        mismatches += memcmp(ours, theirs, 32) != 0;
        /* a * b + c with a any 32 bytes (as the clamped secret), b and c < L */
        rng_fill(a, 32);
        rng_fill(wide, 64);
        crypto_core_ed25519_scalar_reduce(b, wide);
        rng_fill(wide, 64);
        crypto_core_ed25519_scalar_reduce(c, wide);
        scalar_muladd(ours, a, b, c);
        memcpy(a_wide, a, 32);
        crypto_core_ed25519_scalar_reduce(t, a_wide);
        crypto_core_ed25519_scalar_mul(theirs, t, b);
        crypto_core_ed25519_scalar_add(theirs, theirs, c);
        mismatches += memcmp(ours, theirs, 32) != 0;
        mismatches += scalar_is_canonical(ours) != 1;
    }
    test_check(mismatches == 0,
               "scalar25519 reduce and muladd vs libsodium crypto_core_ed25519_scalar_*: %ld random "
               "inputs each, %ld mismatches", count, mismatches);
}

static int run_differential(long count)
{
    rng_seed();
    differential_scalar(count);
    differential_x25519(count);
    differential_x25519_base(count);
    differential_keypair_sign(count);
    differential_verify(count);
    return test_finish();
}

/* ---- the committed Ed25519 verify corpus (tests/corpus/ed25519) ----
 * Files in the layout of tests/fuzz/fuzz_ed25519.c: signature (64) || public
 * key (32) || message, named after the result ed25519_verify must give
 * (tests/host/corpus.h). Shorter than 96 bytes is ".length": no verify call. */

#define CORPUS_HEAD (ED25519_SIGNATURE_SIZE + ED25519_PUBLIC_KEY_SIZE)

static unsigned corpus_sodium_disagreements;

static enum crypto_result corpus_verify(const char *name, const uint8_t *bytes, size_t len)
{
    if (len < CORPUS_HEAD)
        return CRYPTO_ERR_PARAMETER;
    const uint8_t *message = bytes + CORPUS_HEAD;
    enum crypto_result ours = ed25519_verify(bytes, message, len - CORPUS_HEAD, bytes + 64);
    bool theirs = crypto_sign_verify_detached(bytes, message, len - CORPUS_HEAD, bytes + 64) == 0;
    if ((ours == CRYPTO_OK) != theirs) {
        corpus_sodium_disagreements++;
        fprintf(stderr, "corpus %s: ours %s, libsodium %s\n", name, crypto_result_message(ours),
                theirs ? "accepts" : "rejects");
    }
    return ours;
}

static int run_corpus(const char *directory)
{
    unsigned files = corpus_check("ed25519 verify corpus", directory, corpus_verify);
    test_check(files > 0 && corpus_sodium_disagreements == 0,
               "ed25519 verify corpus: libsodium crypto_sign_verify_detached makes the same "
               "decision on each of %u files (%u differ)", files, corpus_sodium_disagreements);
    return test_finish();
}

/* y = p + k for the first k >= 2 that is the y of a curve point: a
 * non-canonical encoding of a valid point, refused before decoding. */
static void corpus_noncanonical_point(uint8_t encoding[32])
{
    struct edwards_point point;
    uint8_t k[32] = { 2 };
    while (edwards_decode_vartime(&point, k) != CRYPTO_OK)
        k[0]++;
    memset(encoding, 0xff, 32);
    encoding[0] = (uint8_t)(0xed + k[0]); /* p = 2^255 - 19; k <= 18 */
    encoding[31] = 0x7f;
}

/* The valid triple every case starts from: RFC 8032 TEST 3 (2-byte message). */
struct corpus_case {
    uint8_t bytes[CORPUS_HEAD + 4];
    size_t len;
};

static void corpus_valid(struct corpus_case *c)
{
    const struct rfc8032_vector *v = &rfc8032_vectors[2];
    hex_input_bytes(v->signature, c->bytes, 64);
    hex32(c->bytes + 64, v->public_key);
    c->len = CORPUS_HEAD + hex_input_bytes(v->message, c->bytes + CORPUS_HEAD, 4);
}

/* The message signed by another key (RFC 8032 TEST 1's seed). */
static void corpus_other_key(struct corpus_case *c)
{
    struct ed25519_secret_key key;
    uint8_t seed[32];
    hex32(seed, rfc8032_vectors[0].seed);
    ed25519_key_from_seed(&key, seed);
    if (ed25519_sign(c->bytes, c->bytes + CORPUS_HEAD, c->len - CORPUS_HEAD, &key) != CRYPTO_OK)
        exit(2);
    crypto_wipe(&key, sizeof key);
}

/* R or A encodings that are refused before or instead of the equation. */
static void corpus_point_cases(const char *directory)
{
    struct corpus_case c;
#define POINT_CASE(name, change)                              \
    do {                                                      \
        corpus_valid(&c);                                     \
        change;                                               \
        corpus_write(directory, name, c.bytes, c.len);        \
    } while (0)
    POINT_CASE("r-noncanonical.encoding", corpus_noncanonical_point(c.bytes));
    POINT_CASE("a-noncanonical.encoding", corpus_noncanonical_point(c.bytes + 64));
    POINT_CASE("r-y-equals-p.encoding", { corpus_noncanonical_point(c.bytes); c.bytes[0] = 0xed; });
    POINT_CASE("a-y-equals-p-plus-1.encoding",
               { corpus_noncanonical_point(c.bytes + 64); c.bytes[64] = 0xee; });
    POINT_CASE("a-off-curve.encoding", {
        struct edwards_point point;
        memset(c.bytes + 64, 0, 32);
        for (c.bytes[64] = 2; edwards_decode_vartime(&point, c.bytes + 64) == CRYPTO_OK;)
            c.bytes[64]++;
    });
    POINT_CASE("r-off-curve.verify", {
        struct edwards_point point;
        memset(c.bytes, 0, 32);
        for (c.bytes[0] = 2; edwards_decode_vartime(&point, c.bytes) == CRYPTO_OK;)
            c.bytes[0]++;
    });
    POINT_CASE("r-identity-equation-holds.weak-key", {
        uint8_t seed[32];
        hex32(seed, rfc8032_vectors[2].seed);
        forge_small_order_r(c.bytes, c.bytes + CORPUS_HEAD, c.len - CORPUS_HEAD, c.bytes + 64,
                            seed, 0);
    });
    POINT_CASE("r-order-8.weak-key", { memset(c.bytes, 0, 32); c.bytes[0] = 1;
                                       add_small_order(c.bytes, 4); });
    POINT_CASE("r-plus-order-8.verify", add_small_order(c.bytes, 4));
    POINT_CASE("a-identity-equation-holds.weak-key", forge_small_order_key(c.bytes, c.bytes + 64, 0));
    POINT_CASE("a-identity-sign-bit.weak-key",
               { memset(c.bytes + 64, 0, 32); c.bytes[64] = 1; c.bytes[95] = 0x80; });
    POINT_CASE("a-order-2.weak-key",
               hex32(c.bytes + 64, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
    POINT_CASE("s-plus-l-a-order-2.encoding", {
        add_group_order(c.bytes + 32);
        hex32(c.bytes + 64, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    });
#undef POINT_CASE
}

/* Writes the corpus: deterministic (fixed seeds, fixed generator state), so
 * the committed files are this output. */
static int run_corpus_make(const char *directory)
{
    static const uint8_t order[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                       0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                       [31] = 0x10 };
    struct corpus_case c;
    rng_state = 8032;
#define CASE(name, change)                                    \
    do {                                                      \
        corpus_valid(&c);                                     \
        change;                                               \
        corpus_write(directory, name, c.bytes, c.len);        \
    } while (0)
    CASE("valid.ok", (void)0);
    CASE("r-bit-flipped.verify", c.bytes[5] ^= 0x10);
    CASE("s-bit-flipped.verify", c.bytes[40] ^= 0x01);
    CASE("a-bit-flipped.verify", c.bytes[64 + 7] ^= 0x04);
    CASE("message-bit-flipped.verify", c.bytes[CORPUS_HEAD] ^= 0x01);
    CASE("message-byte-dropped.verify", c.len--);
    CASE("message-byte-added.verify", c.bytes[c.len++] = 0);
    CASE("other-key.verify", corpus_other_key(&c));
    CASE("s-plus-l.encoding", add_group_order(c.bytes + 32));
    CASE("s-equals-l.encoding", memcpy(c.bytes + 32, order, 32));
    CASE("s-top-bit.encoding", c.bytes[63] |= 0x80);
    CASE("key-one-byte-short.length", c.len = CORPUS_HEAD - 1);
    CASE("empty.length", c.len = 0);
#undef CASE
    corpus_point_cases(directory);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        test_check(false, "curve tests: sodium_init failed");
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "vectors") == 0)
        return run_vectors();
    if (argc == 3 && strcmp(argv[1], "x25519-wycheproof") == 0)
        return run_x25519_wycheproof(argv[2]);
    if (argc == 3 && strcmp(argv[1], "ed25519-wycheproof") == 0)
        return run_ed25519_wycheproof(argv[2]);
    if (argc == 3 && strcmp(argv[1], "differential") == 0)
        return run_differential(strtol(argv[2], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "corpus-make") == 0)
        return run_corpus_make(argv[2]);
    if (argc == 3 && strcmp(argv[1], "corpus") == 0)
        return run_corpus(argv[2]);
    fprintf(stderr, "usage: curve_test vectors | x25519-wycheproof FILE | "
                    "ed25519-wycheproof FILE | differential COUNT | corpus-make DIR | corpus DIR\n");
    return 2;
}
