/* Replaying one corpus or fuzz input through boot/memory_map.c
 * (memory_map_replay.h). */
#include "tests/boot/memory_map_replay.h"

#include <stdlib.h>

#include "base/endian.h"

static uint16_t input16(const uint8_t *input, size_t size, size_t at)
{
    uint16_t low = at < size ? input[at] : 0, high = at + 1 < size ? input[at + 1] : 0;
    return (uint16_t)(low | high << 8);
}

int memory_map_replay(const uint8_t *input, size_t size, struct memory_map_replay *replay)
{
    *replay = (struct memory_map_replay){ .result = MEMORY_MAP_OK, .count = 99 };
    size_t stride = input16(input, size, 0), capacity = input16(input, size, 2);
    size_t claim_count = input16(input, size, 4);
    size_t rest = size > MEMORY_MAP_REPLAY_HEADER ? size - MEMORY_MAP_REPLAY_HEADER : 0;
    if (claim_count > rest / MEMORY_MAP_REPLAY_CLAIM)
        claim_count = rest / MEMORY_MAP_REPLAY_CLAIM;
    const uint8_t *claim_bytes = input + MEMORY_MAP_REPLAY_HEADER;
    struct memory_claim *claims = calloc(claim_count + 1, sizeof *claims);
    for (size_t i = 0; claims != NULL && i < claim_count; i++) {
        const uint8_t *c = claim_bytes + i * MEMORY_MAP_REPLAY_CLAIM;
        claims[i] = (struct memory_claim){ load64_le(c), load32_le(c + 8), load32_le(c + 12) };
    }
    size_t map_at = MEMORY_MAP_REPLAY_HEADER + claim_count * MEMORY_MAP_REPLAY_CLAIM;
    size_t map_length = size > map_at ? size - map_at : 0;
    size_t descriptors = stride >= EFI_DESCRIPTOR_MIN_SIZE ? map_length / stride : 0;
    replay->bound = memory_map_capacity(descriptors, claim_count);
    replay->capacity = capacity != 0 ? capacity : replay->bound;
    replay->regions = calloc(replay->capacity, sizeof *replay->regions);
    if (claims == NULL || replay->regions == NULL) {
        free(claims);
        return 0;
    }
    struct bytes map = bytes_make(map_length != 0 ? input + map_at : input, map_length);
    replay->result = memory_map_build(map, stride, claims, claim_count, replay->regions, replay->capacity,
                                      &replay->count);
    free(claims);
    return 1;
}

const char *memory_map_result_name(enum memory_map_result result)
{
    static const char *const names[MEMORY_MAP_RESULT_COUNT] = {
        [MEMORY_MAP_OK] = "MEMORY_MAP_OK",
        [MEMORY_MAP_ERR_DESCRIPTOR_SIZE] = "MEMORY_MAP_ERR_DESCRIPTOR_SIZE",
        [MEMORY_MAP_ERR_UNALIGNED] = "MEMORY_MAP_ERR_UNALIGNED",
        [MEMORY_MAP_ERR_WRAPS] = "MEMORY_MAP_ERR_WRAPS",
        [MEMORY_MAP_ERR_FULL] = "MEMORY_MAP_ERR_FULL",
        [MEMORY_MAP_ERR_TOO_LARGE] = "MEMORY_MAP_ERR_TOO_LARGE",
    };
    return (unsigned)result < MEMORY_MAP_RESULT_COUNT ? names[result] : "MEMORY_MAP_ERR_?";
}
