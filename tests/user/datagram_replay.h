/* One nonos.net datagram request as the corpus (tests/corpus/net-datagram)
 * and the fuzz target (tests/fuzz/fuzz_net_datagram.c) hold it, replayed
 * through user/lib/datagram_wire.c as the capsule runs it. Test-only.
 *
 * Input: bytes 0..1 the label (little endian), bytes 2..3 the state of the
 * client's socket (for SEND the bytes gathered of the send in progress, for
 * RECEIVE the length of the held datagram), then the message's data (its
 * length is what remains, so more than NONOS_MESSAGE_DATA_MAX is possible
 * here, as it is not from the kernel). An input shorter than 4 bytes is
 * read with the missing bytes as 0 and no data. */
#ifndef NONOS_TESTS_USER_DATAGRAM_REPLAY_H
#define NONOS_TESTS_USER_DATAGRAM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "datagram_wire.h"

#define DATAGRAM_REPLAY_HEADER 4

/* The first refusal: decode, then for SEND the chunk check against the
 * gathered bytes, for RECEIVE the read window of the held datagram
 * (*receive_chunk: that reply's chunk). *request as decoded. */
enum datagram_refusal datagram_replay(const uint8_t *input, size_t size, struct datagram_request *request,
                                      uint32_t *receive_chunk);

#endif
