/* What hostile-ipc-client and hostile-ipc-server agree on.
 *
 * They meet through the name service (the `names` capsule, docs/names.md):
 * the server's manifest provides IPC_SERVICE, it creates an endpoint in
 * IPC_SLOT_ENDPOINT and registers it; the client's manifest lists
 * IPC_SERVICE under ipc, it looks the name up into IPC_SLOT_LOOKED_UP and
 * mints two copies from it: IPC_SLOT_NO_GRANT (write, badge
 * IPC_BADGE_NO_GRANT) and IPC_SLOT_GRANT (write + grant, IPC_BADGE_GRANT).
 *
 * The client's exit status is a set of IPC_FAILED_* bits (0: all held). */
#ifndef NONOS_HOSTILE_IPC_TEST_H
#define NONOS_HOSTILE_IPC_TEST_H

#define IPC_SERVICE "hostile.echo"
#define IPC_SLOT_ENDPOINT 8u
#define IPC_SLOT_LOOKED_UP 14u
#define IPC_SLOT_NO_GRANT 8u
#define IPC_SLOT_GRANT 9u
#define IPC_BADGE_NO_GRANT 41u
#define IPC_BADGE_GRANT 42u

#define IPC_SLOT_MEMORY 10u   /* client: the page it shares */
#define IPC_SLOT_COPY 11u     /* client: a copy of it */
#define IPC_SLOT_MINTED 12u   /* client: a minted copy of it */
#define IPC_SLOT_RECEIVED 12u /* server: where the transferred capability lands */
#define IPC_SLOT_REPLY 13u    /* server: the reply capability */

#define IPC_CLIENT_MAP 0x10000000000ull /* 1 TiB */
#define IPC_SERVER_MAP 0x20000000000ull /* 2 TiB */

#define IPC_LABEL_REFUSED 1 /* the transfer without grant: must never arrive */
#define IPC_LABEL_GRANTED 2 /* data + the memory capability, through grant */
#define IPC_LABEL_CHECK 3   /* after the revoke: is the server's copy gone? */

#define IPC_TEXT_REQUEST "hostile request"
#define IPC_TEXT_REPLY "hostile reply"
#define IPC_TEXT_MEMORY "written by the client"
#define IPC_TEXT_SERVER "written by the server"
#define IPC_MEMORY_SERVER_OFFSET 256u

/* Client exit status bits, grouped by the test that owns them. */
#define IPC_FAILED_NO_GRANT_ACCEPTED (1 << 0) /* grant: the call without grant was not NO_RIGHT */
#define IPC_FAILED_DELIVERED (1 << 1)         /* grant: the server saw the refused message */
#define IPC_FAILED_GRANT_REFUSED (1 << 2)     /* grant: the call with grant failed */
#define IPC_FAILED_DATA (1 << 3)              /* ipc: request or reply data or badge wrong */
#define IPC_FAILED_CAPABILITY (1 << 4)        /* ipc: the capability did not arrive usable */
#define IPC_FAILED_SHARED (1 << 5)            /* ipc: the server's write not seen in the page */
#define IPC_FAILED_REVOKE_COUNT (1 << 6)      /* revoke: not 3 copies deleted */
#define IPC_FAILED_REVOKE_LOCAL (1 << 7)      /* revoke: a local copy survived or the original went */
#define IPC_FAILED_REVOKE_REMOTE (1 << 8)     /* revoke: the server's copy survived */
#define IPC_FAILED_SETUP (1 << 9)             /* the client could not allocate or map its page */
#define IPC_FAILED_LOOKUP (1 << 10)           /* the name service gave no endpoint (or no mint) */

/* Server verdict bits, sent back in the reply's label. */
#define IPC_SERVER_SAW_REFUSED (1 << 0)
#define IPC_SERVER_BAD_BADGE (1 << 1)
#define IPC_SERVER_BAD_DATA (1 << 2)
#define IPC_SERVER_NO_CAPABILITY (1 << 3)
#define IPC_SERVER_BAD_MEMORY (1 << 4)
#define IPC_SERVER_STILL_HOLDS (1 << 5)

#endif
