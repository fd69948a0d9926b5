/* Host tests of lib/base: the freestanding memory functions (built with
 * NONOS_MEM_PREFIX so they do not replace the C library's), the byte-order
 * helpers and the checked arithmetic, under ASan + UBSan. The C library's
 * functions serve as the reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "base/endian.h"
#include "tests/host/test.h"

void *nonos_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *nonos_memmove(void *dst, const void *src, size_t n);
void *nonos_memset(void *dst, int c, size_t n);
int nonos_memcmp(const void *a, const void *b, size_t n);

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void test_memory_functions(void)
{
    uint8_t a[300], b[300], reference[300];
    bool ok = true;
    srand(1);
    for (int round = 0; round < 20000 && ok; round++) {
        for (size_t i = 0; i < sizeof a; i++)
            a[i] = (uint8_t)rand();
        memcpy(b, a, sizeof a);
        memcpy(reference, a, sizeof a);
        size_t n = (size_t)rand() % 128, from = (size_t)rand() % 128, to = (size_t)rand() % 128;
        nonos_memmove(b + to, b + from, n);
        memmove(reference + to, reference + from, n);
        ok &= memcmp(b, reference, sizeof b) == 0;
        nonos_memset(b + from, round, n);
        memset(reference + from, round, n);
        ok &= memcmp(b, reference, sizeof b) == 0;
        nonos_memcpy(b + 150, a + from, n);
        memcpy(reference + 150, a + from, n);
        ok &= memcmp(b, reference, sizeof b) == 0;
        b[from + n / 2] ^= (uint8_t)(round % 3);
        ok &= sign(nonos_memcmp(a + from, b + from, n)) == sign(memcmp(a + from, b + from, n));
    }
    test_check(ok, "base memcpy/memmove/memset/memcmp agree with libc (20000 random cases)");
}

static void test_endian(void)
{
    uint8_t buffer[8];
    store64_le(buffer, 0x0102030405060708ULL);
    bool ok = buffer[0] == 8 && buffer[7] == 1 && load64_le(buffer) == 0x0102030405060708ULL;
    store64_be(buffer, 0x0102030405060708ULL);
    ok &= buffer[0] == 1 && buffer[7] == 8 && load64_be(buffer) == 0x0102030405060708ULL;
    store32_be(buffer, 0xdeadbeef);
    ok &= load32_be(buffer) == 0xdeadbeef && load32_le(buffer) == 0xefbeadde;
    store16_le(buffer, 0x1234);
    ok &= load16_le(buffer) == 0x1234 && load16_be(buffer) == 0x3412;
    ok &= rotl32(0x80000001u, 1) == 3 && rotr32(3, 1) == 0x80000001u;
    ok &= rotr64(1, 1) == 0x8000000000000000ULL && rotl32(5, 0) == 5;
    test_check(ok, "base byte-order loads, stores and rotations");
}

static void test_checked(void)
{
    size_t out = 0;
    bool ok = size_add(1, 2, &out) && out == 3;
    ok &= !size_add(SIZE_MAX, 1, &out);
    ok &= !size_mul(SIZE_MAX / 2 + 1, 2, &out);
    ok &= size_mul(1000, 1000, &out) && out == 1000000;
    ok &= range_fits(0, 10, 10) && !range_fits(1, 10, 10) && !range_fits(11, 0, 10);
    ok &= !range_fits(5, UINT64_MAX, 10) && range_fits(10, 0, 10);
    test_check(ok, "base checked arithmetic reports overflow and out-of-range spans");
}

int main(void)
{
    test_memory_functions();
    test_endian();
    test_checked();
    return test_finish();
}
