/* libFuzzer target for the UDP decoder (lib/net/udp.c). Input: 4 bytes of
 * source address, 4 of destination (the pseudo-header), then the segment
 * (tests/net/fixture.h). An accepted datagram re-encoded from its fields
 * must decode again to the same fields. Seeds: tests/corpus/net/udp/. */
#include <stddef.h>
#include <stdint.h>

#include "base/endian.h"
#include "net/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    uint32_t source = load32_be(data), destination = load32_be(data + 4);
    struct udp_datagram udp, again;
    if (udp_decode(bytes_make(data + 8, size - 8), source, destination, &udp) != NET_OK)
        return 0;
    static uint8_t buffer[70000];
    struct byte_buffer out = { buffer, 0, sizeof buffer };
    enum net_result result =
        udp_encode(&out, source, destination, udp.source_port, udp.destination_port, udp.payload);
    if (result == NET_ERR_TOO_LARGE)
        return 0; /* decoding takes any length a peer sends; sending stays under the MTU */
    if (result != NET_OK || udp_decode(bytes_make(buffer, out.len), source, destination, &again) != NET_OK ||
        again.source_port != udp.source_port || again.payload.len != udp.payload.len || !again.checksummed)
        __builtin_trap();
    return 0;
}
