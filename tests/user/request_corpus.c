/* A corpus of malformed requests (request_corpus.h): the label before each
 * case and the answer label column, on tests/host/expected_corpus.c. */
#include "tests/user/request_corpus.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The corpus request_corpus_main runs, for the replay callback. */
static const struct request_corpus *current;

void request_corpus_add(struct request_corpus *corpus, const char *name, const char *what, uint16_t label,
                        const uint8_t *data, size_t length, int expected)
{
    if (length > REQUEST_CASE_SIZE - 2) {
        fprintf(stderr, "%s: too large a case\n", corpus->program);
        exit(2);
    }
    corpus->expected.program = corpus->program;
    struct expected_case *c = expected_corpus_add(&corpus->expected, name, what, REQUEST_CASE_SIZE, expected);
    c->data[0] = (uint8_t)label;
    c->data[1] = (uint8_t)(label >> 8);
    if (length > 0)
        memcpy(c->data + 2, data, length);
    c->length = 2 + length;
    snprintf(c->column, sizeof c->column, "%s", corpus->answer_name(expected));
}

static bool request_replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                           size_t column_size)
{
    (void)name;
    *result = current->replay(input, size);
    snprintf(column, column_size, "%s", current->answer_name(*result));
    return true;
}

int request_corpus_main(struct request_corpus *corpus, int argc, char **argv)
{
    struct expected_corpus *expected = &corpus->expected;
    current = corpus;
    snprintf(corpus->header, sizeof corpus->header,
             "# <case> <refusal> <answer label>: written by %s --write\n# input: %s\n", corpus->program, corpus->input);
    expected->name = corpus->name;
    expected->program = corpus->program;
    expected->header = corpus->header;
    expected->columns = 3;
    expected->result_count = corpus->refusal_count;
    expected->result_name = corpus->refusal_name;
    expected->replay = request_replay;
    return expected_corpus_main(expected, argc, argv);
}
