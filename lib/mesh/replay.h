/* A sliding replay window over 64-bit packet counters (the algorithm of
 * RFC 6479: a ring of bits, whole words cleared as the window advances).
 * A counter is accepted once, and only when it is greater than the highest
 * accepted so far or less than MESH_REPLAY_WINDOW behind it. Checking and
 * recording are separate so that only packets whose tag verified are
 * recorded: a forged packet cannot move the window. */
#ifndef NONOS_MESH_REPLAY_H
#define NONOS_MESH_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define MESH_REPLAY_WINDOW 2048
#define MESH_REPLAY_WORDS (MESH_REPLAY_WINDOW / 64)

struct mesh_replay {
    uint64_t highest;  /* highest accepted counter, meaningless while !any */
    bool any;
    uint64_t bits[MESH_REPLAY_WORDS];
};

void mesh_replay_init(struct mesh_replay *replay);

/* True when counter would be accepted (new and inside the window). */
bool mesh_replay_check(const struct mesh_replay *replay, uint64_t counter);

/* Records an accepted counter (call only after mesh_replay_check said yes
 * and the packet authenticated). */
void mesh_replay_record(struct mesh_replay *replay, uint64_t counter);

#endif
