/* libFuzzer target for the loader's memory map conversion
 * (boot/memory_map.c). The first byte picks the descriptor size (40..103),
 * the next 48 bytes three claims, the rest are descriptors. On success the
 * output must be sorted, page aligned, non-overlapping, merged and within
 * the capacity bound of memory_map_capacity; on error its count is 0. */
#include <stdint.h>
#include <stdlib.h>

#include "base/endian.h"
#include "boot/memory_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 49)
        return 0;
    size_t stride = 40 + (data[0] & 63);
    struct memory_claim claims[3];
    for (int i = 0; i < 3; i++) {
        claims[i].base = load64_le(data + 1 + 16 * i) & ~0xfffULL;
        claims[i].bytes = load32_le(data + 9 + 16 * i);
        claims[i].type = 6 + (data[13 + 16 * i] % 3);
    }
    /* Whole descriptors only: the partial-descriptor error is a unit test. */
    size_t descriptors = (size - 49) / stride;
    struct bytes map = bytes_make(data + 49, descriptors * stride);
    size_t capacity = memory_map_capacity(descriptors, 3);
    struct boot_memory_region *out = malloc(capacity * sizeof *out);
    uint32_t count = 99;
    enum memory_map_result r = memory_map_build(map, stride, claims, 3, out, capacity, &count);
    if (r != MEMORY_MAP_OK) {
        if (count != 0 || !memory_map_result_message(r)[0])
            abort();
    } else {
        if (count > capacity)
            abort();
        for (uint32_t i = 0; i < count; i++) {
            if ((out[i].base & 0xfff) || out[i].pages == 0 || out[i].type < 1 || out[i].type > 8)
                abort();
            if (i > 0) {
                uint64_t end = out[i - 1].base + out[i - 1].pages * 4096;
                if (out[i].base < end || (out[i].base == end && out[i].type == out[i - 1].type))
                    abort();
            }
        }
    }
    free(out);
    return 0;
}
