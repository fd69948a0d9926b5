/* Shared declarations of the nonos-capsule host tool. Host code: libc is
 * fine here, lib/capsule does the parsing and checking. */
#ifndef NONOS_TOOLS_CAPSULE_TOOL_H
#define NONOS_TOOLS_CAPSULE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hex.h"
#include "capsule/manifest.h"
#include "capsule/trust.h"

/* Exit statuses: 0 success, 1 refused (verify said no, bad input), 2 usage
 * or environment error (missing file, clang failed). */
#define TOOL_OK 0
#define TOOL_REFUSED 1
#define TOOL_ERROR 2

#define TOOL_TOML_MAX (64u * 1024)
#define TOOL_MOD_MAX (80u << 20)

/* Reads a whole file (at most max bytes) into a malloc'd buffer. */
bool file_read(const char *path, size_t max, uint8_t **data, size_t *len);
/* Writes len bytes to path (created with mode, or replaced when exclusive is
 * false); refuses to replace an existing file when exclusive. */
bool file_write(const char *path, const void *data, size_t len, int mode,
                bool exclusive);
bool file_exists(const char *path);
/* snprintf that fails (returns false, prints) instead of truncating. */
bool path_join(char *out, size_t cap, const char *a, const char *b);

/* Default key directory: $NONOS_KEY_DIR or $HOME/.nonos. */
bool key_default_dir(char *out, size_t cap);
bool key_generate(const char *dir, bool quiet);
bool key_load_secret(const char *path, uint8_t secret_key[64]);
bool key_load_public(const char *path, uint8_t public_key[32]);
/* Reads every "ed25519:<hex>" line of a public key file; returns the count
 * or -1. */
int key_load_public_list(const char *path, struct trust_key *keys, int max);

/* The .mod a command works on: a file, or NAME-VERSION.mod of the project
 * in a directory (default "."). */
bool tool_target_mod(const char *arg, char *out, size_t cap);

/* capsule.toml of dir -> manifest; prints "capsule.toml:LINE: key: msg". */
bool project_manifest(const char *dir, struct manifest *m);

int command_keygen(int argc, char **argv);
int command_new(int argc, char **argv);
int command_build(int argc, char **argv);
int command_sign(int argc, char **argv);
int command_verify(int argc, char **argv);
int command_inspect(int argc, char **argv);
int command_bundle(int argc, char **argv);

/* True when argv has --help or -h (prints usage then). */
bool wants_help(int argc, char **argv, const char *usage);

#endif
