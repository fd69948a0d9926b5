/* Author keys: generation (getrandom), the two key files and loading them
 * (their bytes are parsed by keyfile.c).
 *
 *   author.key  "ed25519-secret:" + 64 hex digits of the Ed25519 seed + "\n"
 *               then, for a hybrid key (the default),
 *               "ml-dsa-65-secret:" + 64 hex digits of the ML-DSA-65 seed + "\n";
 *               mode 0600, never overwritten, never printed
 *   author.pub  one line: "ed25519:" + 64 hex digits of the public key, then
 *               for a hybrid key " ml-dsa-65:" + 3904 hex digits of its
 *               1952-byte public key, then "\n"
 *
 * A trust file (verify --trust, bundle --trust) is author.pub lines, one
 * author each; blank lines and lines starting with '#' are skipped. Every
 * buffer that held a seed or a secret key is wiped before it is released.
 * A secret key file readable by group or others is refused. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "capsule/hash.h"
#include "crypto/crypto.h"
#include "crypto/ed25519.h"
#include "crypto/mldsa65.h"
#include "keyfile.h"
#include "tool.h"

#define ED_SECRET_PREFIX "ed25519-secret:"
#define ML_SECRET_PREFIX "ml-dsa-65-secret:"
#define ED_PUBLIC_PREFIX "ed25519:"
#define ML_PUBLIC_PREFIX " ml-dsa-65:"

bool key_default_dir(char *out, size_t cap)
{
    const char *dir = getenv("NONOS_KEY_DIR");
    if (dir != NULL && dir[0] != '\0') {
        int n = snprintf(out, cap, "%s", dir);
        return n > 0 && (size_t)n < cap;
    }
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0') {
        fprintf(stderr, "nonos-capsule: neither NONOS_KEY_DIR nor HOME is set\n");
        return false;
    }
    return path_join(out, cap, home, ".nonos");
}

bool random_bytes(uint8_t *out, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "nonos-capsule: getrandom: %s\n", strerror(errno));
            return false;
        }
        out += n;
        len -= (size_t)n;
    }
    return true;
}

/* "<prefix><hex of data>" at out; returns the length written. */
static size_t put_hex_field(char *out, const char *prefix, const uint8_t *data, size_t len)
{
    size_t plen = strlen(prefix);
    memcpy(out, prefix, plen);
    hex_encode(data, len, out + plen, 2 * len + 1);
    return plen + 2 * len;
}

size_t key_public_line(const struct author_key *a, char *out)
{
    size_t n = put_hex_field(out, ED_PUBLIC_PREFIX, a->ed25519, 32);
    if (a->hybrid)
        n += put_hex_field(out + n, ML_PUBLIC_PREFIX, a->mldsa65, MLDSA65_PUBLIC_KEY_SIZE);
    out[n] = '\0';
    return n;
}

void key_fingerprint_text(const struct author_key *a, char out[65])
{
    uint8_t fp[AUTHOR_FINGERPRINT_SIZE];
    author_fingerprint(a, fp);
    hex_encode(fp, sizeof fp, out, 65);
}

static bool write_key_files(const char *dir, const struct proof_signer *s,
                            const uint8_t ed_seed[32], bool quiet)
{
    char secret_path[4096], public_path[4096], fp[65];
    static char secret_text[2 * (sizeof ML_SECRET_PREFIX + 64 + 1)];
    static char public_text[KEY_PUBLIC_LINE_MAX + 2];
    struct author_key a;
    if (!path_join(secret_path, sizeof secret_path, dir, "author.key") ||
        !path_join(public_path, sizeof public_path, dir, "author.pub"))
        return false;
    if (file_exists(secret_path) || file_exists(public_path)) {
        fprintf(stderr, "nonos-capsule: %s already has a key; refusing to overwrite it\n", dir);
        return false;
    }
    size_t n = put_hex_field(secret_text, ED_SECRET_PREFIX, ed_seed, 32);
    secret_text[n++] = '\n';
    if (s->hybrid) {
        n += put_hex_field(secret_text + n, ML_SECRET_PREFIX, s->mldsa65_seed, 32);
        secret_text[n++] = '\n';
    }
    signer_author(s, &a);
    size_t p = key_public_line(&a, public_text);
    public_text[p++] = '\n';
    bool ok = file_write(secret_path, secret_text, n, 0600, true) &&
              file_write(public_path, public_text, p, 0644, true);
    crypto_wipe(secret_text, sizeof secret_text);
    key_fingerprint_text(&a, fp);
    if (ok && !quiet)
        printf("wrote %s (secret key, mode 0600) and %s\nkeys: %s\n"
               "author " CAPSULE_HASH_PREFIX "%s\n", secret_path, public_path,
               s->hybrid ? "ed25519 + ml-dsa-65 (hybrid)" : "ed25519 only", fp);
    return ok;
}

void signer_author(const struct proof_signer *s, struct author_key *out)
{
    memcpy(out->ed25519, s->ed25519_secret + 32, 32);
    out->hybrid = s->hybrid;
    if (s->hybrid)
        memcpy(out->mldsa65, s->mldsa65_public, MLDSA65_PUBLIC_KEY_SIZE);
}

/* Fills the signer from its seeds (ml_seed NULL: Ed25519 only). */
static bool signer_from_seeds(struct proof_signer *s, const uint8_t ed_seed[32],
                              const uint8_t *ml_seed)
{
    uint8_t pk[32];
    ed25519_keypair(pk, s->ed25519_secret, ed_seed);
    s->hybrid = ml_seed != NULL;
    s->mldsa65_random = NULL;
    if (ml_seed == NULL)
        return true;
    memcpy(s->mldsa65_seed, ml_seed, 32);
    if (mldsa65_public_key(s->mldsa65_public, s->mldsa65_seed) != CRYPTO_OK) {
        fprintf(stderr, "nonos-capsule: ML-DSA-65 key generation failed\n");
        return false;
    }
    return true;
}

bool key_generate(const char *dir, bool hybrid, bool quiet)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "nonos-capsule: cannot create %s: %s\n", dir, strerror(errno));
        return false;
    }
    static struct proof_signer s;
    uint8_t seeds[64];
    bool ok = random_bytes(seeds, sizeof seeds) &&
              signer_from_seeds(&s, seeds, hybrid ? seeds + 32 : NULL) &&
              write_key_files(dir, &s, seeds, quiet);
    crypto_wipe(seeds, sizeof seeds);
    crypto_wipe(&s, sizeof s);
    return ok;
}

static bool secret_file_private(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "nonos-capsule: no author key at %s (run `nonos-capsule keygen`)\n",
                path);
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        fprintf(stderr, "nonos-capsule: %s is readable by others; refusing to use it "
                        "(chmod 600 %s)\n", path, path);
        return false;
    }
    return true;
}

bool key_load_secret(const char *path, struct proof_signer *signer)
{
    uint8_t *data, seeds[64];
    size_t len;
    bool hybrid = false;
    if (!secret_file_private(path) || !file_read(path, 4096, &data, &len))
        return false;
    enum keyfile_result result = keyfile_parse_secret(data, len, seeds, &hybrid);
    bool ok = result == KEYFILE_OK;
    crypto_wipe(data, len);
    free(data);
    if (!ok)
        fprintf(stderr, "nonos-capsule: %s is not a key file: %s (%s) (expected a line \"%s\" and 64 "
                        "hex digits, then for a hybrid key a line \"%s\" and 64 hex digits)\n",
                path, keyfile_result_message(result), keyfile_result_name(result), ED_SECRET_PREFIX,
                ML_SECRET_PREFIX);
    ok = ok && signer_from_seeds(signer, seeds, hybrid ? seeds + 32 : NULL);
    crypto_wipe(seeds, sizeof seeds);
    return ok;
}

int key_load_public_list(const char *path, struct author_key *authors, int max)
{
    uint8_t *data;
    size_t len, line;
    int count;
    if (!file_read(path, 1 << 22, &data, &len))
        return -1;
    enum keyfile_result result = keyfile_parse_trust(data, len, authors, max, &count, &line);
    free(data);
    if (result != KEYFILE_OK) {
        fprintf(stderr, "nonos-capsule: %s:%zu: bad key line: %s (%s) (expected \"ed25519:\" and "
                        "64 hex digits, optionally followed by \" ml-dsa-65:\" and %d hex "
                        "digits; at most %d authors)\n", path, line, keyfile_result_message(result),
                keyfile_result_name(result), 2 * MLDSA65_PUBLIC_KEY_SIZE, max);
        return -1;
    }
    return count;
}

int command_keygen(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule keygen [--dir DIR] [--ed25519-only]\n"
        "Creates an author key pair: DIR/author.key (secret, mode 0600) and\n"
        "DIR/author.pub. The key is hybrid (Ed25519 + ML-DSA-65) unless\n"
        "--ed25519-only is given (for tests and trust stores of older tools).\n"
        "DIR defaults to $NONOS_KEY_DIR or ~/.nonos. Prints the author's\n"
        "fingerprint (what a dependency's author = \"blake2b:...\" names).\n"
        "Never overwrites an existing key and never prints the secret key.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    char dir[4096];
    const char *dir_arg = NULL;
    bool hybrid = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc && dir_arg == NULL) {
            dir_arg = argv[++i];
        } else if (strcmp(argv[i], "--ed25519-only") == 0) {
            hybrid = false;
        } else {
            fputs(usage, stderr);
            return TOOL_ERROR;
        }
    }
    if (dir_arg != NULL) {
        int n = snprintf(dir, sizeof dir, "%s", dir_arg);
        if (n < 0 || (size_t)n >= sizeof dir)
            return TOOL_ERROR;
    } else if (!key_default_dir(dir, sizeof dir)) {
        return TOOL_ERROR;
    }
    return key_generate(dir, hybrid, false) ? TOOL_OK : TOOL_ERROR;
}
