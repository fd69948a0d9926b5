/* libFuzzer target for the boot command-line parser (kernel/lib/cmdline.c):
 * the input is the command line as the loader hands it over. A crash or a
 * read outside the input is a bug; so is finding the option when the input
 * does not hold it as bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/lib/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool holds(const uint8_t *data, size_t size, const char *text, size_t length)
{
    for (size_t i = 0; i + length <= size; i++) {
        if (memcmp(data + i, text, length) == 0)
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char option[] = "dma=unconfined";
    if (size > 0xffffffffu)
        return 0;
    bool found = cmdline_has((const char *)data, (uint32_t)size, option);
    if (found && (size > CMDLINE_MAX ||
                  !holds(data, size, option, sizeof option - 1)))
        __builtin_trap();
    return 0;
}
