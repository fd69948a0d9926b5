/* Host tests of the framebuffer text console (kernel/console/framebuffer.c)
 * and the font, under ASan + UBSan. vm_map_mmio is replaced by a function
 * that hands out a heap buffer of exactly the mapped size, so any pixel
 * written outside the framebuffer is an ASan error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console/font.h"
#include "kernel/console/framebuffer.h"
#include "kernel/mm/vm.h"
#include "tests/host/test.h"

static uint8_t *mapped;
static uint64_t mapped_size;
static int map_calls;

void *vm_map_mmio(uint64_t phys, uint64_t size, unsigned flags)
{
    (void)phys;
    (void)flags;
    map_calls++;
    free(mapped);
    mapped = malloc(size);
    mapped_size = size;
    memset(mapped, 0xab, size); /* not black: init must clear it */
    return mapped;
}

#define WIDTH 64  /* 8 columns */
#define HEIGHT 48 /* 3 rows */
#define PITCH 70

static struct boot_framebuffer mode(void)
{
    struct boot_framebuffer fb = { 0x80000000ull, (uint64_t)PITCH * HEIGHT * 4, WIDTH, HEIGHT,
                                   PITCH, BOOT_PIXEL_BGRX };
    return fb;
}

static uint32_t pixel(uint32_t x, uint32_t y)
{
    uint32_t value;
    memcpy(&value, mapped + ((uint64_t)y * PITCH + x) * 4, 4);
    return value;
}

/* True when cell (column, row) shows glyph c (cursor rows excluded). */
static bool cell_shows(uint32_t column, uint32_t row, char c)
{
    const uint8_t *glyph = font_glyphs[(unsigned char)c - FONT_FIRST];
    for (uint32_t y = 0; y < FONT_HEIGHT - 2; y++) {
        for (uint32_t x = 0; x < FONT_WIDTH; x++) {
            bool on = pixel(column * 8 + x, row * 16 + y) != 0;
            if (on != ((glyph[y] & (0x80u >> x)) != 0))
                return false;
        }
    }
    return true;
}

/* Puts the characters one by one, then draws them. */
static void put_string(const char *s)
{
    while (*s != '\0')
        framebuffer_put(*s++);
    framebuffer_flush();
}

static void test_modes_refused(void)
{
    struct boot_framebuffer fb = mode();
    int refused = 0, calls = map_calls;
    fb.size -= 4;
    refused += !framebuffer_init(&fb);
    fb = mode();
    fb.format = 7;
    refused += !framebuffer_init(&fb);
    fb = mode();
    fb.pixels_per_scanline = WIDTH - 1;
    refused += !framebuffer_init(&fb);
    fb = mode();
    fb.pixels_per_scanline = 0x80000000u; /* pitch * height * 4 overflows 32 bits, not 64 */
    fb.height = 0x80000000u;
    fb.size = UINT64_MAX;
    refused += !framebuffer_init(&fb); /* 2^31 * 2^31 * 4 = 2^64: overflow */
    fb = mode();
    fb.base = 0;
    refused += !framebuffer_init(&fb);
    fb = mode();
    fb.width = 4;
    refused += !framebuffer_init(&fb);
    test_check(refused == 6 && map_calls == calls && !framebuffer_present(),
               "framebuffer: 6 bad modes refused before anything is mapped");
}

static void test_text(void)
{
    struct boot_framebuffer fb = mode();
    bool ok = framebuffer_init(&fb);
    bool cleared = true;
    for (uint32_t y = 0; y < HEIGHT - 16; y++)
        for (uint32_t x = 8; x < WIDTH; x++)
            cleared = cleared && pixel(x, y) == 0;
    test_check(ok && mapped_size == (uint64_t)PITCH * HEIGHT * 4 && cleared,
               "framebuffer: a good mode is mapped and cleared");

    put_string("Hi!\n~\tx");
    test_check(cell_shows(0, 0, 'H') && cell_shows(1, 0, 'i') && cell_shows(2, 0, '!') &&
               cell_shows(0, 1, '~') && cell_shows(1, 1, ' ') && cell_shows(7, 1, ' ') &&
               cell_shows(0, 2, 'x'),
               "framebuffer: glyphs land in their cells; newline and tab move the cursor");
    /* The cursor underline sits under the next cell (column 1, row 2). */
    test_check(pixel(8, 2 * 16 + 15) != 0 && pixel(0, 2 * 16 + 15) == 0,
               "framebuffer: underline cursor at the next position");

    put_string("\b\by");
    test_check(cell_shows(0, 2, 'y'), "framebuffer: backspace moves back, never before column 0");

    put_string("\nabc"); /* past the last row: scrolls */
    test_check(cell_shows(0, 0, '~') && cell_shows(0, 1, 'y') && cell_shows(0, 2, 'a') &&
               cell_shows(2, 2, 'c'),
               "framebuffer: writing past the last row scrolls the text up");

    put_string("0123456789"); /* wraps at 8 columns and scrolls again */
    test_check(cell_shows(0, 1, 'a') && cell_shows(3, 1, '0') && cell_shows(7, 1, '4') &&
               cell_shows(0, 2, '5') && cell_shows(4, 2, '9'),
               "framebuffer: long lines wrap at the last column");

    uint64_t wiped = framebuffer_wipe();
    bool black = true;
    for (uint64_t i = 0; i < mapped_size; i++)
        black = black && mapped[i] == 0;
    test_check(wiped == mapped_size && black, "framebuffer: wipe zeroes all %llu bytes",
               (unsigned long long)mapped_size);
}

/* Cells (column, row) whose two underline rows are fully lit. */
static int cursor_cells(void)
{
    int found = 0;
    for (uint32_t row = 0; row < HEIGHT / 16; row++) {
        for (uint32_t column = 0; column < WIDTH / 8; column++) {
            bool lit = true;
            for (uint32_t y = 14; y < 16; y++)
                for (uint32_t x = 0; x < 8; x++)
                    lit = lit && pixel(column * 8 + x, row * 16 + y) != 0;
            found += lit;
        }
    }
    return found;
}

/* framebuffer_write draws the cursor once, after the text: the screen must
 * be exactly what the same characters put one by one give, with one
 * cursor, including writes that start with a control character, wrap and
 * scroll, or start with the character the cursor's cell already holds
 * (a space on an empty cell, then "y" over "y"), which is not redrawn. */
static void test_write_matches_put(void)
{
    static const char *const texts[] = { "ab\tc", "\n0123456789", "\b\bxy\r", "z\n\n\nq",
                                         "  y", "\b\b\by" };
    struct boot_framebuffer fb = mode();
    uint64_t size = (uint64_t)PITCH * HEIGHT * 4;
    uint8_t *by_put = malloc(size);
    framebuffer_init(&fb);
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
        put_string(texts[t]);
    memcpy(by_put, mapped, size);
    framebuffer_init(&fb);
    int cursors = 0;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        framebuffer_write(texts[t], strlen(texts[t]));
        framebuffer_flush();
        cursors += cursor_cells() == 1;
    }
    test_check(memcmp(by_put, mapped, size) == 0 && cursors == 6,
               "framebuffer: a write draws what its characters put one by one draw, one cursor after each");
    free(by_put);
}

/* An odd pitch and height: the buffer's size is not a multiple of 8, the
 * clear goes word by word and then the last 4 bytes, and glyphs are drawn
 * pixel by pixel. Every byte but the cursor's must be cleared. */
static void test_odd_pitch_cleared(void)
{
    struct boot_framebuffer fb = { 0x80000000ull, 71ull * 17 * 4, 64, 17, 71, BOOT_PIXEL_BGRX };
    bool ok = framebuffer_init(&fb);
    int wrong = 0;
    for (uint32_t y = 0; ok && y < 17; y++) {
        for (uint32_t x = 0; x < 71; x++) {
            uint32_t value;
            memcpy(&value, mapped + ((uint64_t)y * 71 + x) * 4, 4);
            bool cursor = x < 8 && (y == 14 || y == 15);
            wrong += cursor ? value == 0 : value != 0;
        }
    }
    test_check(ok && mapped_size % 8 == 4 && wrong == 0,
               "framebuffer: odd pitch and height: all %llu bytes cleared but the cursor (%d wrong)",
               (unsigned long long)mapped_size, wrong);
}

static void test_font(void)
{
    int empty = 0, outside = 0;
    for (int g = 0; g < FONT_GLYPH_COUNT; g++) {
        uint8_t any = 0;
        for (int y = 0; y < FONT_HEIGHT; y++) {
            any |= font_glyphs[g][y];
            if (font_glyphs[g][y] & 0x83) /* columns 0, 6, 7 separate characters */
                outside++;
        }
        if (any == 0 && g != 0)
            empty++;
    }
    test_check(empty == 0 && outside == 0,
               "font: %d glyphs, all but space drawn, none touches the spacing columns",
               FONT_GLYPH_COUNT);
}

/* Text written between two flushes is drawn at the second flush only,
 * as it stands then: 40 lines on a 3-row screen give, after one flush,
 * exactly the pixels of a fresh screen with only the last lines written.
 * A flush with nothing new draws nothing (a pixel poked into an empty
 * cell survives it). */
static void test_flush_draws_final_text(void)
{
    struct boot_framebuffer fb = mode();
    uint64_t size = (uint64_t)PITCH * HEIGHT * 4;
    uint8_t *expected = malloc(size), *before = malloc(size);
    framebuffer_init(&fb);
    put_string("L38 ab\nL39 cd\nx");
    framebuffer_flush();
    memcpy(expected, mapped, size);
    framebuffer_init(&fb);
    memcpy(before, mapped, size);
    char line[16];
    for (int i = 0; i < 40; i++) {
        int n = snprintf(line, sizeof line, "L%02d %s\n", i, i % 2 ? "cd" : "ab");
        framebuffer_write(line, (size_t)n);
    }
    framebuffer_write("x", 1);
    bool undrawn = memcmp(before, mapped, size) == 0;
    framebuffer_flush();
    bool final = memcmp(expected, mapped, size) == 0;
    mapped[(uint64_t)(40 * PITCH + 60) * 4] = 0x5a; /* row 2, column 7: empty */
    framebuffer_flush();
    bool idle = mapped[(uint64_t)(40 * PITCH + 60) * 4] == 0x5a;
    test_check(undrawn && final && idle,
               "framebuffer: 40 lines drawn at the flush, as the last 3 alone (%s, %s, %s)",
               undrawn ? "nothing before it" : "drawn before the flush",
               final ? "same pixels" : "pixels differ", idle ? "an empty flush draws nothing" : "an empty flush drew");
    free(expected);
    free(before);
}

int main(void)
{
    test_modes_refused();
    test_text();
    test_write_matches_put();
    test_flush_draws_final_text();
    test_odd_pitch_cleared();
    test_font();
    free(mapped);
    return test_finish();
}
