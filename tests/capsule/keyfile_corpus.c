/* The malformed-input corpus of nonos-capsule's key files
 * (tools/capsule/keyfile.c), in tests/corpus/capsule-keys/: secret key
 * files (author.key, what sign --key reads) in secret/, public key and
 * trust files (author.pub, what verify --trust and bundle --trust read) in
 * trust/, each with the exact refusal and, for trust files, the line it
 * names; a few good files as controls. Trust files are parsed taking at
 * most BUNDLE_KEYS_MAX authors (bundle --trust's limit).
 *
 * The cases are generated here and committed with one `expected` file
 * (tests/host/expected_corpus.h):
 *   secret/<case> <KEYFILE_...> -  # what
 *   trust/<case> <KEYFILE_...> <line, 0 when accepted>  # what
 * usage: keyfile_corpus --write DIR | --check DIR
 * Suite 30 also feeds every bad case to the real tool (sign --key,
 * bundle --trust) and checks that its message names the same code. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "capsule/bundle.h"
#include "tests/host/expected_corpus.h"
#include "tools/capsule/keyfile.h"

#define CASE_SIZE 8192 /* a hybrid public key line is 3,987 bytes */

static struct expected_corpus corpus;
static char ed_hex[65], ml_seed_hex[65], ml_public_hex[2 * AUTHOR_MLDSA65_KEY_SIZE + 1];

static void make_digits(void)
{
    uint8_t bytes[AUTHOR_MLDSA65_KEY_SIZE];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(i * 7 + 1);
    hex_encode(bytes, 32, ed_hex, sizeof ed_hex);
    hex_encode(bytes + 32, 32, ml_seed_hex, sizeof ml_seed_hex);
    hex_encode(bytes, sizeof bytes, ml_public_hex, sizeof ml_public_hex);
}

/* A case named kind/name, its text to come; the column is the line a trust
 * file's refusal names ("-" for secret key files). */
static struct expected_case *add(bool trust, const char *name, const char *what, enum keyfile_result expected,
                                 size_t line)
{
    char path[64];
    snprintf(path, sizeof path, "%s/%s", trust ? "trust" : "secret", name);
    struct expected_case *c = expected_corpus_add(&corpus, path, what, CASE_SIZE, (int)expected);
    snprintf(c->column, sizeof c->column, trust ? "%zu" : "-", line);
    return c;
}

/* The case's bytes as text. */
static char *text(struct expected_case *c)
{
    return (char *)c->data;
}

/* A case from text (printf-style, so the key digits can be placed). */
__attribute__((format(printf, 6, 7)))
static void emit(bool trust, const char *name, const char *what, enum keyfile_result expected, size_t line,
                 const char *format, ...)
{
    struct expected_case *c = add(trust, name, what, expected, line);
    va_list args;
    va_start(args, format);
    int n = vsnprintf(text(c), CASE_SIZE, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= CASE_SIZE) {
        fprintf(stderr, "keyfile_corpus: %s too large\n", name);
        exit(2);
    }
    c->length = (size_t)n;
}

#define ED "ed25519-secret:"
#define ML "ml-dsa-65-secret:"

static void generate_secret(void)
{
    const char *e = ed_hex, *m = ml_seed_hex;
    emit(false, "ok-ed25519", "an Ed25519 key", KEYFILE_OK, 0, ED "%s\n", e);
    emit(false, "ok-hybrid", "a hybrid key", KEYFILE_OK, 0, ED "%s\n" ML "%s\n", e, m);
    emit(false, "empty", "an empty file", KEYFILE_ERR_TRUNCATED, 0, "%s", "");
    emit(false, "label-only", "the label without digits", KEYFILE_ERR_TRUNCATED, 0, ED "\n");
    emit(false, "label-cut", "half a label", KEYFILE_ERR_TRUNCATED, 0, "ed255");
    emit(false, "digits-63", "63 digits", KEYFILE_ERR_TRUNCATED, 0, ED "%.63s\n", e);
    emit(false, "no-newline", "64 digits without the end of line", KEYFILE_ERR_TRUNCATED, 0, ED "%s", e);
    emit(false, "digits-65", "65 digits", KEYFILE_ERR_LINE_END, 0, ED "%s0\n", e);
    emit(false, "crlf", "a CR LF line end", KEYFILE_ERR_LINE_END, 0, ED "%s\r\n", e);
    emit(false, "space-at-end", "a space before the end of line", KEYFILE_ERR_LINE_END, 0, ED "%s \n", e);
    emit(false, "label-seed", "\"ed25519-seed:\" for the label", KEYFILE_ERR_LABEL, 0, "ed25519-seed:%s\n", e);
    emit(false, "label-uppercase", "an upper-case label", KEYFILE_ERR_LABEL, 0, "ED25519-SECRET:%s\n", e);
    emit(false, "leading-space", "a space before the label", KEYFILE_ERR_LABEL, 0, " " ED "%s\n", e);
    emit(false, "public-key-file", "an author.pub given as the secret key", KEYFILE_ERR_LABEL, 0,
         "ed25519:%s\n", e);
    emit(false, "hex-uppercase", "upper-case digits", KEYFILE_ERR_HEX, 0, ED "%.62sAB\n", e);
    emit(false, "hex-g", "a 'g' among the digits", KEYFILE_ERR_HEX, 0, ED "g%.63s\n", e);
    emit(false, "hex-short-and-bad", "a short line with a bad digit", KEYFILE_ERR_HEX, 0, ED "0x12\n");
    emit(false, "hybrid-ml-dsa-only", "the ML-DSA-65 half alone", KEYFILE_ERR_LABEL, 0, ML "%s\n", m);
    emit(false, "hybrid-halves-swapped", "the ML-DSA-65 line first", KEYFILE_ERR_LABEL, 0, ML "%s\n" ED "%s\n", m, e);
    emit(false, "hybrid-two-ed25519", "two Ed25519 lines", KEYFILE_ERR_LABEL, 0, ED "%s\n" ED "%s\n", e, e);
    emit(false, "hybrid-ml-dsa-44", "\"ml-dsa-44-secret:\" for the second label", KEYFILE_ERR_LABEL, 0,
         ED "%s\nml-dsa-44-secret:%s\n", e, m);
    emit(false, "hybrid-ml-truncated", "a cut ML-DSA-65 seed", KEYFILE_ERR_TRUNCATED, 0, ED "%s\n" ML "%.40s", e, m);
    emit(false, "hybrid-ml-bad-hex", "a bad digit in the ML-DSA-65 seed", KEYFILE_ERR_HEX, 0,
         ED "%s\n" ML "%.63sz\n", e, m);
    emit(false, "blank-line-after-ed25519", "a blank line after the Ed25519 key", KEYFILE_ERR_LABEL, 0,
         ED "%s\n\n", e);
    emit(false, "trailing-newline", "a blank line after a hybrid key", KEYFILE_ERR_TRAILING, 0,
         ED "%s\n" ML "%s\n\n", e, m);
    emit(false, "trailing-garbage", "text after a hybrid key", KEYFILE_ERR_TRAILING, 0,
         ED "%s\n" ML "%s\nextra\n", e, m);
    struct expected_case *c = add(false, "nul-in-digits", "a NUL byte among the digits", KEYFILE_ERR_HEX, 0);
    c->length = (size_t)snprintf(text(c), CASE_SIZE, ED "%s\n", e);
    c->data[sizeof ED + 9] = '\0';
}

#define PUB "ed25519:"
#define MLP " ml-dsa-65:"

static void generate_trust(void)
{
    const char *e = ed_hex, *m = ml_public_hex;
    emit(true, "ok-ed25519", "an Ed25519 author", KEYFILE_OK, 0, PUB "%s\n", e);
    emit(true, "ok-hybrid", "a hybrid author", KEYFILE_OK, 0, PUB "%s" MLP "%s\n", e, m);
    emit(true, "ok-comments-and-blank-lines", "comments, blank lines, no final newline", KEYFILE_OK, 0,
         "# authors\n\n" PUB "%s\n\n#" PUB "zz\n" PUB "%s" MLP "%s", e, e, m);
    emit(true, "ok-no-authors", "only a comment", KEYFILE_OK, 0, "# nobody yet\n");
    emit(true, "label-ed448", "\"ed448:\" for the label", KEYFILE_ERR_LABEL, 1, "ed448:%s\n", e);
    emit(true, "secret-key-file", "an author.key given as a trust file", KEYFILE_ERR_LABEL, 1,
         "ed25519-secret:%s\n", e);
    emit(true, "indented-comment", "a comment after a space", KEYFILE_ERR_LABEL, 1, " # x\n");
    emit(true, "digits-63", "63 digits", KEYFILE_ERR_LENGTH, 1, PUB "%.63s\n", e);
    emit(true, "digits-65", "65 digits", KEYFILE_ERR_LENGTH, 1, PUB "%s0\n", e);
    emit(true, "crlf", "a CR LF line end", KEYFILE_ERR_LENGTH, 1, PUB "%s\r\n", e);
    emit(true, "label-only", "the label alone", KEYFILE_ERR_LENGTH, 1, PUB "\n");
    emit(true, "hex-uppercase", "upper-case digits", KEYFILE_ERR_HEX, 1, PUB "%.62sAB\n", e);
    emit(true, "hex-space", "a space among the digits", KEYFILE_ERR_HEX, 1, PUB "%.31s %.32s\n", e, e);
    emit(true, "hybrid-ml-dsa-label-only", "a hybrid key without its ML-DSA-65 digits", KEYFILE_ERR_LENGTH, 1,
         PUB "%s" MLP "\n", e);
    emit(true, "hybrid-ml-dsa-half", "half an ML-DSA-65 key", KEYFILE_ERR_LENGTH, 1, PUB "%s" MLP "%.1952s\n", e, m);
    emit(true, "hybrid-ml-dsa-odd", "one ML-DSA-65 digit short", KEYFILE_ERR_LENGTH, 1, PUB "%s" MLP "%.3903s\n", e, m);
    emit(true, "hybrid-ml-dsa-alone", "the ML-DSA-65 half without the Ed25519 one", KEYFILE_ERR_LABEL, 1,
         "ml-dsa-65:%s\n", m);
    emit(true, "hybrid-ml-dsa-44", "\" ml-dsa-44:\" for the second label", KEYFILE_ERR_LABEL, 1,
         PUB "%s ml-dsa-44:%s\n", e, m);
    emit(true, "hybrid-no-space", "no space before the second label", KEYFILE_ERR_LABEL, 1,
         PUB "%sXml-dsa-65:%s\n", e, m);
    emit(true, "hybrid-ml-bad-hex", "a bad digit in the ML-DSA-65 key", KEYFILE_ERR_HEX, 1,
         PUB "%s" MLP "%.3903sg\n", e, m);
    emit(true, "hybrid-ed-bad-hex", "a bad digit in the Ed25519 half", KEYFILE_ERR_HEX, 1,
         PUB "%.63s-" MLP "%s\n", e, m);
    emit(true, "bad-third-line", "a good author, a comment, then a bad line", KEYFILE_ERR_LENGTH, 3,
         PUB "%s\n# next\n" PUB "%.10s\n", e, e);
    struct expected_case *c = add(true, "too-many-authors", "17 authors for bundle's 16", KEYFILE_ERR_TOO_MANY,
                                BUNDLE_KEYS_MAX + 1);
    for (int i = 0; i <= BUNDLE_KEYS_MAX; i++)
        c->length += (size_t)snprintf(text(c) + c->length, CASE_SIZE - c->length, PUB "%s\n", e);
}

/* The verdict of the parser on one input, and the trust file's line. */
static enum keyfile_result replay(bool trust, const uint8_t *data, size_t len, size_t *line)
{
    static struct author_key authors[BUNDLE_KEYS_MAX];
    uint8_t seeds[64];
    bool hybrid;
    int count;
    *line = 0;
    if (!trust)
        return keyfile_parse_secret(data, len, seeds, &hybrid);
    enum keyfile_result result = keyfile_parse_trust(data, len, authors, BUNDLE_KEYS_MAX, &count, line);
    if (result == KEYFILE_OK)
        *line = 0;
    return result;
}

static const char *result_name(int result) { return keyfile_result_name((enum keyfile_result)result); }

/* A trust/ case is a trust file; its column is the line named. */
static bool replay_case(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                        size_t column_size)
{
    bool trust = strncmp(name, "trust/", 6) == 0;
    size_t line;
    *result = (int)replay(trust, input, size, &line);
    snprintf(column, column_size, trust ? "%zu" : "-", line);
    return true;
}

int main(int argc, char **argv)
{
    static char header[256];
    snprintf(header, sizeof header,
             "# <kind>/<case> <result> <line named (trust; 0: accepted)>: written by keyfile_corpus --write\n"
             "# (tests/capsule/keyfile_corpus.c); trust files parsed with at most %d authors\n",
             BUNDLE_KEYS_MAX);
    corpus = (struct expected_corpus){
        .name = "capsule-keys",
        .program = "keyfile_corpus (tests/capsule/keyfile_corpus.c)",
        .header = header,
        .items = "key files",
        .columns = 3,
        .result_count = KEYFILE_ERR_COUNT,
        .result_name = result_name,
        .replay = replay_case,
    };
    make_digits();
    generate_secret();
    generate_trust();
    return expected_corpus_main(&corpus, argc, argv);
}
