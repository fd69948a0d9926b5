/* Author keys: generation (getrandom), the two key files and loading them.
 *
 *   author.key  "ed25519-secret:" + 64 hex digits of the 32-byte seed + "\n",
 *               mode 0600, never overwritten, never printed
 *   author.pub  "ed25519:" + 64 hex digits of the public key + "\n"
 *
 * Every buffer that held the seed or the secret key is wiped before it is
 * released. A secret key file readable by group or others is refused. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "crypto/crypto.h"
#include "crypto/ed25519.h"
#include "tool.h"

#define SECRET_PREFIX "ed25519-secret:"
#define PUBLIC_PREFIX "ed25519:"

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

static bool random_bytes(uint8_t *out, size_t len)
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

static bool write_key_files(const char *dir, const uint8_t seed[32],
                            const uint8_t pk[32], bool quiet)
{
    char secret_path[4096], public_path[4096];
    char secret_text[sizeof SECRET_PREFIX + 64 + 1];
    char public_text[sizeof PUBLIC_PREFIX + 64 + 1];
    if (!path_join(secret_path, sizeof secret_path, dir, "author.key") ||
        !path_join(public_path, sizeof public_path, dir, "author.pub"))
        return false;
    if (file_exists(secret_path) || file_exists(public_path)) {
        fprintf(stderr, "nonos-capsule: %s already has a key; refusing to overwrite it\n", dir);
        return false;
    }
    size_t sp = sizeof SECRET_PREFIX - 1, pp = sizeof PUBLIC_PREFIX - 1;
    memcpy(secret_text, SECRET_PREFIX, sp);
    hex_encode(seed, 32, secret_text + sp, sizeof secret_text - sp);
    secret_text[sp + 64] = '\n';
    secret_text[sp + 65] = '\0';
    memcpy(public_text, PUBLIC_PREFIX, pp);
    hex_encode(pk, 32, public_text + pp, sizeof public_text - pp);
    public_text[pp + 64] = '\n';
    public_text[pp + 65] = '\0';
    bool ok = file_write(secret_path, secret_text, strlen(secret_text), 0600, true) &&
              file_write(public_path, public_text, strlen(public_text), 0644, true);
    crypto_wipe(secret_text, sizeof secret_text);
    if (ok && !quiet)
        printf("wrote %s (secret key, mode 0600) and %s\npublic key: %.*s\n",
               secret_path, public_path, (int)(strlen(public_text) - 1), public_text);
    return ok;
}

bool key_generate(const char *dir, bool quiet)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "nonos-capsule: cannot create %s: %s\n", dir, strerror(errno));
        return false;
    }
    uint8_t seed[32], pk[32], sk[64];
    bool ok = random_bytes(seed, sizeof seed);
    if (ok) {
        ed25519_keypair(pk, sk, seed);
        ok = write_key_files(dir, seed, pk, quiet);
    }
    crypto_wipe(seed, sizeof seed);
    crypto_wipe(sk, sizeof sk);
    return ok;
}

/* Reads a one-line key file "<prefix><64 hex>\n" into out[32]. */
static bool load_key_line(const char *path, const char *prefix, uint8_t out[32])
{
    uint8_t *data;
    size_t len;
    if (!file_read(path, 4096, &data, &len))
        return false;
    size_t plen = strlen(prefix), decoded;
    bool ok = len >= plen + 64 && memcmp(data, prefix, plen) == 0 &&
              hex_decode((const char *)data + plen, 64, HEX_LOWERCASE, out, 32, &decoded) &&
              (len == plen + 64 || (len == plen + 65 && data[plen + 64] == '\n'));
    crypto_wipe(data, len);
    free(data);
    if (!ok)
        fprintf(stderr, "nonos-capsule: %s is not a key file (expected \"%s\" and "
                        "64 hex digits)\n", path, prefix);
    return ok;
}

bool key_load_secret(const char *path, uint8_t secret_key[64])
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
    uint8_t seed[32], pk[32];
    bool ok = load_key_line(path, SECRET_PREFIX, seed);
    if (ok)
        ed25519_keypair(pk, secret_key, seed);
    crypto_wipe(seed, sizeof seed);
    return ok;
}

bool key_load_public(const char *path, uint8_t public_key[32])
{
    return load_key_line(path, PUBLIC_PREFIX, public_key);
}

int key_load_public_list(const char *path, struct trust_key *keys, int max)
{
    uint8_t *data;
    size_t len;
    if (!file_read(path, 1 << 20, &data, &len))
        return -1;
    int count = 0;
    size_t plen = strlen(PUBLIC_PREFIX), pos = 0, decoded;
    while (pos < len) {
        size_t end = pos;
        while (end < len && data[end] != '\n')
            end++;
        bool blank = end == pos || data[pos] == '#';
        if (!blank && (count == max || end - pos != plen + 64 ||
                       memcmp(data + pos, PUBLIC_PREFIX, plen) != 0 ||
                       !hex_decode((const char *)data + pos + plen, 64, HEX_LOWERCASE,
                                   keys[count].key, 32, &decoded))) {
            fprintf(stderr, "nonos-capsule: %s: bad key line (expected \"ed25519:\" "
                            "and 64 hex digits)\n", path);
            free(data);
            return -1;
        }
        count += !blank;
        pos = end + 1;
    }
    free(data);
    return count;
}

int command_keygen(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule keygen [--dir DIR]\n"
        "Creates an Ed25519 author key pair: DIR/author.key (secret, mode 0600)\n"
        "and DIR/author.pub. DIR defaults to $NONOS_KEY_DIR or ~/.nonos.\n"
        "Never overwrites an existing key and never prints the secret key.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    char dir[4096];
    if (argc == 3 && strcmp(argv[1], "--dir") == 0) {
        snprintf(dir, sizeof dir, "%s", argv[2]);
    } else if (argc != 1) {
        fputs(usage, stderr);
        return TOOL_ERROR;
    } else if (!key_default_dir(dir, sizeof dir)) {
        return TOOL_ERROR;
    }
    return key_generate(dir, false) ? TOOL_OK : TOOL_ERROR;
}
