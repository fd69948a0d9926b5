/* The capsule manifest: what a capsule is (name, version, description,
 * author), what it needs (dependencies), what it may do (policy) and what
 * init does when it ends (lifecycle).
 *
 * This struct is the one meaning that both capsule.toml (manifest_from_toml)
 * and the canonical bytes (canonical.h) describe. Every field always has a
 * value: defaults are filled in by the TOML compiler and always written to
 * the canonical bytes, so no meaning has an "absent" and a "default" form.
 * Lists (dependencies, ipc, provides, devices) are kept sorted by byte
 * order and free of duplicates. Fixed-size storage only, no heap. */
#ifndef NONOS_CAPSULE_MANIFEST_H
#define NONOS_CAPSULE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsule/error.h"
#include "capsule/hash.h"
#include "capsule/semver.h"
#include "capsule/toml.h"

#define MANIFEST_NAME_MAX 64
#define MANIFEST_DESCRIPTION_MAX 256
#define MANIFEST_AUTHOR_MAX 128
#define MANIFEST_DEPENDENCIES_MAX 32
#define MANIFEST_LIST_MAX 32
#define MANIFEST_HASH_SIZE CAPSULE_HASH_SIZE

#define MANIFEST_CPU_US_MAX 86400000000ull      /* one day */
#define MANIFEST_MEMORY_MIN 4096ull
#define MANIFEST_MEMORY_MAX (64ull << 30)      /* 64 GiB */
#define MANIFEST_PAGE_SIZE 4096ull
#define MANIFEST_THREADS_MAX 1024u
/* Capability slots: 0-7 are reserved for the capabilities a capsule starts
 * with (sdk/include/nonos/abi.h, NONOS_SLOT_FIRST_FREE), so at least 8. */
#define MANIFEST_CAPABILITY_SLOTS_MIN 8u
#define MANIFEST_CAPABILITY_SLOTS_MAX 4096u

#define MANIFEST_DEFAULT_CPU_US 1000000ull     /* 1 s */
#define MANIFEST_DEFAULT_MEMORY (16ull << 20)  /* 16 MiB */
#define MANIFEST_DEFAULT_THREADS 1u
#define MANIFEST_DEFAULT_CAPABILITY_SLOTS 64u

/* [policy.capabilities] supervisor: the right on the supervisor capability.
 * The values are the canonical bytes (docs/capsule-format.md section 2). */
enum manifest_supervisor {
    MANIFEST_SUPERVISOR_NONE = 0,    /* no supervisor capability */
    MANIFEST_SUPERVISOR_READ = 1,    /* list processes and capsules, read the audit log */
    MANIFEST_SUPERVISOR_CONTROL = 2, /* read, and start and kill capsules, power */
};
#define MANIFEST_SUPERVISOR_COUNT 3

/* [lifecycle] restart: whether init starts the capsule again when its
 * process ends (docs/capsules.md, "Lifecycle"). Same values as enum
 * nonos_restart (sdk/include/nonos/abi.h) and as the canonical bytes. */
enum manifest_restart {
    MANIFEST_RESTART_NEVER = 0,
    MANIFEST_RESTART_ON_FAILURE = 1, /* after a fault, a spent CPU budget, exit status != 0 */
    MANIFEST_RESTART_ALWAYS = 2,     /* whenever it ends, exit(0) included */
};
#define MANIFEST_RESTART_COUNT 3

/* A name of a capsule, IPC service or device: 1-64 bytes of a-z 0-9 . - _ :
 * starting with a letter or digit. NUL-terminated for convenience. */
struct manifest_name {
    uint8_t len;
    char text[MANIFEST_NAME_MAX + 1];
};

/* A dependency names a capsule, a version range, and binds to its author
 * (fingerprint, author.h), to the exact capsule (hash), or both: at least
 * one of pinned and author_bound is always true. */
struct manifest_dependency {
    struct manifest_name name;
    struct semver_range requirement;
    bool pinned;                         /* hash given: must match exactly */
    uint8_t hash[MANIFEST_HASH_SIZE];    /* the dependency's capsule id */
    bool author_bound;                   /* author given: must match exactly */
    uint8_t author[MANIFEST_HASH_SIZE];  /* the author's key fingerprint */
};

struct manifest {
    struct manifest_name name;
    struct semver version;
    uint16_t description_len;
    char description[MANIFEST_DESCRIPTION_MAX + 1];
    uint16_t author_len;
    char author[MANIFEST_AUTHOR_MAX + 1];
    size_t dependency_count;
    struct manifest_dependency dependencies[MANIFEST_DEPENDENCIES_MAX];
    bool allow_clearnet;
    bool allow_mesh;
    uint64_t cpu_us;       /* CPU time budget, microseconds */
    uint64_t memory_bytes; /* memory limit, a multiple of 4096 */
    uint32_t threads;      /* maximum number of threads */
    uint32_t capability_slots; /* size of its capability table, 8..4096 */
    size_t ipc_count;
    struct manifest_name ipc[MANIFEST_LIST_MAX];      /* services it may call */
    size_t provides_count;
    struct manifest_name provides[MANIFEST_LIST_MAX]; /* services it may register */
    size_t device_count;
    struct manifest_name devices[MANIFEST_LIST_MAX];  /* devices it may drive */
    bool vault;            /* may use the encrypted vault */
    enum manifest_supervisor supervisor;
    enum manifest_restart restart;
};

/* Fills m with the defaults (empty name, version 0.0.0). */
void manifest_init(struct manifest *m);

/* Compiles a parsed capsule.toml into m. Unknown keys, wrong types, missing
 * name or version, bad values: an error with the line and key in diag. */
enum capsule_error manifest_from_toml(const struct toml_document *doc,
                                      struct manifest *m,
                                      struct capsule_diag *diag);

/* Parses and compiles capsule.toml text in one call, with storage for the
 * parse tree given by the caller (node_cap nodes, text_cap >= input.len). */
enum capsule_error manifest_parse_toml(struct bytes input, struct manifest *m,
                                       struct toml_node *nodes, size_t node_cap,
                                       uint8_t *text, size_t text_cap,
                                       struct capsule_diag *diag);

/* Name and text rules, shared with the canonical decoder. Text is valid
 * UTF-8 of at most max bytes without a C0 or C1 control character, DEL, or
 * a bidirectional embedding, override or isolate (U+202A-U+202E,
 * U+2066-U+2069). */
bool manifest_name_valid(const uint8_t *s, size_t len);
bool manifest_text_valid(const uint8_t *s, size_t len, size_t max);
/* Byte-order comparison of two names: <0, 0, >0. */
int manifest_name_compare(const struct manifest_name *a,
                          const struct manifest_name *b);

/* The TOML words of the supervisor right and the restart rule ("none",
 * "read", "control"; "never", "on-failure", "always"); "?" for a value out
 * of range. */
const char *manifest_supervisor_name(enum manifest_supervisor supervisor);
const char *manifest_restart_name(enum manifest_restart restart);

/* Parses CAPSULE_HASH_PREFIX ("blake2b:") followed by 64 lowercase hex
 * digits: CAPSULE_OK, CAPSULE_ERR_MANIFEST_HASH_OLD for any text that starts
 * with "sha256:" (what formats 1-3 wrote), else CAPSULE_ERR_MANIFEST_HASH. */
enum capsule_error manifest_hash_parse(const uint8_t *s, size_t len,
                                       uint8_t out[MANIFEST_HASH_SIZE]);

#endif
