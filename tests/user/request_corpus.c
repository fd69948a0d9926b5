/* Writing and checking a corpus of malformed requests (request_corpus.h):
 * the expected file's layout and checks of tests/user/datagram_corpus.c. */
#include "tests/user/request_corpus.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void request_corpus_add(struct request_corpus *corpus, const char *name, const char *what, uint16_t label,
                        const uint8_t *data, size_t length, int expected)
{
    if (corpus->case_count >= REQUEST_CASES_MAX || length > REQUEST_CASE_SIZE - 2) {
        fprintf(stderr, "%s: too many or too large cases\n", corpus->program);
        exit(2);
    }
    struct request_case *c = &corpus->cases[corpus->case_count++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->what = what;
    c->data[0] = (uint8_t)label;
    c->data[1] = (uint8_t)(label >> 8);
    if (length > 0)
        memcpy(c->data + 2, data, length);
    c->length = 2 + length;
    c->expected = expected;
}

static bool case_write(const char *dir, const struct request_case *c)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, c->name);
    FILE *file = fopen(path, "wb");
    bool written = file != NULL && fwrite(c->data, 1, c->length, file) == c->length;
    if (file != NULL && fclose(file) != 0)
        written = false;
    return written;
}

static int corpus_write(const struct request_corpus *corpus, const char *dir)
{
    char path[512];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case> <refusal> <answer label>: written by %s --write\n# input: %s\n", corpus->program,
            corpus->input);
    bool ok = true;
    for (int i = 0; i < corpus->case_count && ok; i++) {
        const struct request_case *c = &corpus->cases[i];
        fprintf(expected, "%s %s %s  # %s\n", c->name, corpus->refusal_name(c->expected),
                corpus->answer_name(c->expected), c->what);
        ok = case_write(dir, c);
    }
    return fclose(expected) == 0 && ok ? 0 : 1;
}

static size_t case_read(const char *path, uint8_t *out, size_t cap, bool *ok)
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

static const struct request_case *generated(const struct request_corpus *corpus, const char *name)
{
    for (int i = 0; i < corpus->case_count; i++)
        if (strcmp(corpus->cases[i].name, name) == 0)
            return &corpus->cases[i];
    return NULL;
}

/* One line of expected; false when the case is wrong or stale. */
static bool case_check(const struct request_corpus *corpus, const char *dir, const char *name,
                       const char *refusal_name, const char *answer, bool *seen)
{
    char path[512];
    static uint8_t data[REQUEST_CASE_SIZE + 1];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok;
    size_t n = case_read(path, data, sizeof data, &ok);
    int got = corpus->replay(data, n);
    if (got >= 0 && got < corpus->refusal_count)
        seen[got] = true;
    bool right = ok && strcmp(corpus->refusal_name(got), refusal_name) == 0 &&
                 strcmp(corpus->answer_name(got), answer) == 0;
    if (!right)
        fprintf(stderr, "%s/%s: got %s %s, expected %s %s\n", corpus->name, name, corpus->refusal_name(got),
                corpus->answer_name(got), refusal_name, answer);
    const struct request_case *c = generated(corpus, name);
    bool fresh = c != NULL && c->length == n && memcmp(c->data, data, n) == 0 &&
                 strcmp(corpus->refusal_name(c->expected), refusal_name) == 0;
    if (!fresh)
        fprintf(stderr, "%s/%s: differs from what %s generates (run --write)\n", corpus->name, name,
                corpus->program);
    return right && fresh;
}

static int corpus_check(const struct request_corpus *corpus, const char *dir)
{
    char path[512], line[256], name[128], refusal_name[64], answer[64];
    bool seen[REQUEST_CASES_MAX] = { false };
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "r");
    int count = 0, bad = 0;
    while (expected != NULL && fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %63s %63s", name, refusal_name, answer) != 3)
            continue;
        count++;
        bad += !case_check(corpus, dir, name, refusal_name, answer, seen);
    }
    if (expected != NULL)
        fclose(expected);
    int unseen = 0;
    for (int i = 0; i < corpus->refusal_count; i++)
        unseen += !seen[i];
    bool ok = expected != NULL && count == corpus->case_count && count > 0 && bad == 0 && unseen == 0;
    printf("%s %s corpus: %d committed cases (%d generated) replayed with their exact refusal, "
           "%d wrong or stale, %d refusals without a case\n",
           ok ? "PASS" : "FAIL", corpus->name, count, corpus->case_count, bad, unseen);
    return ok ? 0 : 1;
}

int request_corpus_main(const struct request_corpus *corpus, int argc, char **argv)
{
    if (corpus->refusal_count > REQUEST_CASES_MAX)
        return 2;
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        return corpus_write(corpus, argv[2]);
    if (argc == 3 && strcmp(argv[1], "--check") == 0)
        return corpus_check(corpus, argv[2]);
    fprintf(stderr, "usage: %s --write DIR | --check DIR\n", corpus->program);
    return 2;
}
