/* The kernel runtime the host tests of kernel code link against: the heap
 * is the C library's, kprintf goes to stderr, panic prints and aborts (so
 * ASan reports where it came from). One copy for every such test. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/panic.h"

void *kmalloc(size_t size) { return size ? malloc(size) : NULL; }
void *kzalloc(size_t size) { return size ? calloc(1, size) : NULL; }
void kfree(void *block) { free(block); }

void kprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
}

_Noreturn void panic(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, "\n");
    va_end(args);
    abort();
}
