/* libFuzzer target for the mesh capsule's reading of nonos.net's replies
 * (user/lib/net_reply.c): any reply to any label, with any gathered
 * bytes and total so far (tests/user/request_replay.h), decoded as the
 * capsule decodes them. Checked with abort(): a BIND reply is 5 bytes of
 * a known scope; a SEND result is a known NONOS_NET_SENT_*, its text the
 * rest of the reply; a RECEIVE chunk lies within the reply and, copied at
 * the gathered offset, within the capsule's datagram buffer of NONOS_NET_UDP_MAX bytes (the copy is
 * made, so ASan sees any overrun), with the same total as before and
 * progress unless the datagram is complete. A refusal leaves nothing
 * decoded. The exact refusal of each bad reply is in
 * tests/corpus/mesh-net-reply/expected (mesh_net_reply_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nonos/abi.h"
#include "nonos/net.h"
#include "tests/user/request_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static uint16_t input16(const uint8_t *data, size_t size, size_t at)
{
    uint16_t low = at < size ? data[at] : 0, high = at + 1 < size ? data[at + 1] : 0;
    return (uint16_t)(low | high << 8);
}

static void receive_check(const struct net_reply *reply, const uint8_t *data, size_t size, uint16_t got,
                          uint16_t first)
{
    static uint8_t datagram[NONOS_NET_UDP_MAX];
    require(reply->total <= NONOS_NET_UDP_MAX);
    if (reply->chunk == NULL) {
        require(reply->total == 0 && reply->chunk_length == 0 && got == 0 && size <= NET_REPLY_REPLAY_HEADER);
        return;
    }
    require(reply->chunk == data + NET_REPLY_REPLAY_HEADER + NONOS_NET_UDP_RECEIVE_HEADER);
    require(reply->chunk + reply->chunk_length == data + size);
    require(got == 0 || reply->total == first);
    require((size_t)got + reply->chunk_length <= reply->total);
    require(reply->chunk_length > 0 || got >= reply->total);
    if (reply->chunk_length > 0)
        memcpy(datagram + got, reply->chunk, reply->chunk_length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t label = input16(data, size, 0), got = input16(data, size, 2), first = input16(data, size, 4);
    struct net_reply reply;
    enum net_reply_refusal refusal = net_reply_replay(data, size, &reply);
    require((unsigned)refusal < NET_REPLY_ERR_COUNT);
    require((net_reply_message(refusal) == NULL) == (refusal == NET_REPLY_OK));
    if (refusal != NET_REPLY_OK) {
        require(reply.scope == 0 && reply.sent == 0 && reply.address == 0 && reply.port == 0 && reply.total == 0 &&
                reply.chunk == NULL && reply.chunk_length == 0 && reply.text == NULL && reply.text_length == 0);
        return 0;
    }
    size_t length = size > NET_REPLY_REPLAY_HEADER ? size - NET_REPLY_REPLAY_HEADER : 0;
    require(length <= NONOS_MESSAGE_DATA_MAX);
    if (label == NONOS_NET_UDP_BIND)
        require(length == 5 && reply.scope <= 1);
    else if (label == NONOS_NET_UDP_SEND)
        require(length >= 1 && reply.sent <= NONOS_NET_SENT_FAILED && reply.text_length == length - 1 &&
                (length == 1 ? reply.text == NULL : reply.text == data + NET_REPLY_REPLAY_HEADER + 1));
    else if (label == NONOS_NET_UDP_RECEIVE)
        receive_check(&reply, data, size, got, first);
    else
        require(false);
    return 0;
}
