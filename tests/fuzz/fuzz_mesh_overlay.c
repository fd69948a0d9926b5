/* libFuzzer target for an overlay's whole receive path (lib/mesh/overlay.c:
 * mesh_overlay_receive and mesh_overlay_beacon_receive with the real
 * sessions, handshakes and DHT behind them). Each input is a script
 * (tests/mesh/overlay_script.h): datagrams and beacons from chosen
 * addresses, time steps, and an honest peer whose sessions really open and
 * whose packets can be replayed, altered or used to carry any DHT bytes.
 * The script checks the overlay's invariants after every step and aborts
 * on a broken one (counters that do not add up, a table over its bounds,
 * time going back); a crash, a read outside the input or undefined
 * behaviour is a bug too. Seeds: tests/corpus/mesh-overlay (the hostile
 * sequences whose exact refusal overlay_corpus checks in suite 28). */
#include <stddef.h>
#include <stdint.h>

#include "tests/mesh/overlay_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)overlay_script_run(data, size);
    return 0;
}
