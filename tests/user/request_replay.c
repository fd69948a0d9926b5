/* Replaying one corpus or fuzz input through user/mesh/command.c,
 * user/lib/net_reply.c, user/shell/stack_reply.c or user/net/request.c
 * (request_replay.h). */
#include "tests/user/request_replay.h"

uint16_t request_replay_split(const uint8_t *input, size_t size, const uint8_t **data, size_t *length)
{
    uint16_t low = size > 0 ? input[0] : 0, high = size > 1 ? input[1] : 0;
    *data = size > REQUEST_REPLAY_HEADER ? input + REQUEST_REPLAY_HEADER : input;
    *length = size > REQUEST_REPLAY_HEADER ? size - REQUEST_REPLAY_HEADER : 0;
    return (uint16_t)(low | high << 8);
}

enum mesh_command_refusal mesh_command_replay(const uint8_t *input, size_t size, struct mesh_command *out)
{
    const uint8_t *data;
    size_t length;
    uint16_t label = request_replay_split(input, size, &data, &length);
    return mesh_command_decode(label, data, length, out);
}

enum net_request_refusal net_request_replay(const uint8_t *input, size_t size, struct net_request *out)
{
    const uint8_t *data;
    size_t length;
    uint16_t label = request_replay_split(input, size, &data, &length);
    return net_request_decode(label, data, length, out);
}

enum net_reply_refusal net_reply_replay(const uint8_t *input, size_t size, struct net_reply *out)
{
    const uint8_t *data, *rest;
    size_t length, rest_length;
    uint16_t label = request_replay_split(input, size, &data, &length);
    uint16_t got = request_replay_split(data, length, &rest, &rest_length);
    uint16_t total = request_replay_split(rest, rest_length, &data, &length);
    return net_reply_decode(label, data, length, got, total, out);
}

enum stack_reply_refusal stack_reply_replay(const uint8_t *input, size_t size, struct stack_reply *out)
{
    const uint8_t *data;
    size_t length;
    uint16_t label = request_replay_split(input, size, &data, &length);
    return stack_reply_decode(label, data, length, out);
}
