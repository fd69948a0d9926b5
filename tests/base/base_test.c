/* Host tests of lib/base: the freestanding memory functions (built with
 * NONOS_MEM_PREFIX so they do not replace the C library's), the byte-order
 * helpers, the checked arithmetic and hex text, under ASan + UBSan. The C
 * library's functions serve as the reference. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "base/endian.h"
#include "base/hex.h"
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

/* Every byte value round-trips, and the output matches printf's "%02x". */
static void test_hex_round_trip(void)
{
    uint8_t all[256], back[256];
    char text[513], reference[513];
    size_t n = 0;
    for (size_t i = 0; i < sizeof all; i++) {
        all[i] = (uint8_t)(255 - i);
        snprintf(reference + 2 * i, 3, "%02x", all[i]);
    }
    bool ok = hex_encode(all, sizeof all, text, sizeof text);
    ok &= memcmp(text, reference, sizeof reference) == 0;
    ok &= hex_decode(text, 512, HEX_LOWERCASE, back, sizeof back, &n) && n == 256;
    ok &= memcmp(back, all, sizeof all) == 0;
    ok &= hex_encode(all, 0, text, 1) && text[0] == '\0';
    ok &= hex_decode("", 0, HEX_LOWERCASE, back, 0, &n) && n == 0;
    ok &= hex_decode("0aF9", 4, HEX_ANY_CASE, back, 2, &n) && n == 2 &&
          back[0] == 0x0a && back[1] == 0xf9;
    test_check(ok, "base hex encodes and decodes all 256 byte values");
}

/* Refusals: nothing is written and the digit table has no extra entries. */
static void test_hex_refusals(void)
{
    uint8_t out[4] = { 1, 2, 3, 4 };
    char text[9];
    size_t n = 99;
    memset(text, 'z', sizeof text);
    bool ok = !hex_encode(out, 4, text, 8) && text[0] == 'z';
    ok &= !hex_encode(out, 0, text, 0) && text[0] == 'z';
    ok &= !hex_encode(out, SIZE_MAX / 2 + 1, text, sizeof text);
    ok &= !hex_decode("abc", 3, HEX_ANY_CASE, out, 4, &n);          /* odd */
    ok &= !hex_decode("0011223344", 10, HEX_ANY_CASE, out, 4, &n);  /* too long */
    ok &= !hex_decode("00AB", 4, HEX_LOWERCASE, out, 4, &n);        /* case */
    ok &= !hex_decode("001g", 4, HEX_ANY_CASE, out, 4, &n);         /* non-digit */
    ok &= !hex_decode("00\xff" "1", 4, HEX_ANY_CASE, out, 4, &n);      /* high byte */
    ok &= out[0] == 1 && out[1] == 2 && out[2] == 3 && out[3] == 4 && n == 99;
    int digits = 0, upper = 0;
    for (int c = -1; c < 256; c++) {
        digits += hex_digit_value(c, HEX_LOWERCASE) >= 0;
        upper += hex_digit_value(c, HEX_ANY_CASE) >= 0;
    }
    ok &= digits == 16 && upper == 22 && hex_digit_value('F', HEX_ANY_CASE) == 15;
    test_check(ok, "base hex refuses odd, long, wrong-case and non-digit input unchanged");
}

int main(void)
{
    test_memory_functions();
    test_endian();
    test_checked();
    test_hex_round_trip();
    test_hex_refusals();
    return test_finish();
}
