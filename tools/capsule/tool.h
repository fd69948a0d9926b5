/* Shared declarations of the nonos-capsule host tool. Host code: libc is
 * fine here, lib/capsule does the parsing and checking. */
#ifndef NONOS_TOOLS_CAPSULE_TOOL_H
#define NONOS_TOOLS_CAPSULE_TOOL_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hex.h"
#include "capsule/manifest.h"
#include "capsule/proof.h"
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
/* Creates DIR/author.key and DIR/author.pub: hybrid (Ed25519 + ML-DSA-65)
 * or Ed25519 only. */
bool key_generate(const char *dir, bool hybrid, bool quiet);
/* Loads a secret key file into signer (public keys derived). */
bool key_load_secret(const char *path, struct proof_signer *signer);
/* Reads every author line of a public key file; returns the count or -1. */
int key_load_public_list(const char *path, struct author_key *authors, int max);
/* The author.pub line of a (no "\n"), into out[KEY_PUBLIC_LINE_MAX + 1]. */
#define KEY_PUBLIC_LINE_MAX (8 + 64 + 11 + 2 * 1952)
size_t key_public_line(const struct author_key *a, char *out);
/* The author's fingerprint as 64 hex digits. */
void key_fingerprint_text(const struct author_key *a, char out[65]);
/* The public keys of a signer. */
void signer_author(const struct proof_signer *s, struct author_key *out);
bool random_bytes(uint8_t *out, size_t len);

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

/* "ed25519 + ml-dsa-65" or "ed25519 only". */
const char *proof_kind(const struct author_key *a);
/* Prints s with every byte that is not printable ASCII (or is a backslash)
 * as \xNN; with utf8_ok, valid UTF-8 text characters (no control, no
 * bidirectional override or isolate) pass unchanged. */
void print_escaped(FILE *out, const char *s, bool utf8_ok);

/* True when argv has --help or -h (prints usage then). */
bool wants_help(int argc, char **argv, const char *usage);

#endif
