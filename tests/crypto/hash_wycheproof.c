/* Runs Wycheproof HMAC and HKDF vectors, converted by the suite (with jq) to
 * one vector per line on stdin:
 *   hmac-sha256 <tcId> <valid|invalid|acceptable> <key> <msg> <tag>
 *   hkdf-sha256 <tcId> <result> <ikm> <salt> <info> <size> <okm>
 * (same for -sha512; byte strings in hex, "-" for empty). Valid vectors must
 * be accepted with the exact output, invalid ones rejected. The files carry
 * no "acceptable" vectors; one would be run and reported, not judged. Prints
 * one PASS/FAIL line per kind with the counts. */
#include <stdlib.h>

#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "tests/host/hex_input.h"
#include "tests/host/test.h"

#define MAX_FIELD 20000

struct tally {
    const char *kind;
    unsigned valid, invalid, acceptable, failed, first_failed_id;
};

static struct tally tallies[] = {
    { "hmac-sha256", 0, 0, 0, 0, 0 }, { "hmac-sha512", 0, 0, 0, 0, 0 },
    { "hkdf-sha256", 0, 0, 0, 0, 0 }, { "hkdf-sha512", 0, 0, 0, 0, 0 },
};

static uint8_t field[4][MAX_FIELD];
static uint8_t output[HKDF_SHA512_MAX_OUTPUT + 64];

static size_t decode_field(const char *hex, uint8_t *out)
{
    long n = hex_input_decode(hex, out, MAX_FIELD);
    if (n < 0) {
        fprintf(stderr, "malformed hex field\n");
        exit(2);
    }
    return (size_t)n;
}

/* Returns whether the implementation accepted the vector. */
static bool run_hmac(bool sha512, char **f)
{
    size_t key_len = decode_field(f[0], field[0]);
    size_t msg_len = decode_field(f[1], field[1]);
    size_t tag_len = decode_field(f[2], field[2]);
    if (sha512)
        return hmac_sha512_verify(field[0], key_len, field[1], msg_len,
                                  field[2], tag_len) == CRYPTO_OK;
    return hmac_sha256_verify(field[0], key_len, field[1], msg_len, field[2],
                              tag_len) == CRYPTO_OK;
}

static bool run_hkdf(bool sha512, char **f)
{
    size_t ikm_len = decode_field(f[0], field[0]);
    size_t salt_len = decode_field(f[1], field[1]);
    size_t info_len = decode_field(f[2], field[2]);
    size_t size = strtoul(f[3], NULL, 10);
    size_t okm_len = decode_field(f[4], field[3]);
    if (size > sizeof(output))
        return false;
    enum crypto_result r = sha512
        ? hkdf_sha512(output, size, field[1], salt_len, field[0], ikm_len, field[2], info_len)
        : hkdf_sha256(output, size, field[1], salt_len, field[0], ikm_len, field[2], info_len);
    return r == CRYPTO_OK && okm_len == size && memcmp(output, field[3], size) == 0;
}

static void run_line(char *line)
{
    char *tok[9];
    int n = 0;
    for (char *t = strtok(line, " \n"); t != NULL && n < 9; t = strtok(NULL, " \n"))
        tok[n++] = t;
    if (n < 6)
        return;
    size_t k;
    for (k = 0; k < 4 && strcmp(tok[0], tallies[k].kind) != 0; k++)
        ;
    if (k == 4 || (k >= 2 && n < 8)) {
        fprintf(stderr, "malformed vector line for %s\n", tok[0]);
        exit(2);
    }
    struct tally *t = &tallies[k];
    unsigned id = (unsigned)strtoul(tok[1], NULL, 10);
    bool accepted = k < 2 ? run_hmac(k == 1, tok + 3) : run_hkdf(k == 3, tok + 3);
    bool ok = true;
    if (strcmp(tok[2], "valid") == 0) {
        t->valid++;
        ok = accepted;
    } else if (strcmp(tok[2], "invalid") == 0) {
        t->invalid++;
        ok = !accepted;
    } else {
        t->acceptable++;
        fprintf(stderr, "%s tcId %u acceptable: %s\n", t->kind, id, accepted ? "accepted" : "rejected");
    }
    if (!ok && t->failed++ == 0)
        t->first_failed_id = id;
    if (!ok)
        fprintf(stderr, "%s tcId %u (%s) wrongly %s\n", t->kind, id, tok[2], accepted ? "accepted" : "rejected");
}

int main(void)
{
    static char line[4 * MAX_FIELD];
    while (fgets(line, sizeof(line), stdin) != NULL)
        run_line(line);
    for (size_t k = 0; k < 4; k++) {
        struct tally *t = &tallies[k];
        unsigned total = t->valid + t->invalid + t->acceptable;
        if (t->failed > 0)
            test_check(false, "wycheproof %s: %u of %u vectors wrong (first tcId %u)",
                       t->kind, t->failed, total, t->first_failed_id);
        else
            test_check(total > 0, "wycheproof %s: %u vectors (%u valid accepted, %u invalid rejected, %u acceptable)",
                       t->kind, total, t->valid, t->invalid, t->acceptable);
    }
    return test_finish();
}
