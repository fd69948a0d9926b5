/* libFuzzer target for the IPv4 decoder (lib/net/ipv4.c). An accepted
 * packet has a header of 20..60 bytes whose checksum verifies, is no
 * fragment, and a payload inside the input right after the header.
 * Seeds: tests/corpus/net/ipv4/. */
#include <stddef.h>
#include <stdint.h>

#include "net/checksum.h"
#include "net/ipv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipv4_packet ip;
    if (ipv4_decode(bytes_make(data, size), &ip) != NET_OK)
        return 0;
    if (ip.header_length < IPV4_HEADER_SIZE || ip.header_length > IPV4_HEADER_MAX ||
        net_checksum(data, ip.header_length) != 0 || ip.payload.data != data + ip.header_length ||
        ip.header_length + ip.payload.len > size || ip.time_to_live == 0 || ipv4_is_multicast(ip.source))
        __builtin_trap();
    return 0;
}
