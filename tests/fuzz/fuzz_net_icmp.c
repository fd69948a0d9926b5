/* libFuzzer target for the ICMP echo decoder (lib/net/icmp.c). An accepted
 * echo re-encoded from its fields gives the same bytes (the checksum may
 * differ only between the two encodings of zero, 0x0000 and 0xffff).
 * Seeds: tests/corpus/net/icmp/. */
#include <stddef.h>
#include <stdint.h>

#include "net/icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct icmp_echo echo;
    if (icmp_echo_decode(bytes_make(data, size), &echo) != NET_OK)
        return 0;
    static uint8_t buffer[70000];
    struct byte_buffer out = { buffer, 0, sizeof buffer };
    enum net_result result = icmp_echo_encode(&out, &echo);
    if (result == NET_ERR_TOO_LARGE)
        return 0;
    if (result != NET_OK || out.len != size)
        __builtin_trap();
    for (size_t i = 0; i < size; i++)
        if (i != 2 && i != 3 && buffer[i] != data[i])
            __builtin_trap();
    return 0;
}
