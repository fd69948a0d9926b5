/* libFuzzer target for nonos-capsule's key files (tools/capsule/keyfile.c):
 * each input is parsed as a secret key file, as one public key line and as
 * a trust file (taking at most 16 authors, then 1), so the committed key
 * files seed every parser. Checked with abort(): an accepted secret key file or public
 * line is exactly the text the tool writes for the keys it yields (one
 * spelling per key: nothing else is accepted), an accepted trust file has
 * exactly as many authors as lines that are neither blank nor comments,
 * never more than asked; a refusal is a known code, and a refused trust
 * file names a line of the file. The exact code of each bad key file is in
 * tests/corpus/capsule-keys/expected (keyfile_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "tools/capsule/keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

/* "<label><hex of bytes>" appended at text[*at]. */
static void put(char *text, size_t *at, const char *label, const uint8_t *bytes, size_t len)
{
    size_t n = strlen(label);
    memcpy(text + *at, label, n);
    hex_encode(bytes, len, text + *at + n, 2 * len + 1);
    *at += n + 2 * len;
}

static void fuzz_secret(const uint8_t *data, size_t size)
{
    uint8_t seeds[64];
    bool hybrid;
    enum keyfile_result result = keyfile_parse_secret(data, size, seeds, &hybrid);
    require((unsigned)result < KEYFILE_ERR_COUNT && result != KEYFILE_ERR_LENGTH && result != KEYFILE_ERR_TOO_MANY);
    if (result != KEYFILE_OK)
        return;
    char text[2 * (17 + 64 + 2)];
    size_t at = 0;
    put(text, &at, "ed25519-secret:", seeds, 32);
    text[at++] = '\n';
    if (hybrid) {
        put(text, &at, "ml-dsa-65-secret:", seeds + 32, 32);
        text[at++] = '\n';
    }
    require(at == size && memcmp(text, data, size) == 0);
}

static void fuzz_public_line(const uint8_t *data, size_t size)
{
    static struct author_key key;
    static char text[8 + 64 + 11 + 2 * AUTHOR_MLDSA65_KEY_SIZE + 1];
    enum keyfile_result result = keyfile_parse_public_line(data, size, &key);
    require(result == KEYFILE_OK || result == KEYFILE_ERR_LABEL || result == KEYFILE_ERR_LENGTH ||
            result == KEYFILE_ERR_HEX);
    if (result != KEYFILE_OK)
        return;
    size_t at = 0;
    put(text, &at, "ed25519:", key.ed25519, 32);
    if (key.hybrid)
        put(text, &at, " ml-dsa-65:", key.mldsa65, AUTHOR_MLDSA65_KEY_SIZE);
    require(at == size && memcmp(text, data, size) == 0);
}

static void fuzz_trust(const uint8_t *data, size_t size, int max)
{
    static struct author_key authors[16];
    int count = -1;
    size_t line = 0, lines = 0, keys = 0;
    enum keyfile_result result = keyfile_parse_trust(data, size, authors, max, &count, &line);
    for (size_t pos = 0; pos < size; lines++) {
        const uint8_t *end = memchr(data + pos, '\n', size - pos);
        size_t next = end != NULL ? (size_t)(end - data) + 1 : size;
        keys += next > pos && data[pos] != '\n' && data[pos] != '#';
        pos = next;
    }
    require((unsigned)result < KEYFILE_ERR_COUNT && result != KEYFILE_ERR_TRUNCATED &&
            result != KEYFILE_ERR_LINE_END && result != KEYFILE_ERR_TRAILING);
    if (result == KEYFILE_OK)
        require(count >= 0 && count <= max && (size_t)count == keys);
    else
        require(count == 0 && line >= 1 && line <= lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_secret(data, size);
    fuzz_public_line(data, size);
    fuzz_trust(data, size, 16);
    fuzz_trust(data, size, 1);
    return 0;
}
