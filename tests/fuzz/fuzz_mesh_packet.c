/* libFuzzer target for the mesh datagram decoder and the session checks
 * behind it (lib/mesh/packet.c, session.c): a fresh responder endpoint
 * receives each input (tests/mesh/decode_fixture.h). Corpus:
 * tests/corpus/mesh-packet with the exact result of each file (checked by
 * tests/mesh/corpus_check in suite 27). A crash, a read outside the input or
 * undefined behaviour is a bug; so is a datagram the endpoint accepts whose
 * layout the decoder refuses. */
#include <stddef.h>
#include <stdint.h>

#include "tests/mesh/decode_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mesh_packet packet;
    enum mesh_result layout = mesh_packet_decode(data, size, &packet);
    enum mesh_result result = fixture_packet_result(data, size);
    if (result == MESH_OK && layout != MESH_OK)
        __builtin_trap();
    if (layout != MESH_OK && result != layout)
        __builtin_trap();
    return 0;
}
