/* The console's bitmap font: 8x16 cells for ASCII 32..126, one byte per
 * pixel row, bit 7 = leftmost pixel. Drawn for this project; the drawings
 * and the generator are in kernel/console/make_font.py. */
#ifndef NONOS_CONSOLE_FONT_H
#define NONOS_CONSOLE_FONT_H

#include <stdint.h>

#define FONT_WIDTH 8
#define FONT_HEIGHT 16
#define FONT_FIRST 32
#define FONT_GLYPH_COUNT 95

extern const uint8_t font_glyphs[FONT_GLYPH_COUNT][FONT_HEIGHT];

#endif
