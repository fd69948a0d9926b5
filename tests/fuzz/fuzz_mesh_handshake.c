/* libFuzzer target for the Noise_XX handshake message reader
 * (lib/mesh/noise.c): byte 0 picks message 1, 2 or 3, the rest is read by
 * the side expecting it (tests/mesh/decode_fixture.h). Corpus:
 * tests/corpus/mesh-handshake with the exact result of each file (checked
 * by tests/mesh/corpus_check in suite 27). Any result is fine (XX accepts
 * a message 2 or 3 from any key pair, so success is no forgery); a crash, a
 * read outside the input or undefined behaviour is a bug. */
#include <stddef.h>
#include <stdint.h>

#include "tests/mesh/decode_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum mesh_result result = fixture_handshake_result(data, size);
    (void)result;
    return 0;
}
