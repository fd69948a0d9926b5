/* libFuzzer target for the requests other capsules send nonos.net's
 * datagram API (user/lib/datagram_wire.c): any label, any message data and
 * any state of the client's socket (tests/user/datagram_replay.h), replayed
 * as the capsule runs them. What an accepted request lets the capsule do is
 * checked with abort(): a SEND's chunk lies within the message and, copied
 * at its offset, within a datagram of at most NONOS_NET_UDP_MAX bytes (the
 * copy itself is made, so ASan sees any overrun of that buffer); a
 * RECEIVE's chunk lies within the held datagram and one reply. A refusal
 * leaves the decoded request all zero. The exact refusal of each bad
 * request is in tests/corpus/net-datagram/expected (datagram_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nonos/abi.h"
#include "nonos/net.h"
#include "tests/user/datagram_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t outgoing[NONOS_NET_UDP_MAX];
    static const struct datagram_request zero;
    struct datagram_request request;
    uint32_t chunk;
    enum datagram_refusal refusal = datagram_replay(data, size, &request, &chunk);
    require((unsigned)refusal < DATAGRAM_ERR_COUNT);
    require((datagram_wire_error(refusal) == 0) == (refusal == DATAGRAM_OK));
    if (refusal == DATAGRAM_ERR_LABEL || refusal == DATAGRAM_ERR_LENGTH) {
        require(memcmp(&request, &zero, sizeof zero) == 0);
        return 0;
    }
    if (refusal != DATAGRAM_OK)
        return 0;
    uint16_t state = size >= 4 ? (uint16_t)(data[2] | data[3] << 8) : 0;
    if (request.label == NONOS_NET_UDP_SEND) {
        const uint8_t *message = data + DATAGRAM_REPLAY_HEADER;
        require(request.chunk == message + NONOS_NET_UDP_SEND_HEADER);
        require(NONOS_NET_UDP_SEND_HEADER + request.chunk_length == size - DATAGRAM_REPLAY_HEADER);
        require(request.chunk_length >= 1 && request.chunk_length <= NONOS_MESSAGE_DATA_MAX - NONOS_NET_UDP_SEND_HEADER);
        require(request.total >= 1 && request.total <= NONOS_NET_UDP_MAX);
        require(request.offset == 0 || request.offset == state);
        require((size_t)request.offset + request.chunk_length <= request.total);
        memcpy(outgoing + request.offset, request.chunk, request.chunk_length);
    } else if (request.label == NONOS_NET_UDP_RECEIVE) {
        require(request.offset <= state && request.offset + chunk <= state);
        require(chunk <= NONOS_MESSAGE_DATA_MAX - NONOS_NET_UDP_RECEIVE_HEADER);
    } else {
        require(request.label == NONOS_NET_UDP_BIND || request.label == NONOS_NET_UDP_UNBIND);
    }
    return 0;
}
