/* nonos-node's control-line parser (tools/nonos-node/control_parse.c),
 * under ASan + UBSan (suite 28-mesh-node).
 *
 *   control_parse_test               every valid and invalid case, with
 *                                    the fields of the good ones
 *   control_parse_test --write DIR   writes the corpus of bad lines and
 *                                    DIR/expected
 *   control_parse_test --check DIR   replays tests/corpus/node-control:
 *                                    each file gives its exact error, the
 *                                    committed set is exactly what this
 *                                    program generates, and every error
 *                                    has a case
 *   control_parse_test --answer FILE prints the error line nonos-node
 *                                    answers FILE's bytes with, or "ok"
 *                                    (suite 28 compares a live node's)
 * expected (tests/host/expected_corpus.h): "<case> <CONTROL_...>  # what";
 * each file holds the raw bytes a client sends. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/expected_corpus.h"
#include "tools/nonos-node/control_parse.h"

#define CASE_SIZE (CONTROL_LINE_MAX + 64)

static struct expected_corpus corpus;

/* A case of text[0..len) (NULs included) with `pad` bytes of 'a' inserted at `at`. */
static void emit_bytes(const char *name, const char *what, const char *text, size_t len, size_t at, size_t pad,
                       enum control_error expected)
{
    if (len + pad > CASE_SIZE || at > len) {
        fprintf(stderr, "control_parse_test: too many or too large cases\n");
        exit(2);
    }
    struct expected_case *c = expected_corpus_add(&corpus, name, what, CASE_SIZE, (int)expected);
    memcpy(c->data, text, at);
    memset(c->data + at, 'a', pad);
    memcpy(c->data + at + pad, text + at, len - at);
    c->length = len + pad;
}

/* Texts are string literals: their length is their size, NULs and all. */
#define emit(name, what, text, expected) emit_bytes(name, what, text, sizeof text - 1, 0, 0, expected)
#define emit_padded(name, what, text, at, pad, expected) \
    emit_bytes(name, what, text, sizeof text - 1, at, pad, expected)

static void generate(void)
{
    emit("ok-status", "status", "status\n", CONTROL_OK);
    emit("ok-get", "get KEY", "get k\n", CONTROL_OK);
    emit("ok-put", "put KEY VALUE", "put k v\n", CONTROL_OK);
    emit("ok-put-spaces", "a value with spaces", "put k a b  c \n", CONTROL_OK);
    emit("ok-after-newline-ignored", "bytes after the newline are not read", "status\n\x01\x00junk", CONTROL_OK);
    emit_padded("ok-key-128", "a key of 128 bytes", "get \n", 4, 128, CONTROL_OK);
    emit_padded("ok-value-256", "a value of 256 bytes", "put k \n", 6, 256, CONTROL_OK);
    emit("no-input", "nothing at all", "", CONTROL_ERR_NO_NEWLINE);
    emit("no-newline", "status without its newline", "status", CONTROL_ERR_NO_NEWLINE);
    emit_padded("too-long", "512 bytes without a newline", "", 0, CONTROL_LINE_MAX, CONTROL_ERR_TOO_LONG);
    emit_padded("newline-at-513", "the newline one byte past the limit", "put k \n", 6, CONTROL_LINE_MAX - 6,
                CONTROL_ERR_TOO_LONG);
    emit("nul", "a NUL inside the command", "sta\0tus\n", CONTROL_ERR_NUL);
    emit("nul-first", "a NUL first", "\0\n", CONTROL_ERR_NUL);
    emit("carriage-return", "a CRLF line ending", "status\r\n", CONTROL_ERR_BYTE);
    emit("tab", "a tab between words", "get\tk\n", CONTROL_ERR_BYTE);
    emit("delete", "a DEL byte in a value", "put k v\x7f\n", CONTROL_ERR_BYTE);
    emit("utf8", "a UTF-8 value", "put k \xc3\xa9\n", CONTROL_ERR_BYTE);
    emit("empty", "just a newline", "\n", CONTROL_ERR_EMPTY);
    emit("unknown", "no such command", "delete k\n", CONTROL_ERR_UNKNOWN);
    emit("upper-case", "commands are lower case", "STATUS\n", CONTROL_ERR_UNKNOWN);
    emit("leading-space", "a space before the command", " status\n", CONTROL_ERR_UNKNOWN);
    emit("prefix", "a command's prefix", "stat\n", CONTROL_ERR_UNKNOWN);
    emit("status-argument", "status with an argument", "status now\n", CONTROL_ERR_EXTRA);
    emit("status-space", "status and a trailing space", "status \n", CONTROL_ERR_EXTRA);
    emit("get-two-keys", "get with two words", "get k v\n", CONTROL_ERR_EXTRA);
    emit("get-trailing-space", "get KEY and a trailing space", "get k \n", CONTROL_ERR_EXTRA);
    emit("get-alone", "get without a key", "get\n", CONTROL_ERR_MISSING_KEY);
    emit("get-space", "get and a space", "get \n", CONTROL_ERR_MISSING_KEY);
    emit("get-two-spaces", "two spaces before the key", "get  k\n", CONTROL_ERR_MISSING_KEY);
    emit("put-alone", "put without a key", "put\n", CONTROL_ERR_MISSING_KEY);
    emit("put-key-only", "put without a value", "put k\n", CONTROL_ERR_MISSING_VALUE);
    emit("put-empty-value", "put KEY and a space", "put k \n", CONTROL_ERR_MISSING_VALUE);
    emit_padded("key-129", "a key of 129 bytes", "get \n", 4, 129, CONTROL_ERR_KEY_LONG);
    emit_padded("put-key-129", "put with a key of 129 bytes", "put  v\n", 4, 129, CONTROL_ERR_KEY_LONG);
    emit_padded("value-257", "a value of 257 bytes", "put k \n", 6, 257, CONTROL_ERR_VALUE_LONG);
}

static int failures, checks;

static void expect(bool condition, const char *what)
{
    checks++;
    if (!condition) {
        printf("FAIL node control parse: %s\n", what);
        failures++;
    }
}

static bool view_is(const uint8_t *view, size_t len, const char *text)
{
    return len == strlen(text) && view != NULL && memcmp(view, text, len) == 0;
}

/* The fields of the good lines; what every case gives. */
static void unit_tests(void)
{
    struct control_request r;
    static const struct control_request zero;
    expect(control_parse((const uint8_t *)"status\n", 7, &r) == CONTROL_OK && r.command == CONTROL_STATUS &&
               r.key == NULL && r.value == NULL, "status");
    expect(control_parse((const uint8_t *)"get my-key\n", 11, &r) == CONTROL_OK && r.command == CONTROL_GET &&
               view_is(r.key, r.key_len, "my-key") && r.value == NULL, "get my-key");
    expect(control_parse((const uint8_t *)"put k a b \n", 11, &r) == CONTROL_OK && r.command == CONTROL_PUT &&
               view_is(r.key, r.key_len, "k") && view_is(r.value, r.value_len, "a b "), "put k 'a b '");
    for (int i = 0; i < corpus.case_count; i++) {
        const struct expected_case *c = &corpus.cases[i];
        enum control_error got = control_parse(c->data, c->length, &r);
        char what[160];
        snprintf(what, sizeof what, "%s (%s): got %s, expected %s", c->name, c->what,
                 control_parse_name(got), control_parse_name((enum control_error)c->expected));
        expect((int)got == c->expected, what);
        expect(got == CONTROL_OK ? r.command != CONTROL_NONE : memcmp(&r, &zero, sizeof r) == 0,
               "an error leaves the request all zero");
    }
    expect(strcmp(control_parse_name(CONTROL_ERR_COUNT), "CONTROL_ERR_?") == 0 &&
               strcmp(control_parse_message(CONTROL_ERR_COUNT), "unknown error") == 0, "out-of-range names");
    for (int e = 0; e < CONTROL_ERR_COUNT; e++)
        expect(control_parse_message((enum control_error)e) != NULL &&
                   strncmp(control_parse_name((enum control_error)e), "CONTROL_", 8) == 0, "every error named");
    if (failures == 0)
        printf("PASS node control parse: %d checks, %d lines each with its exact error and fields\n", checks,
               corpus.case_count);
}

static const char *error_name(int error) { return control_parse_name((enum control_error)error); }

static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    (void)name;
    (void)column;
    (void)column_size;
    struct control_request request;
    *result = (int)control_parse(input, size, &request);
    return true;
}

static int print_answer(const char *path)
{
    static uint8_t data[CASE_SIZE];
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return 1;
    size_t n = fread(data, 1, sizeof data, file);
    fclose(file);
    struct control_request request;
    enum control_error error = control_parse(data, n, &request);
    if (error == CONTROL_OK)
        printf("ok\n");
    else
        printf("error %s\n", control_parse_message(error));
    return 0;
}

int main(int argc, char **argv)
{
    corpus = (struct expected_corpus){
        .name = "node-control",
        .program = "control_parse_test (tests/mesh/control_parse_test.c)",
        .header = "# <case> <error>: written by control_parse_test --write (tests/mesh/control_parse_test.c)\n"
                  "# input: the raw bytes a client sends to nonos-node's control socket\n",
        .checked = "replayed with their exact error",
        .items = "cases",
        .results = "errors",
        .columns = 2,
        .result_count = CONTROL_ERR_COUNT,
        .result_name = error_name,
        .replay = replay,
    };
    generate();
    if (argc == 3 && strcmp(argv[1], "--answer") == 0)
        return print_answer(argv[2]);
    if (argc == 3 && (strcmp(argv[1], "--write") == 0 || strcmp(argv[1], "--check") == 0))
        return expected_corpus_main(&corpus, argc, argv);
    if (argc != 1) {
        fprintf(stderr, "usage: control_parse_test [--write DIR | --check DIR | --answer FILE]\n");
        return 2;
    }
    unit_tests();
    return failures != 0;
}
