/* Parsing nonos-capsule's key files from memory (keyfile.h). Kept apart
 * from keys.c's file handling so that the host tests, the corpus in
 * tests/corpus/capsule-keys/ and the fuzz target run exactly this code.
 * Checks come in a fixed order (label, digits, length, line end, what
 * follows; for a public line the length before the digits), which decides
 * the code of a line with several faults. */
#include <string.h>

#include "base/hex.h"
#include "crypto/crypto.h"
#include "keyfile.h"

#define ED_SECRET_LABEL "ed25519-secret:"
#define ML_SECRET_LABEL "ml-dsa-65-secret:"
#define ED_PUBLIC_LABEL "ed25519:"
#define ML_PUBLIC_LABEL " ml-dsa-65:"
#define ED_PUBLIC_LINE (sizeof ED_PUBLIC_LABEL - 1 + 2 * AUTHOR_ED25519_KEY_SIZE)
#define ML_PUBLIC_PART (sizeof ML_PUBLIC_LABEL - 1 + 2 * AUTHOR_MLDSA65_KEY_SIZE)

/* True when the len bytes at data could begin with label (all of it, or
 * as much as there is). */
static bool label_matches(const uint8_t *data, size_t len, const char *label)
{
    size_t n = strlen(label);
    return memcmp(data, label, len < n ? len : n) == 0;
}

static enum keyfile_result take_hex(const uint8_t *digits, size_t count, uint8_t *out)
{
    size_t decoded;
    return hex_decode((const char *)digits, count, HEX_LOWERCASE, out, count / 2, &decoded) ? KEYFILE_OK
                                                                                           : KEYFILE_ERR_HEX;
}

/* "<label><64 digits>\n" at data[*pos]; advances *pos past it. A short
 * line (end of file or "\n" before 64 digits) is TRUNCATED, unless a
 * character before its end is not a digit. */
static enum keyfile_result take_seed_line(const uint8_t *data, size_t len, size_t *pos, const char *label,
                                          uint8_t out[32])
{
    const uint8_t *line = data + *pos;
    size_t left = len - *pos, n = strlen(label), end = n;
    if (!label_matches(line, left, label))
        return KEYFILE_ERR_LABEL;
    for (; end < left && end < n + 64 && line[end] != '\n'; end++) {
        if (hex_digit_value(line[end], HEX_LOWERCASE) < 0)
            return KEYFILE_ERR_HEX;
    }
    if (end < n + 64 || end == left)
        return KEYFILE_ERR_TRUNCATED;
    if (line[end] != '\n')
        return KEYFILE_ERR_LINE_END;
    enum keyfile_result result = take_hex(line + n, 64, out);
    if (result == KEYFILE_OK)
        *pos += n + 65;
    return result;
}

enum keyfile_result keyfile_parse_secret(const uint8_t *data, size_t len, uint8_t seeds[64], bool *hybrid)
{
    uint8_t taken[64];
    size_t pos = 0;
    enum keyfile_result result = take_seed_line(data, len, &pos, ED_SECRET_LABEL, taken);
    bool two = result == KEYFILE_OK && pos < len;
    if (two)
        result = take_seed_line(data, len, &pos, ML_SECRET_LABEL, taken + 32);
    if (result == KEYFILE_OK && pos != len)
        result = KEYFILE_ERR_TRAILING;
    if (result == KEYFILE_OK) {
        memcpy(seeds, taken, sizeof taken);
        *hybrid = two;
    }
    crypto_wipe(taken, sizeof taken);
    return result;
}

enum keyfile_result keyfile_parse_public_line(const uint8_t *line, size_t len, struct author_key *out)
{
    struct author_key key;
    if (!label_matches(line, len, ED_PUBLIC_LABEL))
        return KEYFILE_ERR_LABEL;
    if (len != ED_PUBLIC_LINE && len != ED_PUBLIC_LINE + ML_PUBLIC_PART)
        return KEYFILE_ERR_LENGTH;
    enum keyfile_result result = take_hex(line + sizeof ED_PUBLIC_LABEL - 1, 64, key.ed25519);
    key.hybrid = len > ED_PUBLIC_LINE;
    const uint8_t *ml = line + ED_PUBLIC_LINE;
    if (result == KEYFILE_OK && key.hybrid)
        result = !label_matches(ml, ML_PUBLIC_PART, ML_PUBLIC_LABEL) ? KEYFILE_ERR_LABEL
               : take_hex(ml + sizeof ML_PUBLIC_LABEL - 1, 2 * AUTHOR_MLDSA65_KEY_SIZE, key.mldsa65);
    if (result == KEYFILE_OK)
        *out = key;
    return result;
}

enum keyfile_result keyfile_parse_trust(const uint8_t *data, size_t len, struct author_key *authors, int max,
                                        int *count, size_t *line)
{
    int found = 0;
    *count = 0;
    *line = 1;
    for (size_t pos = 0; pos < len; (*line)++) {
        size_t end = pos;
        while (end < len && data[end] != '\n')
            end++;
        if (end > pos && data[pos] != '#') {
            if (found == max)
                return KEYFILE_ERR_TOO_MANY;
            enum keyfile_result result = keyfile_parse_public_line(data + pos, end - pos, &authors[found]);
            if (result != KEYFILE_OK)
                return result;
            found++;
        }
        pos = end + 1;
    }
    *count = found;
    return KEYFILE_OK;
}

static const char *const messages[KEYFILE_ERR_COUNT] = {
    [KEYFILE_OK] = "ok",
    [KEYFILE_ERR_LABEL] = "a key does not start with its label",
    [KEYFILE_ERR_TRUNCATED] = "a secret key line is cut short",
    [KEYFILE_ERR_HEX] = "a key digit is not a lowercase hex digit",
    [KEYFILE_ERR_LINE_END] = "a secret key's 64 hex digits are not followed by the end of the line",
    [KEYFILE_ERR_TRAILING] = "bytes follow the last key",
    [KEYFILE_ERR_LENGTH] = "a public key line has the length of neither an Ed25519 nor a hybrid key",
    [KEYFILE_ERR_TOO_MANY] = "more authors than allowed",
};

static const char *const names[KEYFILE_ERR_COUNT] = {
    [KEYFILE_OK] = "KEYFILE_OK",
    [KEYFILE_ERR_LABEL] = "KEYFILE_ERR_LABEL",
    [KEYFILE_ERR_TRUNCATED] = "KEYFILE_ERR_TRUNCATED",
    [KEYFILE_ERR_HEX] = "KEYFILE_ERR_HEX",
    [KEYFILE_ERR_LINE_END] = "KEYFILE_ERR_LINE_END",
    [KEYFILE_ERR_TRAILING] = "KEYFILE_ERR_TRAILING",
    [KEYFILE_ERR_LENGTH] = "KEYFILE_ERR_LENGTH",
    [KEYFILE_ERR_TOO_MANY] = "KEYFILE_ERR_TOO_MANY",
};

const char *keyfile_result_message(enum keyfile_result result)
{
    return (unsigned)result < KEYFILE_ERR_COUNT ? messages[result] : "unknown key file error";
}

const char *keyfile_result_name(enum keyfile_result result)
{
    return (unsigned)result < KEYFILE_ERR_COUNT ? names[result] : "KEYFILE_ERR_?";
}
