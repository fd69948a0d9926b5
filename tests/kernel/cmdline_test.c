/* Host tests of the boot command-line parser (kernel/lib/cmdline.c) under
 * ASan + UBSan: directed cases, and the committed corpus of
 * tests/corpus/cmdline/ (each file a command line as the loader hands it
 * over; `expected` says whether it holds dma=unconfined). Every input is
 * run from a heap copy of exactly its bytes, so a read past them is caught.
 *   cmdline_test                      the cases
 *   cmdline_test --write-corpus DIR   writes the cases as the corpus
 *   cmdline_test --check-corpus DIR   replays the corpus against expected */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/cmdline.h"
#include "tests/host/test.h"

#define OPTION "dma=unconfined"

struct cmdline_case {
    const char *name;
    const char *text;
    size_t size; /* 0: strlen(text) */
    bool expected;
};

static const char long_line[] = /* 240 letters, a blank, the option: 255 bytes */
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa dma=unconfined";

static const struct cmdline_case cases[] = {
    { "alone", "dma=unconfined", 0, true },
    { "newline", "dma=unconfined\n", 0, true },
    { "crlf-between", "quiet\r\ndma=unconfined\r\n", 0, true },
    { "tabs", "\tdebug\tdma=unconfined\t", 0, true },
    { "empty", "", 0, false },
    { "blanks-only", " \t\r\n ", 0, false },
    { "prefix", "dma=unconfine", 0, false },
    { "longer-word", "dma=unconfinedx", 0, false },
    { "inside-word", "xdma=unconfined", 0, false },
    { "other-value", "dma=confined", 0, false },
    { "upper-case", "DMA=UNCONFINED", 0, false },
    { "quoted", "\"dma=unconfined\"", 0, false },
    { "cut-by-size", "dma=unconfined", 13, false },
    { "after-nul", "quiet\0dma=unconfined", 20, false },
    { "longest", long_line, 255, true },
    { "too-long", long_line, 256, false }, /* the NUL counted: 256 bytes */
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

static size_t case_size(const struct cmdline_case *c)
{
    return c->size ? c->size : strlen(c->text);
}

static bool run_copy(const char *bytes, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, bytes, size);
    bool result = cmdline_has(copy, (uint32_t)size, OPTION);
    free(copy);
    return result;
}

static void test_cases(void)
{
    int wrong = 0;
    for (size_t i = 0; i < CASE_COUNT; i++) {
        if (run_copy(cases[i].text, case_size(&cases[i])) != cases[i].expected) {
            fprintf(stderr, "case %s: got %d\n", cases[i].name, !cases[i].expected);
            wrong++;
        }
    }
    test_check(wrong == 0, "cmdline: %zu command lines give their exact answer (%d wrong)",
               CASE_COUNT, wrong);
    test_check(!cmdline_has(NULL, 0, OPTION) && !cmdline_has("a", 1, "") &&
                   !cmdline_has("a", 1, NULL) && cmdline_has("a b", 3, "b"),
               "cmdline: no text, an empty or missing option find nothing");
}

static int write_corpus(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case file> <1: holds " OPTION ", 0: not>: cmdline_test --write-corpus\n");
    for (size_t i = 0; i < CASE_COUNT; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *f = fopen(path, "wb");
        size_t size = case_size(&cases[i]);
        if (f == NULL || fwrite(cases[i].text, 1, size, f) != size || fclose(f) != 0)
            return 1;
        fprintf(expected, "%s %d\n", cases[i].name, cases[i].expected ? 1 : 0);
    }
    return fclose(expected) != 0;
}

static int check_corpus(const char *dir)
{
    char path[512], name[128], line[256];
    int expected_result, count = 0, wrong = 0;
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "r");
    if (expected == NULL) {
        test_check(false, "cmdline corpus: %s missing", path);
        return test_finish();
    }
    while (fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %d", name, &expected_result) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        char buffer[1024];
        size_t len = f != NULL ? fread(buffer, 1, sizeof buffer, f) : 0;
        if (f == NULL || (int)run_copy(buffer, len) != expected_result) {
            fprintf(stderr, "corpus %s: wrong answer or missing\n", name);
            wrong++;
        }
        if (f != NULL)
            fclose(f);
        count++;
    }
    fclose(expected);
    test_check(count >= (int)CASE_COUNT && wrong == 0,
               "cmdline corpus: %d committed inputs give their expected answer (%d wrong)", count,
               wrong);
    return test_finish();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
        return write_corpus(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--check-corpus") == 0)
        return check_corpus(argv[2]);
    test_cases();
    return test_finish();
}
