/* Writing and checking a corpus of bad inputs with an `expected` file
 * (expected_corpus.h): one copy of the walk, the file's layout and the
 * checks every such corpus program shares. */
#include "tests/host/expected_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct expected_case *expected_corpus_add(struct expected_corpus *corpus, const char *name, const char *what,
                                          size_t capacity, int expected)
{
    if (corpus->case_count >= EXPECTED_CASES_MAX) {
        fprintf(stderr, "%s: too many cases\n", corpus->program);
        exit(2);
    }
    struct expected_case *c = &corpus->cases[corpus->case_count++];
    *c = (struct expected_case){ .what = what, .capacity = capacity, .expected = expected };
    c->data = calloc(1, capacity > 0 ? capacity : 1);
    if (c->data == NULL)
        exit(2);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

static void corpus_free(struct expected_corpus *corpus)
{
    for (int i = 0; i < corpus->case_count; i++)
        free(corpus->cases[i].data);
    corpus->case_count = 0;
}

/* DIR/<case>, making DIR/kind first when the case is kind/name. */
static bool case_write(const char *dir, const struct expected_case *c)
{
    char path[512];
    const char *slash = strchr(c->name, '/');
    if (slash != NULL) {
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - c->name), c->name);
        mkdir(path, 0755);
    }
    snprintf(path, sizeof path, "%s/%s", dir, c->name);
    FILE *file = fopen(path, "wb");
    bool written = file != NULL && fwrite(c->data, 1, c->length, file) == c->length;
    if (file != NULL && fclose(file) != 0)
        written = false;
    return written;
}

static int corpus_write(const struct expected_corpus *corpus, const char *dir)
{
    char path[512];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fputs(corpus->header, expected);
    bool ok = true;
    for (int i = 0; i < corpus->case_count && ok; i++) {
        const struct expected_case *c = &corpus->cases[i];
        fprintf(expected, "%s %s%s%s  # %s\n", c->name, corpus->result_name(c->expected),
                corpus->columns == 3 ? " " : "", c->column, c->what);
        ok = case_write(dir, c);
    }
    return fclose(expected) == 0 && ok ? 0 : 1;
}

size_t expected_corpus_read(const char *path, uint8_t *out, size_t cap, bool *ok)
{
    FILE *file = fopen(path, "rb");
    *ok = file != NULL;
    if (file == NULL)
        return 0;
    size_t n = fread(out, 1, cap, file);
    *ok = ferror(file) == 0 && fgetc(file) == EOF;
    fclose(file);
    return n;
}

static const struct expected_case *generated(const struct expected_corpus *corpus, const char *name)
{
    for (int i = 0; i < corpus->case_count; i++)
        if (strcmp(corpus->cases[i].name, name) == 0)
            return &corpus->cases[i];
    return NULL;
}

/* One line of expected: the replay must give it, and the committed file
 * and line must be what the program generates. */
static bool case_check(const struct expected_corpus *corpus, const char *dir, const char *name,
                       const char *result_name, const char *column, uint8_t *data, size_t cap, bool *seen)
{
    char path[512], got_column[EXPECTED_COLUMN_SIZE] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok;
    size_t n = expected_corpus_read(path, data, cap, &ok);
    int got = 0;
    ok = corpus->replay(name, data, n, &got, got_column, sizeof got_column) && ok;
    if (got >= 0 && got < corpus->result_count)
        seen[got] = true;
    bool right = ok && strcmp(corpus->result_name(got), result_name) == 0 && strcmp(got_column, column) == 0;
    if (!right)
        fprintf(stderr, "%s/%s: got %s%s%s, expected %s%s%s\n", corpus->name, name, corpus->result_name(got),
                *column != '\0' ? " " : "", got_column, result_name, *column != '\0' ? " " : "", column);
    const struct expected_case *c = generated(corpus, name);
    bool fresh = c != NULL && c->length == n && memcmp(c->data, data, n) == 0 &&
                 strcmp(corpus->result_name(c->expected), result_name) == 0 && strcmp(c->column, column) == 0;
    if (!fresh)
        fprintf(stderr, "%s/%s: differs from what %s generates (run --write)\n", corpus->name, name,
                corpus->program);
    return right && fresh;
}

/* The largest generated case, plus one byte to see a longer file. */
static size_t read_capacity(const struct expected_corpus *corpus)
{
    size_t cap = 1;
    for (int i = 0; i < corpus->case_count; i++)
        if (corpus->cases[i].capacity + 1 > cap)
            cap = corpus->cases[i].capacity + 1;
    return cap;
}

static int corpus_check(const struct expected_corpus *corpus, const char *dir)
{
    char path[512], line[256], name[128], result_name[64], column[EXPECTED_COLUMN_SIZE];
    bool seen[EXPECTED_CASES_MAX] = { false };
    size_t cap = read_capacity(corpus);
    uint8_t *data = malloc(cap);
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = data != NULL ? fopen(path, "r") : NULL;
    int count = 0, bad = 0, fields;
    while (expected != NULL && fgets(line, sizeof line, expected) != NULL) {
        column[0] = '\0';
        fields = line[0] == '#' ? 0 : sscanf(line, "%127s %63s %31s", name, result_name, column);
        if (fields < corpus->columns)
            continue;
        if (corpus->columns == 2)
            column[0] = '\0';
        count++;
        bad += !case_check(corpus, dir, name, result_name, column, data, cap, seen);
    }
    if (expected != NULL)
        fclose(expected);
    free(data);
    int unseen = 0;
    for (int i = 0; i < corpus->result_count; i++)
        unseen += !seen[i];
    bool ok = expected != NULL && count == corpus->case_count && count > 0 && bad == 0 && unseen == 0;
    printf("%s %s corpus: %d committed %s (%d generated) %s, %d wrong or stale, %d %s without a case\n",
           ok ? "PASS" : "FAIL", corpus->name, count, corpus->items != NULL ? corpus->items : "cases",
           corpus->case_count, corpus->checked != NULL ? corpus->checked : "replayed with their exact refusal", bad,
           unseen, corpus->results != NULL ? corpus->results : "refusals");
    return ok ? 0 : 1;
}

int expected_corpus_main(struct expected_corpus *corpus, int argc, char **argv)
{
    int status = 2;
    if (corpus->result_count > EXPECTED_CASES_MAX || (corpus->columns != 2 && corpus->columns != 3))
        fprintf(stderr, "%s: bad corpus description\n", corpus->program);
    else if (argc == 3 && strcmp(argv[1], "--write") == 0)
        status = corpus_write(corpus, argv[2]);
    else if (argc == 3 && strcmp(argv[1], "--check") == 0)
        status = corpus_check(corpus, argv[2]);
    else
        fprintf(stderr, "usage: %s --write DIR | --check DIR\n", corpus->program);
    corpus_free(corpus);
    return status;
}
