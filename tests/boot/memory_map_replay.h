/* One UEFI memory map as the corpus (tests/corpus/boot-memory-map) and the
 * fuzz target (tests/fuzz/fuzz_boot_memory_map.c) hold it, converted by
 * boot/memory_map.c as the loader converts the firmware's. Test-only.
 *
 * Input (little endian): bytes 0..1 the descriptor size the firmware
 * reports; 2..3 the output capacity in regions (0: memory_map_capacity's
 * bound, as the loader sizes it); 4..5 the number of loader claims, then
 * that many claims of 16 bytes (base 8, bytes 4, type 4; only the whole
 * claims present count); the rest is the firmware's map, any length. An
 * input shorter than the header reads the missing bytes as 0. */
#ifndef NONOS_TESTS_BOOT_MEMORY_MAP_REPLAY_H
#define NONOS_TESTS_BOOT_MEMORY_MAP_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "boot/memory_map.h"

#define MEMORY_MAP_REPLAY_HEADER 6
#define MEMORY_MAP_REPLAY_CLAIM 16
#define MEMORY_MAP_RESULT_COUNT (MEMORY_MAP_ERR_TOO_LARGE + 1)

struct memory_map_replay {
    enum memory_map_result result;
    uint32_t count;      /* regions written */
    size_t capacity;     /* the output's capacity used */
    size_t bound;        /* memory_map_capacity for this input */
    struct boot_memory_region *regions; /* malloc'd, capacity entries; free() it */
};

/* Converts the input; false only when the output could not be allocated. */
int memory_map_replay(const uint8_t *input, size_t size, struct memory_map_replay *replay);

/* The symbol ("MEMORY_MAP_ERR_WRAPS"); "MEMORY_MAP_ERR_?" out of range. */
const char *memory_map_result_name(enum memory_map_result result);

#endif
