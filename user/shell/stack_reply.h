/* The replies the shell reads from nonos.net's stack service
 * (sdk/include/nonos/net.h), decoded without any state of the shell: `ip`
 * reads REPORT, `ping` reads PING. (Its `udp` reads the datagram API's
 * replies through user/lib/net_reply.h, shared with the mesh capsule.)
 * They come from another process: outside input, checked before a byte of
 * them is used.
 *
 *   REPORT  0..NONOS_MESSAGE_DATA_MAX bytes of the report's text (empty:
 *           past its end)
 *   PING    echoed (1: 0 or 1), round trip in ms (8); echoed, nothing
 *           more; not echoed, then why as text (may be empty)
 * Integers little endian. The text is a view into the reply and may hold
 * any byte: the shell shows it through text_append_escaped (text.h). Each
 * refusal has its own code (enum stack_reply_refusal, its symbol for the
 * corpus in tests/corpus/shell-net-reply/); on a refusal *out is all zero.
 * Freestanding. */
#ifndef NONOS_USER_SHELL_STACK_REPLY_H
#define NONOS_USER_SHELL_STACK_REPLY_H

#include <stddef.h>
#include <stdint.h>

enum stack_reply_refusal {
    STACK_REPLY_OK = 0,
    STACK_REPLY_ERR_LABEL,  /* not the reply to REPORT or PING */
    STACK_REPLY_ERR_LENGTH, /* over a message; PING under 9 bytes, or echoed with more */
    STACK_REPLY_ERR_ECHO,   /* PING: byte 0 neither 0 nor 1 */
    STACK_REPLY_ERR_COUNT
};

struct stack_reply {
    uint8_t echoed;        /* PING: 1 when the echo came back */
    uint64_t round_trip;   /* PING: ms */
    const uint8_t *text;   /* REPORT: the piece; PING not echoed: why (NULL when empty) */
    uint32_t text_length;
};

/* The reply data[0..length) to a request of `label`. */
enum stack_reply_refusal stack_reply_decode(uint64_t label, const uint8_t *data, size_t length,
                                            struct stack_reply *out);

/* The symbol ("STACK_REPLY_ERR_ECHO"); "STACK_REPLY_ERR_?" out of range. */
const char *stack_reply_name(enum stack_reply_refusal refusal);

/* What is wrong, in words (NULL for STACK_REPLY_OK). */
const char *stack_reply_message(enum stack_reply_refusal refusal);

#endif
