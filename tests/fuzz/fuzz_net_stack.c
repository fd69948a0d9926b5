/* libFuzzer target for the stack's input path (lib/net/stack*.c): each
 * input is one frame given to a fresh stack in the state of
 * tests/net/fixture.h (link-local address claimed, DHCP running, two UDP
 * sockets). Any result is fine; a crash, undefined behaviour or an unknown
 * result code is a bug. Seeds: tests/corpus/net/stack/. */
#include <stddef.h>
#include <stdint.h>

#include "tests/net/fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum net_result result = net_fixture_decode("stack", data, size);
    if ((unsigned)result >= NET_ERR_COUNT)
        __builtin_trap();
    return 0;
}
