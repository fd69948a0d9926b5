/* The mesh node's service (user/mesh, docs/mesh.md "The in-OS node"): the
 * mesh capsule registers NONOS_MESH_SERVICE; a capsule whose manifest lists
 * it under [policy.capabilities] ipc asks:
 *
 *   NONOS_MESH_COMMAND  data: one command line, no NUL: "status",
 *                       "put KEY VALUE" or "get KEY". Reply: label 0,
 *                       data: the answer as text (up to
 *                       NONOS_MESSAGE_DATA_MAX bytes). put and get wait for
 *                       their lookup (at most NONOS_MESH_WAIT_MS).
 *
 * A failed request is answered with a positive NONOS_ERROR_* label.
 * Freestanding. */
#ifndef NONOS_SDK_MESH_H
#define NONOS_SDK_MESH_H

#define NONOS_MESH_SERVICE "nonos.mesh"
#define NONOS_MESH_COMMAND 1
#define NONOS_MESH_WAIT_MS 10000

#endif
