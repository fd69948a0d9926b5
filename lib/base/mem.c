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

void *MEM_NAME(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
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
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

int MEM_NAME(memcmp)(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}
