/* Decoding nonos.net's REPORT and PING replies to the shell
 * (stack_reply.h). Pure: no state, no system calls, so that the host
 * tests, the corpus in tests/corpus/shell-net-reply/ and the fuzz target
 * see exactly what `ip` and `ping` run. Lengths first, then fields. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/net.h>

#include "stack_reply.h"

#define PING_HEADER 9 /* echoed (1), round trip (8) */

static uint64_t read64(const uint8_t *p)
{
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--)
        value = value << 8 | p[i];
    return value;
}

/* A reply that never says why it failed is allowed (the shell shows an
 * empty reason); an echo with text after it is not the layout. */
static enum stack_reply_refusal ping_decode(const uint8_t *data, size_t length, struct stack_reply *out)
{
    if (length < PING_HEADER)
        return STACK_REPLY_ERR_LENGTH;
    if (data[0] > 1)
        return STACK_REPLY_ERR_ECHO;
    if (data[0] == 1 && length != PING_HEADER)
        return STACK_REPLY_ERR_LENGTH;
    out->echoed = data[0];
    out->round_trip = read64(data + 1);
    if (length > PING_HEADER) {
        out->text = data + PING_HEADER;
        out->text_length = (uint32_t)(length - PING_HEADER);
    }
    return STACK_REPLY_OK;
}

enum stack_reply_refusal stack_reply_decode(uint64_t label, const uint8_t *data, size_t length,
                                            struct stack_reply *out)
{
    *out = (struct stack_reply){ 0 };
    enum stack_reply_refusal refusal = STACK_REPLY_OK;
    if (label != NONOS_NET_REPORT && label != NONOS_NET_PING)
        refusal = STACK_REPLY_ERR_LABEL;
    else if (length > NONOS_MESSAGE_DATA_MAX)
        refusal = STACK_REPLY_ERR_LENGTH;
    else if (label == NONOS_NET_PING)
        refusal = ping_decode(data, length, out);
    else if (length > 0) {
        out->text = data;
        out->text_length = (uint32_t)length;
    }
    if (refusal != STACK_REPLY_OK)
        *out = (struct stack_reply){ 0 };
    return refusal;
}

const char *stack_reply_name(enum stack_reply_refusal refusal)
{
    static const char *const names[STACK_REPLY_ERR_COUNT] = {
        [STACK_REPLY_OK] = "STACK_REPLY_OK",
        [STACK_REPLY_ERR_LABEL] = "STACK_REPLY_ERR_LABEL",
        [STACK_REPLY_ERR_LENGTH] = "STACK_REPLY_ERR_LENGTH",
        [STACK_REPLY_ERR_ECHO] = "STACK_REPLY_ERR_ECHO",
    };
    return (unsigned)refusal < STACK_REPLY_ERR_COUNT ? names[refusal] : "STACK_REPLY_ERR_?";
}

const char *stack_reply_message(enum stack_reply_refusal refusal)
{
    switch (refusal) {
    case STACK_REPLY_OK: return NULL;
    case STACK_REPLY_ERR_LABEL: return "not a reply to a report or ping";
    case STACK_REPLY_ERR_LENGTH: return "the wrong length for the reply";
    case STACK_REPLY_ERR_ECHO: return "a ping reply of an unknown result";
    default: return "unknown refusal";
    }
}
