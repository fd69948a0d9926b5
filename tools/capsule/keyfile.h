/* The author key files of nonos-capsule, parsed from memory (the file I/O,
 * the 0600 check and the messages are keys.c's). Formats (keys.c):
 *
 *   author.key  "ed25519-secret:" + 64 hex digits of the Ed25519 seed + "\n"
 *               then, for a hybrid key, "ml-dsa-65-secret:" + 64 hex digits
 *               of the ML-DSA-65 seed + "\n"; nothing else
 *   author.pub  one line: "ed25519:" + 64 hex digits, then for a hybrid key
 *               " ml-dsa-65:" + 3904 hex digits; a trust file is such
 *               lines, one author each, with blank lines and lines
 *               starting with '#' skipped
 *
 * Hex digits are lowercase only (the tool writes them so). Each refusal
 * has its own code (the corpus in tests/corpus/capsule-keys/ names them);
 * the first problem found is reported. On a refusal nothing the caller
 * may use is written, and seeds that were decoded are wiped. Host code. */
#ifndef NONOS_TOOLS_CAPSULE_KEYFILE_H
#define NONOS_TOOLS_CAPSULE_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsule/author.h"

enum keyfile_result {
    KEYFILE_OK = 0,
    KEYFILE_ERR_LABEL,     /* a key does not start with its label ("ed25519-secret:", ...) */
    KEYFILE_ERR_TRUNCATED, /* a secret key line shorter than its label, 64 digits and "\n" */
    KEYFILE_ERR_HEX,       /* a key digit that is not 0-9 or a-f */
    KEYFILE_ERR_LINE_END,  /* a secret key's 64 digits not followed by "\n" */
    KEYFILE_ERR_TRAILING,  /* bytes after the secret key file's last key */
    KEYFILE_ERR_LENGTH,    /* a public key line of neither length (Ed25519, hybrid) */
    KEYFILE_ERR_TOO_MANY,  /* a trust file with more authors than the caller takes */
    KEYFILE_ERR_COUNT
};

/* A secret key file's bytes: the Ed25519 seed into seeds[0..32) and, when
 * *hybrid, the ML-DSA-65 seed into seeds[32..64). */
enum keyfile_result keyfile_parse_secret(const uint8_t *data, size_t len, uint8_t seeds[64], bool *hybrid);

/* One public key line (without its "\n"). */
enum keyfile_result keyfile_parse_public_line(const uint8_t *line, size_t len, struct author_key *out);

/* A trust file's bytes: up to max authors into authors[], their number in
 * *count. On a refusal *line is the 1-based line number at fault. */
enum keyfile_result keyfile_parse_trust(const uint8_t *data, size_t len, struct author_key *authors, int max,
                                        int *count, size_t *line);

/* One sentence, and the symbol ("KEYFILE_ERR_HEX"); both "?"-marked out of range. */
const char *keyfile_result_message(enum keyfile_result result);
const char *keyfile_result_name(enum keyfile_result result);

#endif
