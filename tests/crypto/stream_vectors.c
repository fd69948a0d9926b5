/* Known-answer tests of the stream area, typed from the specifications:
 * RFC 8439 §2.3.2, 2.4.2, 2.5.2, 2.6.2, 2.8.2 and Appendix A.1-A.5;
 * draft-irtf-cfrg-xchacha-03 §2.2.1 (HChaCha20) and A.3.1 (AEAD).
 * Also the API contract: incremental Poly1305 at every split, in-place
 * operation, counter exhaustion refused, failed decryption wipes output.
 *
 *   stream_vectors                 the known-answer and contract tests
 *   stream_vectors corpus-make DIR writes the AEAD open corpus
 *                                  (tests/corpus/aead is its output)
 *   stream_vectors corpus DIR      checks each file of it gives its exact result */
#include "crypto/aead.h"
#include "crypto/chacha20.h"
#include "crypto/poly1305.h"
#include "tests/fuzz/aead_input.h"
#include "tests/host/corpus.h"
#include "tests/host/hex_input.h"
#include "tests/host/test.h"

#define KEY_SEQ_00 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_SEQ_80 "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define KEY_ZERO "0000000000000000000000000000000000000000000000000000000000000000"
#define KEY_ONE "0000000000000000000000000000000000000000000000000000000000000001"
#define KEY_A2_3 "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"
#define NONCE_ZERO "000000000000000000000000"
#define NONCE_TWO "000000000000000000000002"

#define TEXT_SUNSCREEN                                                      \
    "t:Ladies and Gentlemen of the class of '99: If I could offer you only " \
    "one tip for the future, sunscreen would be it."
#define TEXT_SUBMISSION                                                     \
    "t:Any submission to the IETF intended by the Contributor for "         \
    "publication as all or part of an IETF Internet-Draft or RFC and any "  \
    "statement made within the context of an IETF activity is considered " \
    "an \"IETF Contribution\". Such statements include oral statements in " \
    "IETF sessions, as well as written and electronic communications made " \
    "at any time or place, which are addressed to"
#define TEXT_JABBERWOCKY                                                 \
    "t:'Twas brillig, and the slithy toves\nDid gyre and gimble in the " \
    "wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe."

struct block_vector {
    const char *name, *key, *nonce;
    uint32_t counter;
    const char *block; /* the whole block, or its first bytes */
};

static const struct block_vector block_vectors[] = {
    { "rfc8439 2.3.2", KEY_SEQ_00, "000000090000004a00000000", 1,
      "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
      "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e" },
    { "rfc8439 A.1 #1", KEY_ZERO, NONCE_ZERO, 0,
      "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
      "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586" },
    { "rfc8439 A.1 #2", KEY_ZERO, NONCE_ZERO, 1,
      "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
      "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f" },
    { "rfc8439 A.1 #3", KEY_ONE, NONCE_ZERO, 1,
      "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
      "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0" },
    { "rfc8439 A.1 #4",
      "00ff000000000000000000000000000000000000000000000000000000000000",
      NONCE_ZERO, 2,
      "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
      "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096" },
    { "rfc8439 A.1 #5", KEY_ZERO, NONCE_TWO, 0,
      "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
      "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d" },
    /* Poly1305 key generation: the first 32 bytes of block 0. */
    { "rfc8439 2.6.2", KEY_SEQ_80, "000000000001020304050607", 0,
      "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646" },
    { "rfc8439 A.4 #1", KEY_ZERO, NONCE_ZERO, 0,
      "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7" },
    { "rfc8439 A.4 #2", KEY_ONE, NONCE_TWO, 0,
      "ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739" },
    { "rfc8439 A.4 #3", KEY_A2_3, NONCE_TWO, 0,
      "965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae" },
};

struct cipher_vector {
    const char *name, *key, *nonce;
    uint32_t counter;
    const char *plain, *cipher;
};

static const struct cipher_vector cipher_vectors[] = {
    { "rfc8439 2.4.2", KEY_SEQ_00, "000000000000004a00000000", 1, TEXT_SUNSCREEN,
      "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
      "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
      "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
      "5af90bbf74a35be6b40b8eedf2785e42874d" },
    { "rfc8439 A.2 #1", KEY_ZERO, NONCE_ZERO, 0,
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000",
      "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
      "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586" },
    { "rfc8439 A.2 #2", KEY_ONE, NONCE_TWO, 1, TEXT_SUBMISSION,
      "a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec"
      "2a97948bd3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d"
      "4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e527950"
      "42bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85a"
      "d00f8449ed8f72d0d662ab052691ca66424bc86d2df80ea41f43abf937d3259d"
      "c4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b"
      "0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6c"
      "cc3aaf9f3979c92b3720fc88dc95ed84a1be059c6499b9fda236e7e818b04b0b"
      "c39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f"
      "5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e6"
      "98ced759c3ff9b6477338f3da4f9cd8514ea9982ccafb341b2384dd902f3d1ab"
      "7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221" },
    { "rfc8439 A.2 #3", KEY_A2_3, NONCE_TWO, 42, TEXT_JABBERWOCKY,
      "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf"
      "166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb"
      "f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
      "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1" },
};

struct mac_vector {
    const char *name, *key, *message, *tag;
};

#define ZERO16 "00000000000000000000000000000000"
static const struct mac_vector mac_vectors[] = {
    { "rfc8439 2.5.2",
      "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
      "t:Cryptographic Forum Research Group", "a8061dc1305136c6c22b8baf0c0127a9" },
    { "rfc8439 A.3 #1", KEY_ZERO, ZERO16 ZERO16 ZERO16 ZERO16, ZERO16 },
    { "rfc8439 A.3 #2", ZERO16 "36e5f6b5c5e06070f0efca96227a863e", TEXT_SUBMISSION,
      "36e5f6b5c5e06070f0efca96227a863e" },
    { "rfc8439 A.3 #3", "36e5f6b5c5e06070f0efca96227a863e" ZERO16, TEXT_SUBMISSION,
      "f3477e7cd95417af89a6b8794c310cf0" },
    { "rfc8439 A.3 #4", KEY_A2_3, TEXT_JABBERWOCKY,
      "4541669a7eaaee61e708dc7cbcc5eb62" },
    { "rfc8439 A.3 #5", "02000000000000000000000000000000" ZERO16,
      "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000" },
    { "rfc8439 A.3 #6", "02000000000000000000000000000000"
      "ffffffffffffffffffffffffffffffff",
      "02000000000000000000000000000000", "03000000000000000000000000000000" },
    { "rfc8439 A.3 #7", "01000000000000000000000000000000" ZERO16,
      "ffffffffffffffffffffffffffffffff" "f0ffffffffffffffffffffffffffffff"
      "11000000000000000000000000000000", "05000000000000000000000000000000" },
    { "rfc8439 A.3 #8", "01000000000000000000000000000000" ZERO16,
      "ffffffffffffffffffffffffffffffff" "fbfefefefefefefefefefefefefefefe"
      "01010101010101010101010101010101", ZERO16 },
    { "rfc8439 A.3 #9", "02000000000000000000000000000000" ZERO16,
      "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff" },
    { "rfc8439 A.3 #10", "01000000000000000400000000000000" ZERO16,
      "e33594d7505e43b90000000000000000" "3394d7505e4379cd0100000000000000"
      ZERO16 "01000000000000000000000000000000",
      "14000000000000005500000000000000" },
    { "rfc8439 A.3 #11", "01000000000000000400000000000000" ZERO16,
      "e33594d7505e43b90000000000000000" "3394d7505e4379cd0100000000000000"
      ZERO16, "13000000000000000000000000000000" },
};

struct aead_vector {
    const char *name;
    bool extended; /* XChaCha20-Poly1305 */
    const char *key, *nonce, *ad, *plain, *cipher, *tag;
};

static const struct aead_vector aead_vectors[] = {
    { "rfc8439 2.8.2", false, KEY_SEQ_80, "070000004041424344454647",
      "50515253c0c1c2c3c4c5c6c7", TEXT_SUNSCREEN,
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
      "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
      "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
      "3ff4def08e4b7a9de576d26586cec64b6116",
      "1ae10b594f09e26a7e902ecbd0600691" },
    { "rfc8439 A.5", false, KEY_A2_3, "000000000102030405060708",
      "f33388860000000000004e91",
      "t:Internet-Drafts are draft documents valid for a maximum of six "
      "months and may be updated, replaced, or obsoleted by other documents "
      "at any time. It is inappropriate to use Internet-Drafts as reference "
      "material or to cite them other than as /\xe2\x80\x9cwork in "
      "progress./\xe2\x80\x9d",
      "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
      "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
      "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
      "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
      "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
      "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
      "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
      "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
      "a6ad5cb4022b02709b",
      "eead9d67890cbb22392336fea1851f38" },
    { "xchacha-03 A.3.1", true, KEY_SEQ_80,
      "404142434445464748494a4b4c4d4e4f5051525354555657",
      "50515253c0c1c2c3c4c5c6c7", TEXT_SUNSCREEN,
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
      "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
      "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
      "21f9664c97637da9768812f615c68b13b52e",
      "c0875924c1c7987947deafd8780acf49" },
};

static uint8_t key[32], nonce[24], input[1024], output[1024], expect[1024];

static void test_blocks(void)
{
    for (size_t i = 0; i < sizeof block_vectors / sizeof block_vectors[0]; i++) {
        const struct block_vector *v = &block_vectors[i];
        uint8_t block[64];
        hex_input_bytes(v->key, key, 32);
        hex_input_bytes(v->nonce, nonce, 12);
        size_t n = hex_input_bytes(v->block, expect, sizeof expect);
        chacha20_block(block, key, nonce, v->counter);
        test_check(memcmp(block, expect, n) == 0, "chacha20 block %s", v->name);
    }
}

static void test_ciphers(void)
{
    for (size_t i = 0; i < sizeof cipher_vectors / sizeof cipher_vectors[0]; i++) {
        const struct cipher_vector *v = &cipher_vectors[i];
        hex_input_bytes(v->key, key, 32);
        hex_input_bytes(v->nonce, nonce, 12);
        size_t n = hex_input_bytes(v->plain, input, sizeof input);
        enum crypto_result r = chacha20_xor(output, input, n, key, nonce, v->counter);
        bool ok = r == CRYPTO_OK && hex_input_equal(output, n, v->cipher);
        /* In place, and back again. */
        r = chacha20_xor(output, output, n, key, nonce, v->counter);
        ok = ok && r == CRYPTO_OK && memcmp(output, input, n) == 0;
        test_check(ok, "chacha20 encrypt %s (%zu bytes, and in place)", v->name, n);
    }
}

static void test_macs(void)
{
    for (size_t i = 0; i < sizeof mac_vectors / sizeof mac_vectors[0]; i++) {
        const struct mac_vector *v = &mac_vectors[i];
        uint8_t tag[16];
        hex_input_bytes(v->key, key, 32);
        size_t n = hex_input_bytes(v->message, input, sizeof input);
        poly1305(tag, input, n, key);
        bool ok = hex_input_equal(tag, 16, v->tag);
        /* Incremental, split at every position into three pieces. */
        for (size_t a = 0; a <= n && ok; a += 1 + n / 40) {
            for (size_t b = a; b <= n && ok; b += 1 + n / 40) {
                struct poly1305_state state;
                poly1305_init(&state, key);
                poly1305_update(&state, input, a);
                poly1305_update(&state, input + a, b - a);
                poly1305_update(&state, input + b, n - b);
                poly1305_final(&state, tag);
                ok = hex_input_equal(tag, 16, v->tag);
            }
        }
        test_check(ok, "poly1305 %s (one call and split updates)", v->name);
    }
}

static enum crypto_result aead_encrypt(bool extended, uint8_t *out, size_t cap,
                                       const uint8_t *in, size_t len,
                                       const uint8_t *ad, size_t ad_len)
{
    return extended ? xchacha20poly1305_encrypt(out, cap, in, len, ad, ad_len, nonce, key)
                    : chacha20poly1305_encrypt(out, cap, in, len, ad, ad_len, nonce, key);
}

static enum crypto_result aead_decrypt(bool extended, uint8_t *out, size_t cap,
                                       const uint8_t *in, size_t len,
                                       const uint8_t *ad, size_t ad_len)
{
    return extended ? xchacha20poly1305_decrypt(out, cap, in, len, ad, ad_len, nonce, key)
                    : chacha20poly1305_decrypt(out, cap, in, len, ad, ad_len, nonce, key);
}

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0)
            return false;
    return true;
}

static void test_aead_vector(const struct aead_vector *v)
{
    uint8_t ad[64], sealed[1024];
    hex_input_bytes(v->key, key, 32);
    hex_input_bytes(v->nonce, nonce, v->extended ? 24 : 12);
    size_t ad_len = hex_input_bytes(v->ad, ad, sizeof ad);
    size_t n = hex_input_bytes(v->plain, input, sizeof input);
    enum crypto_result r = aead_encrypt(v->extended, sealed, sizeof sealed, input, n, ad, ad_len);
    bool sealed_ok = r == CRYPTO_OK && hex_input_equal(sealed, n, v->cipher) &&
                     hex_input_equal(sealed + n, 16, v->tag);
    test_check(sealed_ok, "aead encrypt %s", v->name);

    r = aead_decrypt(v->extended, output, sizeof output, sealed, n + 16, ad, ad_len);
    test_check(r == CRYPTO_OK && memcmp(output, input, n) == 0, "aead decrypt %s", v->name);

    /* Any flipped bit of ciphertext, tag or AD is refused; output wiped. */
    bool refused = true;
    for (size_t bit = 0; bit < 8 * (n + 16 + ad_len); bit += 7) {
        uint8_t *target = bit / 8 < n + 16 ? sealed + bit / 8 : ad + (bit / 8 - n - 16);
        *target ^= (uint8_t)(1u << (bit % 8));
        memset(output, 0xaa, sizeof output);
        r = aead_decrypt(v->extended, output, sizeof output, sealed, n + 16, ad, ad_len);
        refused = refused && r == CRYPTO_ERR_VERIFY && all_zero(output, sizeof output);
        *target ^= (uint8_t)(1u << (bit % 8));
    }
    test_check(refused, "aead decrypt %s refuses every tampered bit, output wiped", v->name);
}

static void test_hchacha(void)
{
    uint8_t subkey[32];
    hex_input_bytes(KEY_SEQ_00, key, 32);
    hex_input_bytes("000000090000004a0000000031415927", nonce, 16);
    hchacha20(subkey, key, nonce);
    test_check(hex_input_equal(subkey, 32, "82413b4227b27bfed30e42508a877d73"
                                        "a0f9e4d58a74a853c12ec41326d3ecdc"),
               "hchacha20 xchacha-03 2.2.1");
}

/* The 32-bit counter must not wrap: the last block is usable, one more is
 * refused before any byte is written. */
static void test_counter_limit(void)
{
    memset(key, 7, 32);
    memset(nonce, 9, 24);
    memset(output, 0x55, 128);
    bool ok = chacha20_xor(output, input, 64, key, nonce, UINT32_MAX) == CRYPTO_OK;
    uint8_t block[64];
    chacha20_block(block, key, nonce, UINT32_MAX);
    for (int i = 0; i < 64; i++)
        ok = ok && output[i] == (uint8_t)(input[i] ^ block[i]);
    memset(output, 0x55, 128);
    ok = ok && chacha20_xor(output, input, 65, key, nonce, UINT32_MAX) == CRYPTO_ERR_PARAMETER;
    ok = ok && xchacha20_xor(output, input, 65, key, nonce, UINT32_MAX) == CRYPTO_ERR_PARAMETER;
    ok = ok && chacha20_keystream(output, 128, key, nonce, UINT32_MAX) == CRYPTO_ERR_PARAMETER;
    ok = ok && output[0] == 0x55 && output[127] == 0x55;
    ok = ok && chacha20_xor(NULL, NULL, 0, key, nonce, UINT32_MAX) == CRYPTO_OK;
    test_check(ok, "chacha20 refuses to wrap the 32-bit block counter");
}

static void test_aead_contract(void)
{
    uint8_t sealed[64 + 16];
    memset(key, 1, 32);
    memset(nonce, 2, 24);
    memset(input, 3, 64);
    /* Too small an output buffer: refused and zeroed. */
    memset(sealed, 0xee, sizeof sealed);
    bool ok = chacha20poly1305_encrypt(sealed, 79, input, 64, NULL, 0, nonce, key) ==
              CRYPTO_ERR_PARAMETER && all_zero(sealed, 79);
    ok = ok && chacha20poly1305_encrypt(sealed, 80, input, 64, NULL, 0, nonce, key) == CRYPTO_OK;
    memset(output, 0xee, 64);
    ok = ok && chacha20poly1305_decrypt(output, 63, sealed, 80, NULL, 0, nonce, key) ==
               CRYPTO_ERR_PARAMETER && all_zero(output, 63);
    /* Shorter than a tag: not a message. */
    memset(output, 0xee, 64);
    ok = ok && chacha20poly1305_decrypt(output, 64, sealed, 15, NULL, 0, nonce, key) ==
               CRYPTO_ERR_VERIFY && all_zero(output, 64);
    /* Empty message, empty AD, NULL pointers with zero lengths. */
    ok = ok && xchacha20poly1305_encrypt(sealed, 16, NULL, 0, NULL, 0, nonce, key) == CRYPTO_OK;
    ok = ok && xchacha20poly1305_decrypt(NULL, 0, sealed, 16, NULL, 0, nonce, key) == CRYPTO_OK;
    /* In-place sealing and opening. */
    memcpy(sealed, input, 64);
    ok = ok && xchacha20poly1305_encrypt(sealed, 80, sealed, 64, key, 5, nonce, key) == CRYPTO_OK;
    ok = ok && xchacha20poly1305_decrypt(sealed, 80, sealed, 80, key, 5, nonce, key) == CRYPTO_OK;
    ok = ok && memcmp(sealed, input, 64) == 0;
    test_check(ok, "aead contract: buffer sizes, short input, empty message, in place");
}

/* In place over every path: eight-block groups, single blocks and a tail
 * (4096 + 64 * 3 + 21 bytes), against the same call out of place. */
static void test_in_place_long(void)
{
    static uint8_t data[4309], copy[4309], expected[4309];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    memcpy(copy, data, sizeof data);
    memset(key, 5, 32);
    memset(nonce, 6, 24);
    bool ok = chacha20_xor(expected, data, sizeof data, key, nonce, 3) == CRYPTO_OK &&
              chacha20_xor(copy, copy, sizeof copy, key, nonce, 3) == CRYPTO_OK &&
              memcmp(copy, expected, sizeof copy) == 0;
    ok = ok && xchacha20_xor(expected, data, sizeof data, key, nonce, 0) == CRYPTO_OK;
    memcpy(copy, data, sizeof data);
    ok = ok && xchacha20_xor(copy, copy, sizeof copy, key, nonce, 0) == CRYPTO_OK &&
         memcmp(copy, expected, sizeof copy) == 0;
    test_check(ok, "chacha20 and xchacha20 in place on %zu bytes equal out of place",
               sizeof data);
}

/* ---- the committed AEAD open corpus (tests/corpus/aead) ----
 * Files in the layout of tests/fuzz/aead_input.h with mode 0, named after the
 * result the open must give (tests/host/corpus.h); ".length" for a file too
 * short to hold the header. A refusal must also leave the output zeroed. */

static unsigned corpus_not_zeroed;

static enum crypto_result corpus_open(const char *name, const uint8_t *bytes, size_t len)
{
    static uint8_t out[AEAD_INPUT_MAX_MESSAGE];
    struct aead_input in;
    if (!aead_input_parse(&in, bytes, len))
        return CRYPTO_ERR_PARAMETER;
    memset(out, 0xa5, sizeof out);
    enum crypto_result r =
        in.extended ? xchacha20poly1305_decrypt(out, sizeof out, in.message, in.len, in.ad,
                                                in.ad_len, in.nonce, in.key)
                    : chacha20poly1305_decrypt(out, sizeof out, in.message, in.len, in.ad,
                                               in.ad_len, in.nonce, in.key);
    if (r != CRYPTO_OK && !all_zero(out, sizeof out)) {
        corpus_not_zeroed++;
        fprintf(stderr, "corpus %s: refused, output not zeroed\n", name);
    }
    return r;
}

static int run_corpus(const char *directory)
{
    unsigned files = corpus_check("aead open corpus", directory, corpus_open);
    test_check(files > 0 && corpus_not_zeroed == 0,
               "aead open corpus: every refusal among %u files leaves the output zeroed "
               "(%u did not)", files, corpus_not_zeroed);
    return test_finish();
}

/* One corpus input: header, AD and, after it, the sealed message. */
struct corpus_case {
    uint8_t bytes[AEAD_INPUT_HEADER + 255 + 256];
    size_t len;
};

#define CORPUS_AD_LEN 11

/* A valid mode-0 input: fixed key, nonce, CORPUS_AD_LEN bytes of AD,
 * plain_len bytes of text sealed (70 crosses a ChaCha20 block). */
static void corpus_valid(struct corpus_case *c, bool extended, size_t plain_len)
{
    static const char text[] = "NONOS corpus: an AEAD message long enough to cross one ChaCha20 block.";
    uint8_t *b = c->bytes;
    if (plain_len >= sizeof text)
        exit(2);
    b[0] = extended;
    hex_input_bytes("s:00:32", b + 1, 32);
    hex_input_bytes("s:40:24", b + 33, 24);
    b[57] = (uint8_t)hex_input_bytes("t:header v1.0", b + AEAD_INPUT_HEADER, CORPUS_AD_LEN);
    uint8_t *ad = b + AEAD_INPUT_HEADER, *sealed = ad + b[57];
    enum crypto_result r =
        extended ? xchacha20poly1305_encrypt(sealed, 256, (const uint8_t *)text, plain_len, ad,
                                             b[57], b + 33, b + 1)
                 : chacha20poly1305_encrypt(sealed, 256, (const uint8_t *)text, plain_len, ad,
                                            b[57], b + 33, b + 1);
    if (r != CRYPTO_OK)
        exit(2);
    c->len = AEAD_INPUT_HEADER + b[57] + plain_len + AEAD_TAG_SIZE;
}

/* The cases of one algorithm; prefix names it. */
static void corpus_make_algorithm(const char *directory, const char *prefix, bool extended)
{
    struct corpus_case c;
    char name[128];
    const size_t sealed_at = AEAD_INPUT_HEADER + CORPUS_AD_LEN;
#define CASE(what, plain_len, change)                                   \
    do {                                                                \
        corpus_valid(&c, extended, plain_len);                          \
        change;                                                         \
        snprintf(name, sizeof name, "%s-%s", prefix, what);             \
        corpus_write(directory, name, c.bytes, c.len);                  \
    } while (0)
    CASE("valid.ok", 70, (void)0);
    CASE("empty-message.ok", 0, (void)0);
    CASE("tag-flipped.verify", 70, c.bytes[c.len - 1] ^= 0x80);
    CASE("ciphertext-flipped.verify", 70, c.bytes[sealed_at] ^= 0x01);
    CASE("ciphertext-last-block-flipped.verify", 70, c.bytes[sealed_at + 69] ^= 0x20);
    CASE("ad-changed.verify", 70, c.bytes[AEAD_INPUT_HEADER] ^= 0x01);
    CASE("ad-byte-moved-to-ciphertext.verify", 70, c.bytes[57]--);
    CASE("ad-dropped.verify", 70, {
        memmove(c.bytes + AEAD_INPUT_HEADER, c.bytes + sealed_at, c.len - sealed_at);
        c.len -= CORPUS_AD_LEN;
        c.bytes[57] = 0;
    });
    CASE("tag-byte-dropped.verify", 70, c.len--);
    CASE("below-tag-length.verify", 70, c.len = sealed_at + AEAD_TAG_SIZE - 1);
    CASE("no-ciphertext.verify", 70, c.len = sealed_at);
    CASE("wrong-key.verify", 70, c.bytes[1 + 31] ^= 0x01);
    CASE("wrong-nonce-first-byte.verify", 70, c.bytes[33] ^= 0x01);
    CASE("other-algorithm.verify", 70, c.bytes[0] ^= 1);
    CASE("header-short.length", 70, c.len = AEAD_INPUT_HEADER - 1);
    /* Nonce bytes 12-23 are XChaCha20's alone; ChaCha20 never reads them. */
    if (extended)
        CASE("wrong-nonce-last-byte.verify", 70, c.bytes[33 + 23] ^= 0x01);
    else
        CASE("nonce-bytes-12-23-unused.ok", 70, c.bytes[33 + 23] ^= 0x01);
#undef CASE
}

static int run_corpus_make(const char *directory)
{
    corpus_make_algorithm(directory, "chacha20", false);
    corpus_make_algorithm(directory, "xchacha20", true);
    return 0;
}

static int run_vectors(void)
{
    test_blocks();
    test_ciphers();
    test_macs();
    for (size_t i = 0; i < sizeof aead_vectors / sizeof aead_vectors[0]; i++)
        test_aead_vector(&aead_vectors[i]);
    test_hchacha();
    test_counter_limit();
    test_aead_contract();
    test_in_place_long();
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
    fprintf(stderr, "usage: stream_vectors [corpus-make DIR | corpus DIR]\n");
    return 2;
}
