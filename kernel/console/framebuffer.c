/* Framebuffer text console.
 *
 * Writes change only the text (shadow); framebuffer_flush draws what
 * changed since the last flush. A scroll is then a move of text, not of
 * pixels: moving the screen's pixels up one line rewrites most of its
 * cells (about 800 k instructions under QEMU -icount at 1280x800), and a
 * burst of boot lines scrolled the screen once per line. The console
 * flushes from the timer tick (at most 30 times a second), before a wait
 * for input and on panic (console.c), so the screen lags the text by at
 * most 33 ms.
 *
 * Invariants: cursor_column < columns and cursor_row < rows; shadow[r][c]
 * is the character cell (c, r) shows once flushed (a space for an empty
 * cell); drawn[r][c] is the one its pixels show; the underline is drawn at
 * (drawn_column, drawn_row) and nowhere else; stale is false only when
 * drawn equals shadow and the underline is at the cursor. */
#include "kernel/console/framebuffer.h"

#include <stddef.h>

#include "base/checked.h"
#include "kernel/arch/cpu.h"
#include "kernel/console/font.h"
#include "kernel/mm/vm.h"

#define COLOR_FOREGROUND 0x00c8c8c8u /* grey: the same in RGBX and BGRX */
#define COLOR_BACKGROUND 0x00000000u
#define TAB_WIDTH 8

static volatile uint32_t *pixels;
static uint64_t pixels_bytes;
static uint32_t pitch; /* pixels per scanline */
static uint32_t columns, rows;
static uint32_t cursor_column, cursor_row;
static char shadow[FRAMEBUFFER_MAX_ROWS][FRAMEBUFFER_MAX_COLUMNS];
static char drawn[FRAMEBUFFER_MAX_ROWS][FRAMEBUFFER_MAX_COLUMNS];
static uint32_t drawn_column, drawn_row;
static bool stale;

/* The loader's numbers are trusted only after these checks: a bad mode
 * must leave the console serial-only rather than write outside the buffer. */
static bool framebuffer_mode_valid(const struct boot_framebuffer *info)
{
    uint64_t needed;
    if (info->base == 0 || info->width < FONT_WIDTH || info->height < FONT_HEIGHT)
        return false;
    if (info->format != BOOT_PIXEL_RGBX && info->format != BOOT_PIXEL_BGRX)
        return false;
    if (info->pixels_per_scanline < info->width)
        return false;
    if (!u64_mul(info->pixels_per_scanline, info->height, &needed) ||
        !u64_mul(needed, 4, &needed))
        return false;
    return needed <= info->size;
}

/* A glyph row of 8 pixels is four 64-bit stores of two pixels each; the
 * four words for every possible row (256 bit patterns) are built once at
 * init, so a cell is 16 rows of one table lookup and four stores: under
 * QEMU -icount about 260 instructions, where testing the pixel pairs bit
 * by bit took about 590 (console output was the largest part of the boot
 * after capsule verification). Pairs of pixels as one store need 8-byte
 * aligned rows, which an even pitch gives (the buffer is page aligned); an
 * odd pitch draws pixel by pixel. */
static uint64_t row_words[256][4];
static const uint8_t blank_rows[FONT_HEIGHT];

static uint64_t pixel_pair(unsigned two_bits)
{
    uint64_t left = (two_bits & 2) ? COLOR_FOREGROUND : COLOR_BACKGROUND;
    uint64_t right = (two_bits & 1) ? COLOR_FOREGROUND : COLOR_BACKGROUND;
    return right << 32 | left; /* the left pixel is the lower address */
}

static void row_words_build(void)
{
    for (unsigned bits = 0; bits < 256; bits++)
        for (unsigned pair = 0; pair < 4; pair++)
            row_words[bits][pair] = pixel_pair(bits >> (6 - 2 * pair) & 3);
}

static void row_draw(volatile uint32_t *line, uint8_t bits)
{
    if ((pitch & 1) == 0) {
        volatile uint64_t *pairs = (volatile uint64_t *)line;
        const uint64_t *words = row_words[bits];
        pairs[0] = words[0];
        pairs[1] = words[1];
        pairs[2] = words[2];
        pairs[3] = words[3];
        return;
    }
    for (uint32_t x = 0; x < FONT_WIDTH; x++)
        line[x] = (bits & (0x80u >> x)) ? COLOR_FOREGROUND : COLOR_BACKGROUND;
}

/* The cursor is an underline: the cell's last two rows fully lit. */
#define CURSOR_ROWS 2

static void cell_draw(uint32_t column, uint32_t row, char c, bool cursor)
{
    unsigned char code = (unsigned char)c;
    const uint8_t *glyph = blank_rows;
    if (code >= FONT_FIRST && code < FONT_FIRST + FONT_GLYPH_COUNT)
        glyph = font_glyphs[code - FONT_FIRST];
    volatile uint32_t *line = pixels + (uint64_t)row * FONT_HEIGHT * pitch +
                              (uint64_t)column * FONT_WIDTH;
    uint32_t glyph_rows = cursor ? FONT_HEIGHT - CURSOR_ROWS : FONT_HEIGHT;
    for (uint32_t y = 0; y < glyph_rows; y++, line += pitch)
        row_draw(line, glyph[y]);
    for (uint32_t y = glyph_rows; y < FONT_HEIGHT; y++, line += pitch)
        row_draw(line, 0xff);
}

/* A word at a time (rep stosq on x86): the whole screen is 4 MB at
 * 1280x800, and a store loop cost 700 k instructions of the boot. The
 * buffer's size is a multiple of 8 (pitch * height * 4 with an even
 * pitch; with an odd one, the last 4 bytes are zeroed on their own). */
static void clear_pixels(void)
{
    words_zero(pixels, pixels_bytes / 8);
    if (pixels_bytes % 8 != 0)
        pixels[pixels_bytes / 4 - 1] = 0;
}

/* Both texts blank, the pixels black, the cursor home, the underline
 * not yet drawn. */
static void text_clear(void)
{
    for (uint32_t r = 0; r < rows; r++) {
        for (uint32_t c = 0; c < columns; c++) {
            shadow[r][c] = ' ';
            drawn[r][c] = ' ';
        }
    }
    clear_pixels();
    cursor_column = cursor_row = drawn_column = drawn_row = 0;
    stale = false;
}

bool framebuffer_init(const struct boot_framebuffer *info)
{
    if (info == NULL || !framebuffer_mode_valid(info))
        return false;
    pixels_bytes = (uint64_t)info->pixels_per_scanline * info->height * 4;
    pixels = vm_map_mmio(info->base, pixels_bytes, VM_WRITE_COMBINE);
    if (pixels == NULL)
        return false;
    pitch = info->pixels_per_scanline;
    row_words_build();
    columns = info->width / FONT_WIDTH;
    rows = info->height / FONT_HEIGHT;
    if (columns > FRAMEBUFFER_MAX_COLUMNS)
        columns = FRAMEBUFFER_MAX_COLUMNS;
    if (rows > FRAMEBUFFER_MAX_ROWS)
        rows = FRAMEBUFFER_MAX_ROWS;
    text_clear();
    cell_draw(0, 0, ' ', true);
    return true;
}

bool framebuffer_present(void)
{
    return pixels != NULL;
}

/* Moves every line of text up by one; the next flush draws the cells
 * whose character this changed. */
static void framebuffer_scroll(void)
{
    for (uint32_t r = 0; r + 1 < rows; r++)
        __builtin_memcpy(shadow[r], shadow[r + 1], columns);
    for (uint32_t c = 0; c < columns; c++)
        shadow[rows - 1][c] = ' ';
}

static void cursor_newline(void)
{
    cursor_column = 0;
    if (cursor_row + 1 < rows)
        cursor_row++;
    else
        framebuffer_scroll();
}

static void cursor_advance(void)
{
    if (++cursor_column >= columns)
        cursor_newline();
}

static void cell_store(char c)
{
    shadow[cursor_row][cursor_column] = c;
}

/* Moves the cursor or draws one character; the cursor underline is not
 * drawn (framebuffer_write draws it once, after the last character). */
static void character_put(char c)
{
    switch (c) {
    case '\n':
        cursor_newline();
        break;
    case '\r':
        cursor_column = 0;
        break;
    case '\b':
        if (cursor_column > 0)
            cursor_column--;
        break;
    case '\t':
        do {
            cell_store(' ');
            cursor_advance();
        } while (cursor_column % TAB_WIDTH != 0 && cursor_column != 0);
        break;
    default:
        cell_store(c);
        cursor_advance();
        break;
    }
}

void framebuffer_write(const char *text, size_t len)
{
    if (pixels == NULL || len == 0)
        return;
    for (size_t i = 0; i < len; i++)
        character_put(text[i]);
    stale = true;
}

void framebuffer_put(char c)
{
    framebuffer_write(&c, 1);
}

/* One row's changed cells. Rows compare a word at a time first: most
 * rows of a flush without a scroll are unchanged. */
static void row_flush(uint32_t r)
{
    if (__builtin_memcmp(drawn[r], shadow[r], columns) == 0)
        return;
    for (uint32_t c = 0; c < columns; c++) {
        if (drawn[r][c] != shadow[r][c]) {
            drawn[r][c] = shadow[r][c];
            cell_draw(c, r, shadow[r][c], false);
        }
    }
}

void framebuffer_flush(void)
{
    if (pixels == NULL || !stale)
        return;
    /* The old underline's cell, unless the row pass redraws it anyway. */
    if (drawn[drawn_row][drawn_column] == shadow[drawn_row][drawn_column])
        cell_draw(drawn_column, drawn_row, drawn[drawn_row][drawn_column], false);
    for (uint32_t r = 0; r < rows; r++)
        row_flush(r);
    cell_draw(cursor_column, cursor_row, shadow[cursor_row][cursor_column], true);
    drawn_column = cursor_column;
    drawn_row = cursor_row;
    stale = false;
}

uint64_t framebuffer_wipe(void)
{
    if (pixels == NULL)
        return 0;
    text_clear();
    return pixels_bytes;
}
