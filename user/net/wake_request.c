/* Decoding NONOS_NET_UDP_NOTIFY (wake_request.h): data is the port (2
 * bytes) and the bits (8), little endian; the message's capability, when
 * present, is the notification to signal. Bits 0 would never wake the
 * client; bit 63 the kernel refuses in a signal. */
#include "wake_request.h"

#include <nonos/error.h>

uint64_t wake_request_decode(const struct nonos_message *message, struct wake_request *out)
{
    if (message->length != 10)
        return NONOS_ERROR_INVALID_ARGUMENT;
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--)
        bits = bits << 8 | message->data[2 + i];
    bool stop = message->capability == NONOS_SLOT_NONE;
    if (!stop && (bits == 0 || (bits >> 63) != 0))
        return NONOS_ERROR_INVALID_ARGUMENT;
    out->port = (uint16_t)(message->data[0] | message->data[1] << 8);
    out->bits = bits;
    out->stop = stop;
    return 0;
}
