/* The DHT corpora of bad input (dht_corpus.c). */
#ifndef NONOS_TESTS_MESH_DHT_CORPUS_H
#define NONOS_TESTS_MESH_DHT_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "mesh/dht.h"

struct corpus_kind {
    const char *directory; /* under tests/corpus/ */
    const char *const *names;
    unsigned count;
    const uint8_t *(*build)(unsigned which, size_t *len);
    enum dht_error (*check)(const uint8_t *data, size_t len);
};

extern const struct corpus_kind corpus_message, corpus_record;

/* Writes every case and the expected file into dir; 0 on success. */
int corpus_write(const struct corpus_kind *kind, const char *dir);

#endif
