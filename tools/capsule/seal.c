/* `sign`, `verify` and `inspect`: everything that reads or writes a .mod.
 * Verification is lib/capsule's capsule_open (and trust_check with
 * --trust), the same code the kernel runs. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capsule/canonical.h"
#include "capsule/capsule.h"
#include "capsule/hash.h"
#include "capsule/trust.h"
#include "crypto/crypto.h"
#include "tool.h"

#define TRUST_KEYS_MAX 256

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* NAME-VERSION.mod of the project in dir (from its capsule.toml). */
static bool project_mod_path(const char *dir, char *out, size_t cap)
{
    static struct manifest m;
    if (!project_manifest(dir, &m))
        return false;
    int n = snprintf(out, cap, "%s/%s-%u.%u.%u.mod", dir, m.name.text,
                     m.version.major, m.version.minor, m.version.patch);
    return n > 0 && (size_t)n < cap;
}

/* The .mod a command works on: a file argument, or the project's in a
 * directory argument (default "."). */
bool tool_target_mod(const char *arg, char *out, size_t cap)
{
    if (arg == NULL)
        arg = ".";
    if (is_directory(arg))
        return project_mod_path(arg, out, cap);
    int n = snprintf(out, cap, "%s", arg);
    return n > 0 && (size_t)n < cap;
}

/* What verify and sign print about a proof's keys. */
const char *proof_kind(const struct author_key *a)
{
    return a->hybrid ? "ed25519 + ml-dsa-65" : "ed25519 only";
}

static bool read_build_file(const char *dir, const char *name, size_t max,
                            uint8_t **data, size_t *len)
{
    char path[4200];
    int n = snprintf(path, sizeof path, "%s/build/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return false;
    if (!file_exists(path)) {
        fprintf(stderr, "nonos-capsule: %s missing (run `nonos-capsule build` first)\n", path);
        return false;
    }
    return file_read(path, max, data, len);
}

/* manifest.bin must still be what capsule.toml compiles to. */
static bool manifest_current(const char *dir, const uint8_t *bin, size_t len)
{
    static struct manifest m;
    static uint8_t encoded[CANONICAL_MANIFEST_MAX];
    struct byte_buffer out = { encoded, 0, sizeof encoded };
    if (!project_manifest(dir, &m) || canonical_encode(&m, &out) != CAPSULE_OK)
        return false;
    if (out.len != len || memcmp(encoded, bin, len) != 0) {
        fprintf(stderr, "nonos-capsule: capsule.toml changed since the last build "
                        "(run `nonos-capsule build`)\n");
        return false;
    }
    return true;
}

static int sign_files(const char *dir, const char *key_path, const char *out_path)
{
    uint8_t *manifest = NULL, *payload = NULL, id[32], random[32];
    size_t manifest_len, payload_len;
    static struct manifest m;
    static struct proof_signer signer;
    int status = TOOL_ERROR;
    if (!read_build_file(dir, "manifest.bin", CANONICAL_MANIFEST_MAX, &manifest, &manifest_len) ||
        !read_build_file(dir, "payload.elf", MOD_PAYLOAD_MAX, &payload, &payload_len) ||
        !manifest_current(dir, manifest, manifest_len) || !key_load_secret(key_path, &signer) ||
        !random_bytes(random, sizeof random))
        goto done;
    signer.mldsa65_random = random; /* hedged ML-DSA-65 signing */
    struct byte_buffer out = { malloc(TOOL_MOD_MAX), 0, TOOL_MOD_MAX };
    enum capsule_error err = out.data == NULL ? CAPSULE_ERR_CANON_SPACE
        : capsule_assemble(bytes_make(manifest, manifest_len),
                           bytes_make(payload, payload_len), &signer, &out, id);
    crypto_wipe(&signer, sizeof signer);
    crypto_wipe(random, sizeof random);
    static struct capsule c;
    char path[4200], id_hex[65], fp[65];
    if (err == CAPSULE_OK)
        err = capsule_open(bytes_make(out.data, out.len), &c); /* check what we wrote */
    if (err == CAPSULE_OK && canonical_decode(bytes_make(manifest, manifest_len), &m) == CAPSULE_OK) {
        int n = out_path != NULL
            ? snprintf(path, sizeof path, "%s", out_path)
            : snprintf(path, sizeof path, "%s/%s-%u.%u.%u.mod", dir, m.name.text,
                       m.version.major, m.version.minor, m.version.patch);
        if (n > 0 && (size_t)n < sizeof path && file_write(path, out.data, out.len, 0644, false)) {
            hex_encode(id, 32, id_hex, sizeof id_hex);
            hex_encode(c.author_fingerprint, 32, fp, sizeof fp);
            printf("signed %s (%zu bytes, %s)\nid " CAPSULE_HASH_PREFIX "%s\n"
                   "author " CAPSULE_HASH_PREFIX "%s\n",
                   path, out.len, proof_kind(&c.author), id_hex, fp);
            status = TOOL_OK;
        }
    } else if (err != CAPSULE_OK) {
        fprintf(stderr, "nonos-capsule: %s\n", capsule_error_message(err));
        status = TOOL_REFUSED;
    }
    free(out.data);
done:
    crypto_wipe(&signer, sizeof signer);
    free(manifest);
    free(payload);
    return status;
}

int command_sign(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule sign [DIR] [--key SECRET_KEY_FILE] [--out FILE]\n"
        "Signs DIR/build/manifest.bin and DIR/build/payload.elf into\n"
        "DIR/NAME-VERSION.mod. The key defaults to the author.key of\n"
        "$NONOS_KEY_DIR or ~/.nonos.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    const char *dir = ".", *key = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] != '-' && strcmp(dir, ".") == 0) {
            dir = argv[i];
        } else {
            fputs(usage, stderr);
            return TOOL_ERROR;
        }
    }
    char key_dir[4096], key_path[4200];
    if (key == NULL) {
        if (!key_default_dir(key_dir, sizeof key_dir) ||
            !path_join(key_path, sizeof key_path, key_dir, "author.key"))
            return TOOL_ERROR;
        key = key_path;
    }
    return sign_files(dir, key, out);
}

/* Opens path; on success c is filled. Returns the verdict. */
static enum capsule_error open_mod(const char *path, struct capsule *c,
                                   uint8_t **data, size_t *len)
{
    if (!file_read(path, TOOL_MOD_MAX, data, len))
        return CAPSULE_ERR_COUNT;
    return capsule_open(bytes_make(*data, *len), c);
}

int command_verify(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule verify [FILE.mod|DIR] [--trust PUBLIC_KEY_FILE]\n"
        "Checks the container, the section hashes, the canonical manifest, the\n"
        "payload ELF and the signatures (both of a hybrid proof). With --trust,\n"
        "the proof's keys must also be one of the author lines of\n"
        "PUBLIC_KEY_FILE (author.pub lines), and a hybrid author's capsule must\n"
        "carry its ML-DSA-65 signature. Prints one line; exit status 0\n"
        "verified, 1 refused, 2 error.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    const char *arg = NULL, *trust = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
            trust = argv[++i];
        else if (argv[i][0] != '-' && arg == NULL)
            arg = argv[i];
        else {
            fputs(usage, stderr);
            return TOOL_ERROR;
        }
    }
    char path[4200];
    static struct capsule c;
    static struct author_key keys[TRUST_KEYS_MAX];
    static struct trust_author authors[TRUST_KEYS_MAX];
    int key_count = 0;
    if (!tool_target_mod(arg, path, sizeof path))
        return TOOL_ERROR;
    if (trust != NULL && (key_count = key_load_public_list(trust, keys, TRUST_KEYS_MAX)) < 0)
        return TOOL_ERROR;
    struct trust_record none[1];
    struct trust_store store;
    trust_init(&store, authors, TRUST_KEYS_MAX, none, 1);
    for (int k = 0; k < key_count; k++) {
        enum capsule_error err = trust_add_author(&store, &keys[k]);
        if (err != CAPSULE_OK) {
            fprintf(stderr, "nonos-capsule: %s: author %d: %s\n", trust, k + 1,
                    capsule_error_message(err));
            return TOOL_ERROR;
        }
    }
    uint8_t *data = NULL;
    size_t len;
    enum capsule_error err = open_mod(path, &c, &data, &len);
    if (err == CAPSULE_ERR_COUNT)
        return TOOL_ERROR;
    if (err == CAPSULE_OK && trust != NULL)
        err = trust_check(&store, &c.manifest, c.id, &c.author);
    free(data);
    if (err != CAPSULE_OK) {
        printf("REFUSED ");
        print_escaped(stdout, path, false);
        printf(": %s (%s)\n", capsule_error_message(err), capsule_error_name(err));
        return TOOL_REFUSED;
    }
    char id_hex[65], fp[17];
    hex_encode(c.id, 32, id_hex, sizeof id_hex);
    hex_encode(c.author_fingerprint, 8, fp, sizeof fp);
    printf("VERIFIED ");
    print_escaped(stdout, path, false);
    printf(": %s %u.%u.%u, author %s (%s)%s, id " CAPSULE_HASH_PREFIX "%s\n", c.manifest.name.text,
           c.manifest.version.major, c.manifest.version.minor, c.manifest.version.patch,
           fp, proof_kind(&c.author), trust != NULL ? " (trusted)" : " (no trust store given)",
           id_hex);
    return TOOL_OK;
}
