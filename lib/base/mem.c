/* memcpy, memmove, memset and memcmp for freestanding builds (kernel, UEFI
 * loader, capsules). The compiler emits calls to these for struct copies and
 * large initializers even under -fno-builtin, so they must exist there. On
 * Linux the C library provides them and this file is not linked, except by the
 * host test, which builds it with NONOS_MEM_PREFIX to test it under ASan. */
#include <stddef.h>
#include <stdint.h>

#ifdef NONOS_MEM_PREFIX
#define MEM_NAME(name) nonos_##name
#else
#define MEM_NAME(name) name
#endif

void *MEM_NAME(memcpy)(void *restrict dst, const void *restrict src, size_t n);
void *MEM_NAME(memmove)(void *dst, const void *src, size_t n);
void *MEM_NAME(memset)(void *dst, int c, size_t n);
int MEM_NAME(memcmp)(const void *a, const void *b, size_t n);

/* Eight bytes per step, then the tail byte by byte: the kernel copies
 * capsule payloads into their frames with memcpy, and a byte loop costs
 * about five instructions a byte (the boot's instruction count under QEMU
 * -icount). The 8-byte __builtin_memcpy calls have a constant size, so the
 * compiler turns them into one unaligned load and one store (x86_64 allows
 * both), never a call back into this function. */
void *MEM_NAME(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    for (; n >= 8; n -= 8, d += 8, s += 8) {
        uint64_t word;
        __builtin_memcpy(&word, s, 8);
        __builtin_memcpy(d, &word, 8);
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *MEM_NAME(memmove)(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *MEM_NAME(memset)(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t word = 0x0101010101010101ull * (uint8_t)c;
    for (; n >= 8; n -= 8, d += 8)
        __builtin_memcpy(d, &word, 8);
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

/* Equal words are skipped eight bytes at a time; the first word that
 * differs is compared byte by byte below. Not constant time (crypto_equal
 * is). */
int MEM_NAME(memcmp)(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t u, v;
        __builtin_memcpy(&u, x + i, 8);
        __builtin_memcpy(&v, y + i, 8);
        if (u != v)
            break;
    }
    for (; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}
