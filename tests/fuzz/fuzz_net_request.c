/* libFuzzer target for nonos.net's request decoding (user/net/request.c):
 * any label and any data (tests/user/request_replay.h), decoded as the
 * capsule decodes them. Checked with abort(): an accepted request is of a
 * known label and at most a message long; a REPORT is exactly its 4-byte
 * offset and a PING its address and sequence (6 bytes), read back here;
 * the datagram and NOTIFY labels go on to their own decoders. A refusal
 * leaves nothing decoded and is answered INVALID_ARGUMENT. The exact
 * refusal of each bad request is in tests/corpus/net-request/expected
 * (net_request_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/net.h"
#include "tests/user/request_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static uint32_t little32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *message;
    size_t length;
    uint16_t label = request_replay_split(data, size, &message, &length);
    struct net_request request;
    enum net_request_refusal refusal = net_request_replay(data, size, &request);
    require((unsigned)refusal < NET_REQUEST_ERR_COUNT);
    require((net_request_error(refusal) == 0) == (refusal == NET_REQUEST_OK));
    require(refusal == NET_REQUEST_OK || net_request_error(refusal) == NONOS_ERROR_INVALID_ARGUMENT);
    if (refusal != NET_REQUEST_OK) {
        require(request.kind == NET_REQUEST_NONE && request.offset == 0 && request.address == 0 &&
                request.sequence == 0);
        return 0;
    }
    require(length <= NONOS_MESSAGE_DATA_MAX);
    switch (request.kind) {
    case NET_REQUEST_REPORT:
        require(label == NONOS_NET_REPORT && length == 4 && request.offset == little32(message));
        break;
    case NET_REQUEST_PING:
        require(label == NONOS_NET_PING && length == 6 && request.address == little32(message) &&
                request.sequence == (uint16_t)(message[4] | message[5] << 8));
        break;
    case NET_REQUEST_DATAGRAM:
        require(label >= NONOS_NET_UDP_BIND && label <= NONOS_NET_UDP_UNBIND);
        break;
    case NET_REQUEST_NOTIFY:
        require(label == NONOS_NET_UDP_NOTIFY);
        break;
    default:
        require(false);
    }
    return 0;
}
