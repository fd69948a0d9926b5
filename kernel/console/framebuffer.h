/* Text console on the UEFI GOP framebuffer: 8x16 character cells, light grey
 * on black, a line cursor, scrolling.
 *
 * A shadow of the characters on screen is kept in the kernel, so scrolling
 * redraws only the cells whose character changes and never reads the
 * framebuffer (reads from write-combining memory are very slow on real
 * hardware). The console covers at most FRAMEBUFFER_MAX_COLUMNS x
 * FRAMEBUFFER_MAX_ROWS cells of a larger screen. */
#ifndef NONOS_CONSOLE_FRAMEBUFFER_H
#define NONOS_CONSOLE_FRAMEBUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/bootinfo.h"

#define FRAMEBUFFER_MAX_COLUMNS 240
#define FRAMEBUFFER_MAX_ROWS 135

/* Checks the mode the loader reported, maps the framebuffer write-combining
 * and clears it. Needs vm_map_mmio (call after vm_init). Returns false (and
 * the console stays serial-only) when there is no usable framebuffer. */
bool framebuffer_init(const struct boot_framebuffer *info);
bool framebuffer_present(void);

/* Puts one character in the text; handles '\n', '\r', '\b' and '\t'.
 * Nothing is drawn until framebuffer_flush. */
void framebuffer_put(char c);

/* Puts len characters in the text, as framebuffer_put one by one. */
void framebuffer_write(const char *text, size_t len);

/* Draws the cells whose text changed since the last flush, and the cursor
 * underline at the cursor. Nothing when nothing changed. Under the console
 * lock, as writes are. */
void framebuffer_flush(void);

/* Fills every byte of the framebuffer with zero (black) and forgets the text:
 * for the ZeroState wipe. Returns the number of bytes wiped. */
uint64_t framebuffer_wipe(void);

#endif
