/* libFuzzer target for the ARP decoder (lib/net/arp.c). An accepted packet
 * must encode back to the same 28 bytes. Seeds: tests/corpus/net/arp/. */
#include <stddef.h>
#include <stdint.h>

#include "net/arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arp_packet arp;
    if (arp_decode(bytes_make(data, size), &arp) != NET_OK)
        return 0;
    uint8_t again[ARP_PACKET_SIZE];
    struct byte_buffer out = { again, 0, sizeof again };
    if (arp_encode(&out, &arp) != NET_OK || out.len != ARP_PACKET_SIZE)
        __builtin_trap();
    for (size_t i = 0; i < ARP_PACKET_SIZE; i++)
        if (again[i] != data[i])
            __builtin_trap();
    return 0;
}
