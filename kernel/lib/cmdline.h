/* The boot command line (docs/boot.md): an optional text file on the ESP,
 * measured by the loader and handed over in bootinfo, of options separated
 * by blanks (space, tab, CR, LF); a NUL ends it early. Outside input:
 * bounded by its size, never trusted to be terminated. Portable (host
 * tests: tests/kernel/cmdline_test.c; fuzz target fuzz-cmdline). */
#ifndef NONOS_LIB_CMDLINE_H
#define NONOS_LIB_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_MAX 255u

/* Whether one option of text[0..size) is exactly `option`. */
bool cmdline_has(const char *text, uint32_t size, const char *option);

#endif
