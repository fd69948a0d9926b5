/* Framebuffer text console.
 *
 * Invariants: cursor_column < columns and cursor_row < rows; shadow[r][c]
 * holds the character drawn in cell (c, r) (a space for an empty cell); the
 * cursor underline is drawn at the cursor cell and erased before the cursor
 * moves, by redrawing that cell from the shadow or by drawing a character
 * over it. */
#include "kernel/console/framebuffer.h"

#include <stddef.h>

#include "base/checked.h"
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

/* Two neighbouring pixels of a glyph row as one 64-bit store, indexed by
 * their two bits (the left pixel is the high bit and the low half): a cell
 * is 16 rows of 4 stores instead of 128 pixel tests and stores, which is
 * what most of the boot's console output cost (under QEMU -icount, about
 * 1,400 instructions a character). */
#define PAIR(left, right) ((uint64_t)(right) << 32 | (left))
static const uint64_t pixel_pairs[4] = {
    PAIR(COLOR_BACKGROUND, COLOR_BACKGROUND), PAIR(COLOR_BACKGROUND, COLOR_FOREGROUND),
    PAIR(COLOR_FOREGROUND, COLOR_BACKGROUND), PAIR(COLOR_FOREGROUND, COLOR_FOREGROUND),
};

/* Pairs of pixels as one store need 8-byte aligned rows, which an even
 * pitch gives (the buffer is page aligned); an odd pitch draws pixel by pixel. */
static void row_draw(volatile uint32_t *line, uint8_t bits)
{
    if ((pitch & 1) == 0) {
        volatile uint64_t *pairs = (volatile uint64_t *)line;
        pairs[0] = pixel_pairs[bits >> 6];
        pairs[1] = pixel_pairs[(bits >> 4) & 3];
        pairs[2] = pixel_pairs[(bits >> 2) & 3];
        pairs[3] = pixel_pairs[bits & 3];
        return;
    }
    for (uint32_t x = 0; x < FONT_WIDTH; x++)
        line[x] = (bits & (0x80u >> x)) ? COLOR_FOREGROUND : COLOR_BACKGROUND;
}

static void cell_draw(uint32_t column, uint32_t row, char c, bool cursor)
{
    unsigned char code = (unsigned char)c;
    const uint8_t *glyph = NULL;
    if (code >= FONT_FIRST && code < FONT_FIRST + FONT_GLYPH_COUNT)
        glyph = font_glyphs[code - FONT_FIRST];
    volatile uint32_t *line = pixels + (uint64_t)row * FONT_HEIGHT * pitch +
                              (uint64_t)column * FONT_WIDTH;
    for (uint32_t y = 0; y < FONT_HEIGHT; y++, line += pitch) {
        uint8_t bits = glyph != NULL ? glyph[y] : 0;
        if (cursor && y >= FONT_HEIGHT - 2)
            bits = 0xff;
        row_draw(line, bits);
    }
}

static void clear_pixels(void)
{
    volatile uint64_t *words = (volatile uint64_t *)pixels;
    for (uint64_t i = 0; i < pixels_bytes / 8; i++)
        words[i] = 0;
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
    columns = info->width / FONT_WIDTH;
    rows = info->height / FONT_HEIGHT;
    if (columns > FRAMEBUFFER_MAX_COLUMNS)
        columns = FRAMEBUFFER_MAX_COLUMNS;
    if (rows > FRAMEBUFFER_MAX_ROWS)
        rows = FRAMEBUFFER_MAX_ROWS;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < columns; c++)
            shadow[r][c] = ' ';
    clear_pixels();
    cursor_column = cursor_row = 0;
    cell_draw(0, 0, ' ', true);
    return true;
}

bool framebuffer_present(void)
{
    return pixels != NULL;
}

/* Moves every line up by one, redrawing only cells whose character changes. */
static void framebuffer_scroll(void)
{
    for (uint32_t r = 0; r < rows; r++) {
        for (uint32_t c = 0; c < columns; c++) {
            char next = r + 1 < rows ? shadow[r + 1][c] : ' ';
            if (shadow[r][c] != next) {
                shadow[r][c] = next;
                cell_draw(c, r, next, false);
            }
        }
    }
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
    cell_draw(cursor_column, cursor_row, c, false);
}

void framebuffer_put(char c)
{
    if (pixels == NULL)
        return;
    /* Erase the cursor: redraw its cell as the shadow says, unless a
     * character is about to be drawn over the whole cell anyway. */
    bool overwrites = c != '\n' && c != '\r' && c != '\b' && c != '\t';
    if (!overwrites)
        cell_draw(cursor_column, cursor_row, shadow[cursor_row][cursor_column], false);
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
    cell_draw(cursor_column, cursor_row, shadow[cursor_row][cursor_column], true);
}

uint64_t framebuffer_wipe(void)
{
    if (pixels == NULL)
        return 0;
    clear_pixels();
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < columns; c++)
            shadow[r][c] = ' ';
    cursor_column = cursor_row = 0;
    return pixels_bytes;
}
