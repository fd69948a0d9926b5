/* Every way a capsule, a manifest or a trust decision can be refused.
 *
 * One enum for the whole of lib/capsule, with one English message per code
 * (capsule_error_message). The corpus in tests/corpus/capsule/ names these
 * codes by their symbol (capsule_error_name), so codes are never reused or
 * renumbered: new ones go at the end.
 *
 * Errors found in capsule.toml also carry the line and the dotted key path
 * (struct capsule_diag); binary decoders fill only the code and, where useful,
 * the byte offset. */
#ifndef NONOS_CAPSULE_ERROR_H
#define NONOS_CAPSULE_ERROR_H

#include <stddef.h>
#include <stdint.h>

enum capsule_error {
    CAPSULE_OK = 0,
    /* TOML syntax (lib/capsule/toml.c) */
    CAPSULE_ERR_TOML_UTF8,            /* input is not valid UTF-8 */
    CAPSULE_ERR_TOML_CONTROL,         /* control character outside a string escape */
    CAPSULE_ERR_TOML_NEWLINE,         /* bare carriage return */
    CAPSULE_ERR_TOML_EXPECTED_KEY,
    CAPSULE_ERR_TOML_EXPECTED_EQUALS,
    CAPSULE_ERR_TOML_EXPECTED_VALUE,
    CAPSULE_ERR_TOML_TRAILING,        /* junk after a value or header */
    CAPSULE_ERR_TOML_STRING,          /* unterminated or newline in string */
    CAPSULE_ERR_TOML_ESCAPE,          /* unknown escape or invalid \u scalar */
    CAPSULE_ERR_TOML_MULTILINE,       /* multi-line strings: not in the subset */
    CAPSULE_ERR_TOML_INTEGER,         /* malformed or out-of-range integer */
    CAPSULE_ERR_TOML_FLOAT,           /* floats: not in the subset */
    CAPSULE_ERR_TOML_DATETIME,        /* dates and times: not in the subset */
    CAPSULE_ERR_TOML_RADIX,           /* 0x/0o/0b integers: not in the subset */
    CAPSULE_ERR_TOML_ARRAY_TABLE,     /* [[array of tables]]: not in the subset */
    CAPSULE_ERR_TOML_DUPLICATE_KEY,
    CAPSULE_ERR_TOML_TABLE_REDEFINED,
    CAPSULE_ERR_TOML_NOT_A_TABLE,     /* a dotted key or header goes through a value */
    CAPSULE_ERR_TOML_INLINE_SEALED,   /* inline tables cannot be extended */
    CAPSULE_ERR_TOML_ARRAY,           /* malformed array */
    CAPSULE_ERR_TOML_INLINE_TABLE,    /* malformed inline table */
    CAPSULE_ERR_TOML_TOO_DEEP,        /* nesting beyond TOML_DEPTH_MAX */
    CAPSULE_ERR_TOML_TOO_LARGE,       /* more entries or text than the storage given */
    /* manifest meaning (lib/capsule/manifest.c) */
    CAPSULE_ERR_MANIFEST_UNKNOWN_KEY,
    CAPSULE_ERR_MANIFEST_MISSING_KEY,
    CAPSULE_ERR_MANIFEST_TYPE,        /* a value of the wrong TOML type */
    CAPSULE_ERR_MANIFEST_NAME,        /* name syntax or length */
    CAPSULE_ERR_MANIFEST_TEXT,        /* description/author length or characters */
    CAPSULE_ERR_MANIFEST_VERSION,     /* not MAJOR.MINOR.PATCH */
    CAPSULE_ERR_MANIFEST_REQUIREMENT, /* bad version requirement */
    CAPSULE_ERR_MANIFEST_HASH,        /* bad "blake2b:<hex>" */
    CAPSULE_ERR_MANIFEST_DURATION,    /* bad or out-of-range cpu */
    CAPSULE_ERR_MANIFEST_SIZE,        /* bad or out-of-range memory */
    CAPSULE_ERR_MANIFEST_RANGE,       /* integer out of range (threads, capabilities) */
    CAPSULE_ERR_MANIFEST_TOO_MANY,    /* more entries than the format allows */
    CAPSULE_ERR_MANIFEST_DUPLICATE,   /* same entry twice in a list */
    CAPSULE_ERR_MANIFEST_SELF_DEPENDENCY,
    /* canonical manifest bytes (lib/capsule/canonical.c) */
    CAPSULE_ERR_CANON_MAGIC,
    CAPSULE_ERR_CANON_VERSION,
    CAPSULE_ERR_CANON_TRUNCATED,
    CAPSULE_ERR_CANON_TRAILING,
    CAPSULE_ERR_CANON_BOOL,           /* a boolean byte other than 0 or 1 */
    CAPSULE_ERR_CANON_ORDER,          /* list not strictly ascending */
    CAPSULE_ERR_CANON_VALUE,          /* a field outside its canonical range */
    CAPSULE_ERR_CANON_SPACE,          /* output buffer too small to encode */
    /* .mod container (lib/capsule/container.c) */
    CAPSULE_ERR_MOD_TRUNCATED,
    CAPSULE_ERR_MOD_MAGIC,
    CAPSULE_ERR_MOD_VERSION,
    CAPSULE_ERR_MOD_RESERVED,         /* a reserved field is not zero */
    CAPSULE_ERR_MOD_SECTION_COUNT,
    CAPSULE_ERR_MOD_SECTION_TYPE,     /* unknown, repeated or out-of-order type */
    CAPSULE_ERR_MOD_SECTION_LAYOUT,   /* gap, overlap or not contiguous */
    CAPSULE_ERR_MOD_SECTION_SIZE,     /* empty or over the per-type limit */
    CAPSULE_ERR_MOD_SIZE,             /* sections do not end at the end of the file */
    CAPSULE_ERR_MOD_HASH,             /* section bytes do not match their hash */
    /* payload ELF (lib/capsule/container.c) */
    CAPSULE_ERR_ELF_HEADER,           /* not a 64-bit little-endian x86_64 ELF */
    CAPSULE_ERR_ELF_TYPE,             /* not ET_EXEC (static executable) */
    CAPSULE_ERR_ELF_SEGMENTS,         /* program headers out of bounds or malformed */
    CAPSULE_ERR_ELF_DYNAMIC,          /* PT_INTERP or PT_DYNAMIC: not static */
    CAPSULE_ERR_ELF_WX,               /* a segment both writable and executable */
    CAPSULE_ERR_ELF_ENTRY,            /* entry not inside an executable segment's file bytes */
    CAPSULE_ERR_ELF_ALIGNMENT,        /* a PT_LOAD's address or offset not page aligned */
    CAPSULE_ERR_ELF_ADDRESS,          /* a PT_LOAD below 4 MiB or above the user half */
    CAPSULE_ERR_ELF_ALIAS,            /* the same file page loaded writable and executable */
    CAPSULE_ERR_ELF_EXEC_STACK,       /* PT_GNU_STACK asks for an executable stack */
    /* proof (lib/capsule/proof.c) */
    CAPSULE_ERR_PROOF_FORMAT,         /* malformed proof section */
    CAPSULE_ERR_PROOF_ALGORITHM,      /* unknown signature algorithm */
    CAPSULE_ERR_PROOF_SIGNATURE,      /* signature does not verify */
    /* trust store and dependencies (lib/capsule/trust.c) */
    CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR,
    CAPSULE_ERR_TRUST_ROLLBACK,
    CAPSULE_ERR_TRUST_EQUIVOCATION,
    CAPSULE_ERR_TRUST_AUTHOR_CHANGED, /* a name already owned by another key */
    CAPSULE_ERR_TRUST_FULL,
    CAPSULE_ERR_DEP_MISSING,
    CAPSULE_ERR_DEP_VERSION,
    CAPSULE_ERR_DEP_HASH,
    CAPSULE_ERR_DEP_CYCLE,
    CAPSULE_ERR_DEP_TOO_MANY,
    CAPSULE_ERR_DEP_DUPLICATE_NAME,   /* two capsules of one name in a set */
    /* boot bundle (lib/capsule/bundle.c) */
    CAPSULE_ERR_BUNDLE_MAGIC,
    CAPSULE_ERR_BUNDLE_VERSION,
    CAPSULE_ERR_BUNDLE_COUNT,         /* key or capsule count out of range */
    CAPSULE_ERR_BUNDLE_TRUNCATED,
    CAPSULE_ERR_BUNDLE_TRAILING,
    /* format version 2: hybrid proofs, author-bound dependencies */
    CAPSULE_ERR_MOD_VERSION_OLD,      /* format version 1 to 3: refused with its own message */
    CAPSULE_ERR_PROOF_MLDSA_SIGNATURE, /* the ML-DSA-65 signature does not verify */
    CAPSULE_ERR_PROOF_MLDSA_ENCODING, /* ML-DSA-65 signature or key not canonically encoded */
    CAPSULE_ERR_TRUST_DOWNGRADE,      /* a hybrid author's capsule without its ML-DSA-65 signature */
    CAPSULE_ERR_TRUST_KEY_CONFLICT,   /* an Ed25519 key registered twice with other keys */
    CAPSULE_ERR_DEP_AUTHOR,           /* dependency met by a capsule of another author */
    CAPSULE_ERR_MANIFEST_DEPENDENCY_UNBOUND, /* a dependency with neither author nor hash */
    CAPSULE_ERR_BUNDLE_VERSION_OLD,   /* bundle version 1: refused with its own message */
    CAPSULE_ERR_BUNDLE_KEY,           /* malformed author key in the bundle */
    /* format version 3: capability slots, provided services, supervisor, restart */
    CAPSULE_ERR_MANIFEST_SUPERVISOR,  /* supervisor not "none", "read" or "control" */
    CAPSULE_ERR_MANIFEST_RESTART,     /* restart not "never", "on-failure" or "always" */
    /* format version 4: BLAKE2b-256 ids and fingerprints */
    CAPSULE_ERR_MANIFEST_HASH_OLD,    /* a "sha256:" id or fingerprint (formats 1-3) */
    CAPSULE_ERR_COUNT
};

/* Where an error was found in capsule.toml: line is 1-based (0 = unknown),
 * key is the dotted path of the offending key ("" when none). */
#define CAPSULE_DIAG_KEY_MAX 128
struct capsule_diag {
    enum capsule_error code;
    uint32_t line;
    char key[CAPSULE_DIAG_KEY_MAX];
};

/* A short English sentence for a code; never NULL. */
const char *capsule_error_message(enum capsule_error code);
/* The code's symbol without the CAPSULE_ prefix ("ERR_TRUST_ROLLBACK"). */
const char *capsule_error_name(enum capsule_error code);

/* Records code, line and key into diag (when diag is not NULL) and returns
 * code, so callers can write `return capsule_diag_set(d, E, line, key);`. */
enum capsule_error capsule_diag_set(struct capsule_diag *diag,
                                    enum capsule_error code, uint32_t line,
                                    const char *key, size_t key_len);

#endif
