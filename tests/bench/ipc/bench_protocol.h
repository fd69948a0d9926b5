/* What the two bench-ipc capsules agree on (tests/bench/ipc/server and
 * client). They meet through the name service (nonos/names.h,
 * docs/names.md): the server's manifest provides BENCH_SERVICE, the
 * client's lists it under [policy.capabilities] ipc. Freestanding. */
#ifndef NONOS_TESTS_BENCH_IPC_PROTOCOL_H
#define NONOS_TESTS_BENCH_IPC_PROTOCOL_H

#include <nonos/abi.h>

#define BENCH_SERVICE "bench.ipc"
#define BENCH_SERVICE_LENGTH (sizeof BENCH_SERVICE - 1)

/* Labels of the bench's calls: a round trip, the last call, and the call
 * after which the server answers with register messages
 * (nonos/ipc_registers.h: the IPC fast path). */
enum { BENCH_LABEL_PING = 1, BENCH_LABEL_QUIT = 2, BENCH_LABEL_REGISTERS = 3 };

/* Slots the capsules use (the first free ones). */
enum { BENCH_SLOT_ENDPOINT = NONOS_SLOT_FIRST_FREE, BENCH_SLOT_REPLY };

#endif
