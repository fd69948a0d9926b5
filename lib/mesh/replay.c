/* Replay window (replay.h). The ring holds MESH_REPLAY_WINDOW bits; bit
 * (c mod window) stands for counter c while c is within the window. A
 * window of W bits guarantees W - 63 counters behind the highest (the
 * current word may be partly cleared), as in RFC 6479; the check below uses
 * the stricter W - 64 bound so that a word never stands for two counters. */
#include "mesh/replay.h"

#define USABLE (MESH_REPLAY_WINDOW - 64)

void mesh_replay_init(struct mesh_replay *replay)
{
    __builtin_memset(replay, 0, sizeof *replay);
}

bool mesh_replay_check(const struct mesh_replay *replay, uint64_t counter)
{
    if (!replay->any || counter > replay->highest)
        return true;
    if (replay->highest - counter >= USABLE)
        return false;
    uint64_t bit = counter % MESH_REPLAY_WINDOW;
    return (replay->bits[bit / 64] >> (bit % 64) & 1) == 0;
}

void mesh_replay_record(struct mesh_replay *replay, uint64_t counter)
{
    if (!replay->any || counter > replay->highest) {
        uint64_t from_word = replay->any ? replay->highest / 64 + 1 : 0;
        uint64_t to_word = counter / 64;
        if (!replay->any || to_word - from_word + 1 >= MESH_REPLAY_WORDS) {
            __builtin_memset(replay->bits, 0, sizeof replay->bits);
        } else {
            for (uint64_t w = from_word; w <= to_word; w++)
                replay->bits[w % MESH_REPLAY_WORDS] = 0;
        }
        replay->highest = counter;
        replay->any = true;
    }
    uint64_t bit = counter % MESH_REPLAY_WINDOW;
    replay->bits[bit / 64] |= (uint64_t)1 << (bit % 64);
}
