/* libFuzzer target for the loader's memory map conversion
 * (boot/memory_map.c): any descriptor size, output capacity, claims and
 * firmware map (tests/boot/memory_map_replay.h), converted as the loader
 * converts them. On success the output must be sorted, page aligned,
 * non-overlapping, merged and, with the loader's capacity
 * (memory_map_capacity), never full; on error its count is 0. The exact
 * result of each bad map is in tests/corpus/boot-memory-map/expected
 * (tests/boot/memory_map_corpus.c), which seeds this target. */
#include <stdlib.h>

#include "tests/boot/memory_map_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
    if (!condition)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct memory_map_replay replay;
    if (!memory_map_replay(data, size, &replay))
        return 0;
    require((unsigned)replay.result < MEMORY_MAP_RESULT_COUNT);
    require(memory_map_result_message(replay.result)[0] != '\0');
    if (replay.capacity == replay.bound)
        require(replay.result != MEMORY_MAP_ERR_FULL);
    if (replay.result != MEMORY_MAP_OK) {
        require(replay.count == 0);
    } else {
        require(replay.count <= replay.capacity);
        const struct boot_memory_region *out = replay.regions;
        for (uint32_t i = 0; i < replay.count; i++) {
            require((out[i].base & 0xfff) == 0 && out[i].pages != 0 && out[i].type != 0);
            if (i > 0) {
                uint64_t end = out[i - 1].base + out[i - 1].pages * 4096;
                require(out[i].base >= end && (out[i].base != end || out[i].type != out[i - 1].type));
            }
        }
    }
    free(replay.regions);
    return 0;
}
