/* The mesh node's service (user/mesh, docs/mesh.md "The in-OS node"): the
 * mesh capsule registers NONOS_MESH_SERVICE; a capsule whose manifest lists
 * it under [policy.capabilities] ipc asks:
 *
 *   NONOS_MESH_COMMAND  data: one command line of printable ASCII
 *                       (0x20..0x7e), words separated by one space:
 *                       "status", "put KEY VALUE" (VALUE: the rest of the
 *                       line) or "get KEY". Reply: label 0, data: the
 *                       answer as text (up to NONOS_MESSAGE_DATA_MAX
 *                       bytes); a malformed line is answered the same way
 *                       with "error <what>; usage: ..." and changes nothing
 *                       (docs/mesh.md, "The in-OS node"). put and get wait
 *                       for their lookup (at most NONOS_MESH_WAIT_MS).
 *
 * Another label is answered with NONOS_ERROR_INVALID_ARGUMENT.
 * Freestanding. */
#ifndef NONOS_SDK_MESH_H
#define NONOS_SDK_MESH_H

#define NONOS_MESH_SERVICE "nonos.mesh"
#define NONOS_MESH_COMMAND 1
#define NONOS_MESH_WAIT_MS 10000

#endif
