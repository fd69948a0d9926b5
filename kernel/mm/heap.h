/* Kernel heap: kmalloc/kfree for small kernel objects. Each block carries a
 * header with its size and a canary and a trailing canary; kfree checks both
 * and panics on a double free or an overwritten canary. */
#ifndef NONOS_MM_HEAP_H
#define NONOS_MM_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_stats {
    uint64_t bytes_mapped;   /* heap pages mapped so far, in bytes */
    uint64_t bytes_in_use;   /* sum of requested sizes of live blocks */
    uint64_t live_blocks;    /* blocks allocated and not yet freed */
    uint64_t total_allocs;   /* kmalloc calls that succeeded */
    uint64_t total_frees;
};

void heap_init(void);

/* size bytes aligned to 16, or NULL when size is 0 or memory is exhausted. */
void *kmalloc(size_t size);

/* Like kmalloc, zero-filled. */
void *kzalloc(size_t size);

/* Frees a block from kmalloc; kfree(NULL) does nothing. */
void kfree(void *block);

void heap_stats(struct heap_stats *out);

/* What kfree checks before freeing; kfree panics with the message when the
 * result is not HEAP_OK. Exposed so tests can check detection without a
 * panic. */
enum heap_result {
    HEAP_OK = 0,
    HEAP_ERROR_NOT_HEAP,    /* pointer not from kmalloc */
    HEAP_ERROR_DOUBLE_FREE, /* block already free */
    HEAP_ERROR_HEADER,      /* header overwritten (underflow of a neighbour) */
    HEAP_ERROR_OVERFLOW,    /* trailing canary overwritten */
    HEAP_ERROR_COUNT
};

int heap_check(const void *block);
const char *heap_error_message(int result);

#endif
