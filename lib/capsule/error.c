/* Message and symbol tables for enum capsule_error. */
#include "capsule/error.h"

static const char *const error_messages[CAPSULE_ERR_COUNT] = {
    [CAPSULE_OK] =
        "ok",
    [CAPSULE_ERR_TOML_UTF8] =
        "input is not valid UTF-8",
    [CAPSULE_ERR_TOML_CONTROL] =
        "control character not allowed here",
    [CAPSULE_ERR_TOML_NEWLINE] =
        "carriage return not followed by line feed",
    [CAPSULE_ERR_TOML_EXPECTED_KEY] =
        "expected a key",
    [CAPSULE_ERR_TOML_EXPECTED_EQUALS] =
        "expected '=' after the key",
    [CAPSULE_ERR_TOML_EXPECTED_VALUE] =
        "expected a value",
    [CAPSULE_ERR_TOML_TRAILING] =
        "unexpected text after the value or header",
    [CAPSULE_ERR_TOML_STRING] =
        "unterminated string or line break inside a string",
    [CAPSULE_ERR_TOML_ESCAPE] =
        "invalid escape sequence in a string",
    [CAPSULE_ERR_TOML_MULTILINE] =
        "multi-line strings are not supported",
    [CAPSULE_ERR_TOML_INTEGER] =
        "malformed or out-of-range integer",
    [CAPSULE_ERR_TOML_FLOAT] =
        "floating-point numbers are not supported",
    [CAPSULE_ERR_TOML_DATETIME] =
        "dates and times are not supported",
    [CAPSULE_ERR_TOML_RADIX] =
        "only decimal integers are supported",
    [CAPSULE_ERR_TOML_ARRAY_TABLE] =
        "arrays of tables ([[...]]) are not supported",
    [CAPSULE_ERR_TOML_DUPLICATE_KEY] =
        "key defined twice",
    [CAPSULE_ERR_TOML_TABLE_REDEFINED] =
        "table defined twice",
    [CAPSULE_ERR_TOML_NOT_A_TABLE] =
        "key path goes through a value that is not a table",
    [CAPSULE_ERR_TOML_INLINE_SEALED] =
        "inline tables cannot be extended after their definition",
    [CAPSULE_ERR_TOML_ARRAY] =
        "malformed array",
    [CAPSULE_ERR_TOML_INLINE_TABLE] =
        "malformed inline table",
    [CAPSULE_ERR_TOML_TOO_DEEP] =
        "nesting too deep",
    [CAPSULE_ERR_TOML_TOO_LARGE] =
        "document too large for the parser storage",
    [CAPSULE_ERR_MANIFEST_UNKNOWN_KEY] =
        "unknown key",
    [CAPSULE_ERR_MANIFEST_MISSING_KEY] =
        "required key missing",
    [CAPSULE_ERR_MANIFEST_TYPE] =
        "value has the wrong type",
    [CAPSULE_ERR_MANIFEST_NAME] =
        "invalid name (1-64 of a-z 0-9 . - _ :, starting with a letter or digit)",
    [CAPSULE_ERR_MANIFEST_TEXT] =
        "invalid text (too long or contains control characters)",
    [CAPSULE_ERR_MANIFEST_VERSION] =
        "invalid version (MAJOR.MINOR.PATCH, no leading zeros, each below 4294967295)",
    [CAPSULE_ERR_MANIFEST_REQUIREMENT] =
        "invalid version requirement",
    [CAPSULE_ERR_MANIFEST_HASH] =
        "invalid hash (expected \"blake2b:\" and 64 lowercase hex digits)",
    [CAPSULE_ERR_MANIFEST_DURATION] =
        "invalid cpu duration (integer with us, ms or s; 1us to 86400s)",
    [CAPSULE_ERR_MANIFEST_SIZE] =
        "invalid memory size (integer with KiB, MiB or GiB; page multiple; 4KiB to 64GiB)",
    [CAPSULE_ERR_MANIFEST_RANGE] =
        "integer out of range",
    [CAPSULE_ERR_MANIFEST_TOO_MANY] =
        "too many entries",
    [CAPSULE_ERR_MANIFEST_DUPLICATE] =
        "duplicate entry in a list",
    [CAPSULE_ERR_MANIFEST_SELF_DEPENDENCY] =
        "a capsule cannot depend on itself",
    [CAPSULE_ERR_CANON_MAGIC] =
        "canonical manifest: bad magic",
    [CAPSULE_ERR_CANON_VERSION] =
        "canonical manifest: unsupported encoding version",
    [CAPSULE_ERR_CANON_TRUNCATED] =
        "canonical manifest: truncated",
    [CAPSULE_ERR_CANON_TRAILING] =
        "canonical manifest: trailing bytes",
    [CAPSULE_ERR_CANON_BOOL] =
        "canonical manifest: boolean byte other than 0 or 1",
    [CAPSULE_ERR_CANON_ORDER] =
        "canonical manifest: list not strictly sorted",
    [CAPSULE_ERR_CANON_VALUE] =
        "canonical manifest: field value not canonical or out of range",
    [CAPSULE_ERR_CANON_SPACE] =
        "canonical manifest: output buffer too small",
    [CAPSULE_ERR_MOD_TRUNCATED] =
        "capsule: file truncated",
    [CAPSULE_ERR_MOD_MAGIC] =
        "capsule: bad magic (not a .mod file)",
    [CAPSULE_ERR_MOD_VERSION] =
        "capsule: unsupported format version",
    [CAPSULE_ERR_MOD_RESERVED] =
        "capsule: reserved field not zero",
    [CAPSULE_ERR_MOD_SECTION_COUNT] =
        "capsule: wrong number of sections",
    [CAPSULE_ERR_MOD_SECTION_TYPE] =
        "capsule: unknown, repeated or out-of-order section type",
    [CAPSULE_ERR_MOD_SECTION_LAYOUT] =
        "capsule: sections overlap, leave gaps or are out of order",
    [CAPSULE_ERR_MOD_SECTION_SIZE] =
        "capsule: section empty or larger than its limit",
    [CAPSULE_ERR_MOD_SIZE] =
        "capsule: sections do not end exactly at the end of the file",
    [CAPSULE_ERR_MOD_HASH] =
        "capsule: section hash mismatch",
    [CAPSULE_ERR_ELF_HEADER] =
        "payload: not a 64-bit little-endian x86_64 ELF",
    [CAPSULE_ERR_ELF_TYPE] =
        "payload: not a static executable (ET_EXEC)",
    [CAPSULE_ERR_ELF_SEGMENTS] =
        "payload: program headers out of bounds or malformed",
    [CAPSULE_ERR_ELF_DYNAMIC] =
        "payload: dynamic linking (PT_INTERP or PT_DYNAMIC) not allowed",
    [CAPSULE_ERR_ELF_WX] =
        "payload: segment both writable and executable",
    [CAPSULE_ERR_ELF_ENTRY] =
        "payload: entry point not inside the file bytes of an executable segment",
    [CAPSULE_ERR_ELF_ALIGNMENT] =
        "payload: a loadable segment's address or file offset is not page aligned",
    [CAPSULE_ERR_ELF_ADDRESS] =
        "payload: a loadable segment lies below 4 MiB or outside the user half",
    [CAPSULE_ERR_ELF_ALIAS] =
        "payload: the same file bytes are loaded both writable and executable",
    [CAPSULE_ERR_ELF_EXEC_STACK] =
        "payload: PT_GNU_STACK asks for an executable stack",
    [CAPSULE_ERR_PROOF_FORMAT] =
        "proof: malformed proof section",
    [CAPSULE_ERR_PROOF_ALGORITHM] =
        "proof: unknown signature algorithm",
    [CAPSULE_ERR_PROOF_SIGNATURE] =
        "proof: Ed25519 signature does not verify",
    [CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR] =
        "trust: author key not in the trust store",
    [CAPSULE_ERR_TRUST_ROLLBACK] =
        "trust: version lower than one already accepted (rollback)",
    [CAPSULE_ERR_TRUST_EQUIVOCATION] =
        "trust: another capsule with this name and version was already accepted (equivocation)",
    [CAPSULE_ERR_TRUST_AUTHOR_CHANGED] =
        "trust: name already accepted from a different author key",
    [CAPSULE_ERR_TRUST_FULL] =
        "trust: trust store full",
    [CAPSULE_ERR_DEP_MISSING] =
        "dependency: no capsule with that name",
    [CAPSULE_ERR_DEP_VERSION] =
        "dependency: version does not satisfy the requirement",
    [CAPSULE_ERR_DEP_HASH] =
        "dependency: content hash does not match",
    [CAPSULE_ERR_DEP_CYCLE] =
        "dependency: cycle",
    [CAPSULE_ERR_DEP_TOO_MANY] =
        "dependency: too many capsules to resolve",
    [CAPSULE_ERR_DEP_DUPLICATE_NAME] =
        "dependency: two capsules with the same name in one set",
    [CAPSULE_ERR_BUNDLE_MAGIC] =
        "bundle: bad magic (not a boot bundle)",
    [CAPSULE_ERR_BUNDLE_VERSION] =
        "bundle: unsupported bundle version",
    [CAPSULE_ERR_BUNDLE_COUNT] =
        "bundle: key or capsule count out of range",
    [CAPSULE_ERR_BUNDLE_TRUNCATED] =
        "bundle: truncated",
    [CAPSULE_ERR_BUNDLE_TRAILING] =
        "bundle: bytes after the last capsule",
    [CAPSULE_ERR_MOD_VERSION_OLD] =
        "capsule: format version 1, 2 or 3 is no longer accepted (its hashes are SHA-256, "
        "format 4's are BLAKE2b-256; formats 1 and 2 also lack capability slots, provided "
        "services, supervisor right and restart rule, format 1 hybrid proofs); rebuild and "
        "sign it again with the current nonos-capsule",
    [CAPSULE_ERR_PROOF_MLDSA_SIGNATURE] =
        "proof: ML-DSA-65 signature does not verify",
    [CAPSULE_ERR_PROOF_MLDSA_ENCODING] =
        "proof: ML-DSA-65 signature or public key not canonically encoded",
    [CAPSULE_ERR_TRUST_DOWNGRADE] =
        "trust: the author's registered key is hybrid (Ed25519 + ML-DSA-65) but the capsule "
        "has no ML-DSA-65 signature (downgrade)",
    [CAPSULE_ERR_TRUST_KEY_CONFLICT] =
        "trust: this Ed25519 key is already registered with a different set of keys",
    [CAPSULE_ERR_DEP_AUTHOR] =
        "dependency: the capsule of that name is by another author",
    [CAPSULE_ERR_MANIFEST_DEPENDENCY_UNBOUND] =
        "dependency bound to no author (give author = \"blake2b:<author fingerprint>\" "
        "or hash = \"blake2b:<capsule id>\")",
    [CAPSULE_ERR_BUNDLE_VERSION_OLD] =
        "bundle: version 1 is no longer accepted (Ed25519-only keys, format 1 capsules); "
        "build it again with the current nonos-capsule",
    [CAPSULE_ERR_BUNDLE_KEY] =
        "bundle: malformed author key",
    [CAPSULE_ERR_MANIFEST_SUPERVISOR] =
        "unknown supervisor right (\"none\", \"read\" or \"control\")",
    [CAPSULE_ERR_MANIFEST_RESTART] =
        "unknown restart rule (\"never\", \"on-failure\" or \"always\")",
    [CAPSULE_ERR_MANIFEST_HASH_OLD] =
        "capsule ids and author fingerprints are \"blake2b:\" and 64 lowercase hex digits "
        "since format 4; a \"sha256:\" one names a format 3 (or older) capsule or author: "
        "take the new value from nonos-capsule inspect",
};

static const char *const error_names[CAPSULE_ERR_COUNT] = {
    [CAPSULE_OK] = "OK",
    [CAPSULE_ERR_TOML_UTF8] = "ERR_TOML_UTF8",
    [CAPSULE_ERR_TOML_CONTROL] = "ERR_TOML_CONTROL",
    [CAPSULE_ERR_TOML_NEWLINE] = "ERR_TOML_NEWLINE",
    [CAPSULE_ERR_TOML_EXPECTED_KEY] = "ERR_TOML_EXPECTED_KEY",
    [CAPSULE_ERR_TOML_EXPECTED_EQUALS] = "ERR_TOML_EXPECTED_EQUALS",
    [CAPSULE_ERR_TOML_EXPECTED_VALUE] = "ERR_TOML_EXPECTED_VALUE",
    [CAPSULE_ERR_TOML_TRAILING] = "ERR_TOML_TRAILING",
    [CAPSULE_ERR_TOML_STRING] = "ERR_TOML_STRING",
    [CAPSULE_ERR_TOML_ESCAPE] = "ERR_TOML_ESCAPE",
    [CAPSULE_ERR_TOML_MULTILINE] = "ERR_TOML_MULTILINE",
    [CAPSULE_ERR_TOML_INTEGER] = "ERR_TOML_INTEGER",
    [CAPSULE_ERR_TOML_FLOAT] = "ERR_TOML_FLOAT",
    [CAPSULE_ERR_TOML_DATETIME] = "ERR_TOML_DATETIME",
    [CAPSULE_ERR_TOML_RADIX] = "ERR_TOML_RADIX",
    [CAPSULE_ERR_TOML_ARRAY_TABLE] = "ERR_TOML_ARRAY_TABLE",
    [CAPSULE_ERR_TOML_DUPLICATE_KEY] = "ERR_TOML_DUPLICATE_KEY",
    [CAPSULE_ERR_TOML_TABLE_REDEFINED] = "ERR_TOML_TABLE_REDEFINED",
    [CAPSULE_ERR_TOML_NOT_A_TABLE] = "ERR_TOML_NOT_A_TABLE",
    [CAPSULE_ERR_TOML_INLINE_SEALED] = "ERR_TOML_INLINE_SEALED",
    [CAPSULE_ERR_TOML_ARRAY] = "ERR_TOML_ARRAY",
    [CAPSULE_ERR_TOML_INLINE_TABLE] = "ERR_TOML_INLINE_TABLE",
    [CAPSULE_ERR_TOML_TOO_DEEP] = "ERR_TOML_TOO_DEEP",
    [CAPSULE_ERR_TOML_TOO_LARGE] = "ERR_TOML_TOO_LARGE",
    [CAPSULE_ERR_MANIFEST_UNKNOWN_KEY] = "ERR_MANIFEST_UNKNOWN_KEY",
    [CAPSULE_ERR_MANIFEST_MISSING_KEY] = "ERR_MANIFEST_MISSING_KEY",
    [CAPSULE_ERR_MANIFEST_TYPE] = "ERR_MANIFEST_TYPE",
    [CAPSULE_ERR_MANIFEST_NAME] = "ERR_MANIFEST_NAME",
    [CAPSULE_ERR_MANIFEST_TEXT] = "ERR_MANIFEST_TEXT",
    [CAPSULE_ERR_MANIFEST_VERSION] = "ERR_MANIFEST_VERSION",
    [CAPSULE_ERR_MANIFEST_REQUIREMENT] = "ERR_MANIFEST_REQUIREMENT",
    [CAPSULE_ERR_MANIFEST_HASH] = "ERR_MANIFEST_HASH",
    [CAPSULE_ERR_MANIFEST_DURATION] = "ERR_MANIFEST_DURATION",
    [CAPSULE_ERR_MANIFEST_SIZE] = "ERR_MANIFEST_SIZE",
    [CAPSULE_ERR_MANIFEST_RANGE] = "ERR_MANIFEST_RANGE",
    [CAPSULE_ERR_MANIFEST_TOO_MANY] = "ERR_MANIFEST_TOO_MANY",
    [CAPSULE_ERR_MANIFEST_DUPLICATE] = "ERR_MANIFEST_DUPLICATE",
    [CAPSULE_ERR_MANIFEST_SELF_DEPENDENCY] = "ERR_MANIFEST_SELF_DEPENDENCY",
    [CAPSULE_ERR_CANON_MAGIC] = "ERR_CANON_MAGIC",
    [CAPSULE_ERR_CANON_VERSION] = "ERR_CANON_VERSION",
    [CAPSULE_ERR_CANON_TRUNCATED] = "ERR_CANON_TRUNCATED",
    [CAPSULE_ERR_CANON_TRAILING] = "ERR_CANON_TRAILING",
    [CAPSULE_ERR_CANON_BOOL] = "ERR_CANON_BOOL",
    [CAPSULE_ERR_CANON_ORDER] = "ERR_CANON_ORDER",
    [CAPSULE_ERR_CANON_VALUE] = "ERR_CANON_VALUE",
    [CAPSULE_ERR_CANON_SPACE] = "ERR_CANON_SPACE",
    [CAPSULE_ERR_MOD_TRUNCATED] = "ERR_MOD_TRUNCATED",
    [CAPSULE_ERR_MOD_MAGIC] = "ERR_MOD_MAGIC",
    [CAPSULE_ERR_MOD_VERSION] = "ERR_MOD_VERSION",
    [CAPSULE_ERR_MOD_RESERVED] = "ERR_MOD_RESERVED",
    [CAPSULE_ERR_MOD_SECTION_COUNT] = "ERR_MOD_SECTION_COUNT",
    [CAPSULE_ERR_MOD_SECTION_TYPE] = "ERR_MOD_SECTION_TYPE",
    [CAPSULE_ERR_MOD_SECTION_LAYOUT] = "ERR_MOD_SECTION_LAYOUT",
    [CAPSULE_ERR_MOD_SECTION_SIZE] = "ERR_MOD_SECTION_SIZE",
    [CAPSULE_ERR_MOD_SIZE] = "ERR_MOD_SIZE",
    [CAPSULE_ERR_MOD_HASH] = "ERR_MOD_HASH",
    [CAPSULE_ERR_ELF_HEADER] = "ERR_ELF_HEADER",
    [CAPSULE_ERR_ELF_TYPE] = "ERR_ELF_TYPE",
    [CAPSULE_ERR_ELF_SEGMENTS] = "ERR_ELF_SEGMENTS",
    [CAPSULE_ERR_ELF_DYNAMIC] = "ERR_ELF_DYNAMIC",
    [CAPSULE_ERR_ELF_WX] = "ERR_ELF_WX",
    [CAPSULE_ERR_ELF_ENTRY] = "ERR_ELF_ENTRY",
    [CAPSULE_ERR_ELF_ALIGNMENT] = "ERR_ELF_ALIGNMENT",
    [CAPSULE_ERR_ELF_ADDRESS] = "ERR_ELF_ADDRESS",
    [CAPSULE_ERR_ELF_ALIAS] = "ERR_ELF_ALIAS",
    [CAPSULE_ERR_ELF_EXEC_STACK] = "ERR_ELF_EXEC_STACK",
    [CAPSULE_ERR_PROOF_FORMAT] = "ERR_PROOF_FORMAT",
    [CAPSULE_ERR_PROOF_ALGORITHM] = "ERR_PROOF_ALGORITHM",
    [CAPSULE_ERR_PROOF_SIGNATURE] = "ERR_PROOF_SIGNATURE",
    [CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR] = "ERR_TRUST_UNKNOWN_AUTHOR",
    [CAPSULE_ERR_TRUST_ROLLBACK] = "ERR_TRUST_ROLLBACK",
    [CAPSULE_ERR_TRUST_EQUIVOCATION] = "ERR_TRUST_EQUIVOCATION",
    [CAPSULE_ERR_TRUST_AUTHOR_CHANGED] = "ERR_TRUST_AUTHOR_CHANGED",
    [CAPSULE_ERR_TRUST_FULL] = "ERR_TRUST_FULL",
    [CAPSULE_ERR_DEP_MISSING] = "ERR_DEP_MISSING",
    [CAPSULE_ERR_DEP_VERSION] = "ERR_DEP_VERSION",
    [CAPSULE_ERR_DEP_HASH] = "ERR_DEP_HASH",
    [CAPSULE_ERR_DEP_CYCLE] = "ERR_DEP_CYCLE",
    [CAPSULE_ERR_DEP_TOO_MANY] = "ERR_DEP_TOO_MANY",
    [CAPSULE_ERR_DEP_DUPLICATE_NAME] = "ERR_DEP_DUPLICATE_NAME",
    [CAPSULE_ERR_BUNDLE_MAGIC] = "ERR_BUNDLE_MAGIC",
    [CAPSULE_ERR_BUNDLE_VERSION] = "ERR_BUNDLE_VERSION",
    [CAPSULE_ERR_BUNDLE_COUNT] = "ERR_BUNDLE_COUNT",
    [CAPSULE_ERR_BUNDLE_TRUNCATED] = "ERR_BUNDLE_TRUNCATED",
    [CAPSULE_ERR_BUNDLE_TRAILING] = "ERR_BUNDLE_TRAILING",
    [CAPSULE_ERR_MOD_VERSION_OLD] = "ERR_MOD_VERSION_OLD",
    [CAPSULE_ERR_PROOF_MLDSA_SIGNATURE] = "ERR_PROOF_MLDSA_SIGNATURE",
    [CAPSULE_ERR_PROOF_MLDSA_ENCODING] = "ERR_PROOF_MLDSA_ENCODING",
    [CAPSULE_ERR_TRUST_DOWNGRADE] = "ERR_TRUST_DOWNGRADE",
    [CAPSULE_ERR_TRUST_KEY_CONFLICT] = "ERR_TRUST_KEY_CONFLICT",
    [CAPSULE_ERR_DEP_AUTHOR] = "ERR_DEP_AUTHOR",
    [CAPSULE_ERR_MANIFEST_DEPENDENCY_UNBOUND] = "ERR_MANIFEST_DEPENDENCY_UNBOUND",
    [CAPSULE_ERR_BUNDLE_VERSION_OLD] = "ERR_BUNDLE_VERSION_OLD",
    [CAPSULE_ERR_BUNDLE_KEY] = "ERR_BUNDLE_KEY",
    [CAPSULE_ERR_MANIFEST_SUPERVISOR] = "ERR_MANIFEST_SUPERVISOR",
    [CAPSULE_ERR_MANIFEST_RESTART] = "ERR_MANIFEST_RESTART",
    [CAPSULE_ERR_MANIFEST_HASH_OLD] = "ERR_MANIFEST_HASH_OLD",
};

const char *capsule_error_message(enum capsule_error code)
{
    if ((unsigned)code >= CAPSULE_ERR_COUNT)
        return "unknown error";
    return error_messages[code];
}

const char *capsule_error_name(enum capsule_error code)
{
    if ((unsigned)code >= CAPSULE_ERR_COUNT)
        return "ERR_UNKNOWN";
    return error_names[code];
}

enum capsule_error capsule_diag_set(struct capsule_diag *diag,
                                    enum capsule_error code, uint32_t line,
                                    const char *key, size_t key_len)
{
    if (diag == NULL)
        return code;
    diag->code = code;
    diag->line = line;
    if (key == NULL)
        key_len = 0;
    if (key_len >= CAPSULE_DIAG_KEY_MAX)
        key_len = CAPSULE_DIAG_KEY_MAX - 1;
    for (size_t i = 0; i < key_len; i++)
        diag->key[i] = key[i];
    diag->key[key_len] = '\0';
    return code;
}
