/* The whole receive path of an overlay driven by a byte string: a script
 * of datagrams, beacons and time steps for node 0 of the in-memory network
 * (overlay_fixture.h), with node 1 as an honest peer when asked, checked
 * against the overlay's invariants after every step. Shared by
 * fuzz_mesh_overlay (any bytes) and overlay_corpus (tests/corpus/
 * mesh-overlay: hostile sequences and the exact refusal of their last
 * datagram), so the corpus seeds the fuzzer and both run one path.
 * Test-only.
 *
 * Script: one flags byte (bit 0: the peer runs and pings node 0 at the
 * start; bit 1: node 0 has no wall clock, adopt_clock), then steps until
 * the bytes end. Each step is an op byte: its low 3 bits pick the op, its
 * high 5 bits advance the clock by that many times 50 ms first. SRC is one
 * byte naming the source address (overlay_script_source), LEN two (LE).
 *   0 DATAGRAM SRC LEN bytes     to node 0's session address
 *   1 BEACON SRC LEN bytes       to node 0's beacon address
 *   2 RUN n                      both nodes tick and deliver for n x 10 ms
 *                                (60 s of RUN in all per script, so a run is cheap)
 *   3 WAIT n                     n x n seconds pass; node 0 ticks once
 *   4 REPLAY SRC i pos xor       one of the last datagrams the peer sent node 0
 *                                (i-th, newest first) again, byte pos ^= xor
 *   5 SEAL LEN bytes             the peer seals the bytes in its session with
 *                                node 0 (skipped without one) and sends them
 *   6 PEER-BEACON what dt SRC    a beacon signed by the peer (what bit 0: by
 *                                node 0 itself; bit 1: port changed after
 *                                signing), time = mesh time + (int8)dt s
 *   7 PEER-PUT key value         the peer puts a 1-byte value under key
 * A step cut short by the end of the script is not run.
 *
 * Invariants (a broken one prints what broke and aborts): every datagram
 * and beacon node 0 was handed is accepted or counted in exactly the
 * refusal counter of its result; a DHT message inside a session reaches
 * the DHT or is counted as a sender mismatch, and every refusal of the DHT
 * is in dht_refused; neighbours are distinct, never node 0, at a real
 * address; slot queues within MESH_OVERLAY_QUEUE; sessions no more than
 * handshakes completed; the routing table and the record store within
 * their capacities, no publisher over its share, no record beyond the
 * maximum lifetime; no time recorded after now, the mesh clock never goes
 * back, and the next deadline is never in the past. */
#ifndef NONOS_TESTS_MESH_OVERLAY_SCRIPT_H
#define NONOS_TESTS_MESH_OVERLAY_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "mesh/dht.h"

enum overlay_script_op {
    SCRIPT_DATAGRAM, SCRIPT_BEACON, SCRIPT_RUN, SCRIPT_WAIT,
    SCRIPT_REPLAY, SCRIPT_SEAL, SCRIPT_PEER_BEACON, SCRIPT_PEER_PUT,
};

#define SCRIPT_WITH_PEER 1
#define SCRIPT_ADOPT_CLOCK 2
#define SCRIPT_SOURCE_PEER 0 /* SRC 0: the peer's address, 1: node 0's own */
#define SCRIPT_SOURCE_SELF 1

/* The outcome of the script's last DATAGRAM, BEACON, REPLAY, SEAL or
 * PEER-BEACON step, one number: 0 accepted all the way; 1..19 the session
 * layer's enum mesh_result; SCRIPT_BEACON_BASE + enum mesh_beacon_result;
 * SCRIPT_SENDER_MISMATCH; SCRIPT_DHT_BASE + the DHT's enum dht_error. A
 * script without such a step gives SCRIPT_NO_DATAGRAM. */
#define SCRIPT_BEACON_BASE 20
#define SCRIPT_SENDER_MISMATCH 31
#define SCRIPT_DHT_BASE 32
#define SCRIPT_NO_DATAGRAM (SCRIPT_DHT_BASE + DHT_ERROR_COUNT)
#define SCRIPT_OUTCOMES (SCRIPT_NO_DATAGRAM + 1)

/* Mints the identities of node 0 and the peer (overlay_fixture_identities
 * 0 and 1), the same ones every time; only the first call does work. */
void overlay_script_mint(void);

/* Mints (overlay_script_mint), then runs the script on fresh overlays;
 * returns the outcome. */
int overlay_script_run(const uint8_t *script, size_t size);

/* "MESH_ERR_REPLAY", "MESH_BEACON_ERR_STALE", "DHT_ERR_RATE", ...; never NULL. */
const char *overlay_script_outcome_name(int outcome);

/* The address SRC names: 0 the peer's, 1 node 0's own, 255 a non-IPv4
 * family with port 0, else 10.1.0.(SRC & 63) port 4978 + (SRC >> 6). */
struct dht_address overlay_script_source(uint8_t source);

#endif
