/* A committed corpus of bad inputs checked against an `expected` file: the
 * layout of tests/corpus/net-datagram, shared by every corpus program that
 * names each case's exact error (the corpora of tests/user/,
 * tests/boot/memory_map_corpus.c, tests/capsule/keyfile_corpus.c,
 * tests/mesh/control_parse_test.c, tests/mesh/overlay_corpus.c); the
 * per-layer corpus of tests/net/corpus.c reads its files with
 * expected_corpus_read. Test-only.
 *
 * A program fills the case list (expected_corpus_add) and gives a replay
 * function; this module writes and checks the directory:
 *   DIR/<case>      the raw input (<case> may be kind/name, one level)
 *   DIR/expected    "# ..." header lines, then one line a case:
 *                   <case> <RESULT_NAME> [<column>]  # what
 * --write DIR writes the cases and DIR/expected. --check DIR replays every
 * committed case and fails when: expected is missing or names no case, a
 * line names a missing or unreadable file, a replay differs from its line,
 * a committed file or line differs from what the program generates, the
 * committed set is not exactly the generated one, or a result has no case.
 * Invariant: column is "" exactly when the layout has two columns. */
#ifndef NONOS_TESTS_HOST_EXPECTED_CORPUS_H
#define NONOS_TESTS_HOST_EXPECTED_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPECTED_CASES_MAX 64
#define EXPECTED_COLUMN_SIZE 32

struct expected_case {
    char name[64];
    const char *what;
    uint8_t *data; /* capacity bytes, zeroed when added */
    size_t capacity;
    size_t length;
    int expected;
    char column[EXPECTED_COLUMN_SIZE]; /* the third column, or "" */
};

struct expected_corpus {
    const char *name;    /* "netif-request": the directory under tests/corpus */
    const char *program; /* the generator, for the messages */
    const char *header;  /* expected's comment lines, each "# ...\n" */
    /* The summary line's words; NULL for "replayed with their exact
     * refusal", "cases" and "refusals" (without a case). */
    const char *checked;
    const char *items;
    const char *results;
    int columns;         /* 2, or 3 with each case's column */
    int result_count;    /* results 0 (OK) .. result_count - 1 */
    const char *(*result_name)(int result);
    /* Replays one input: its result and third column ("" in a two-column
     * layout); false when the replay itself went wrong (the case fails). */
    bool (*replay)(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size);
    struct expected_case cases[EXPECTED_CASES_MAX];
    int case_count;
};

/* A new case of `capacity` zeroed bytes, length 0, column "". Exits with 2
 * when the table is full or memory runs out. */
struct expected_case *expected_corpus_add(struct expected_corpus *corpus, const char *name, const char *what,
                                          size_t capacity, int expected);

/* Reads the file at path, at most cap bytes, and returns how many; *ok is
 * false when it is missing, unreadable or longer than cap. For corpus
 * programs with their own layout too (tests/net/corpus.c). */
size_t expected_corpus_read(const char *path, uint8_t *out, size_t cap, bool *ok);

/* --write DIR or --check DIR; the exit status. Frees the cases. */
int expected_corpus_main(struct expected_corpus *corpus, int argc, char **argv);

#endif
