/* libFuzzer target for the DHCP message and options decoder
 * (lib/net/dhcp.c). An accepted message has a known message type and, when
 * encoded again, decodes to the same fields. Seeds: tests/corpus/net/dhcp/. */
#include <stddef.h>
#include <stdint.h>

#include "net/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dhcp_message message, again;
    if (dhcp_decode(bytes_make(data, size), &message) != NET_OK)
        return 0;
    if (message.message_type < DHCP_DISCOVER || message.message_type > DHCP_INFORM)
        __builtin_trap();
    uint8_t buffer[600];
    struct byte_buffer out = { buffer, 0, sizeof buffer };
    if (dhcp_encode(&out, &message) != NET_OK || dhcp_decode(bytes_make(buffer, out.len), &again) != NET_OK ||
        again.xid != message.xid || again.present != message.present || again.your_ip != message.your_ip ||
        again.lease_seconds != message.lease_seconds || again.message_type != message.message_type)
        __builtin_trap();
    return 0;
}
