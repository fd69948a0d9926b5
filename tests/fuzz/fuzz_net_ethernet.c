/* libFuzzer target for the Ethernet II decoder (lib/net/ethernet.c). Any
 * result is fine; a crash, a read outside the input or undefined behaviour
 * is a bug, and so is an accepted frame whose payload is not the rest of it.
 * Seeds: tests/corpus/net/ethernet/. */
#include <stddef.h>
#include <stdint.h>

#include "net/ethernet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct eth_frame frame;
    if (eth_decode(bytes_make(data, size), &frame) == NET_OK &&
        (frame.payload.data != data + ETH_HEADER_SIZE || frame.payload.len != size - ETH_HEADER_SIZE ||
         frame.type < 0x0600 || eth_address_is_group(&frame.source)))
        __builtin_trap();
    return 0;
}
