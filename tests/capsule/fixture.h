/* Shared fixtures of the capsule tests: a fixed test author key, a minimal
 * static x86_64 ELF payload, a reference manifest, and a helper that builds
 * a signed capsule from them. Everything is deterministic, so the corpus
 * generated from these fixtures is the same on every run. */
#ifndef NONOS_TESTS_CAPSULE_FIXTURE_H
#define NONOS_TESTS_CAPSULE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "capsule/capsule.h"
#include "capsule/canonical.h"
#include "capsule/manifest.h"

#define FIXTURE_ELF_MAX 512
#define FIXTURE_MOD_MAX 8192

/* The test author: seed = 32 bytes of `tag` (tag 0x42 is the default). */
void fixture_key(uint8_t tag, uint8_t public_key[32], uint8_t secret_key[64]);

/* Writes a minimal valid payload ELF into out (FIXTURE_ELF_MAX bytes) and
 * returns its length. Offsets of interesting fields are in the .c file. */
size_t fixture_elf(uint8_t *out);

/* A small valid manifest: name, version, one ipc capability. */
void fixture_manifest(struct manifest *m, const char *name, const char *version);

/* Encodes m and signs it with key `tag` into out (FIXTURE_MOD_MAX). Returns
 * the length (0 on failure: the message is printed). id may be NULL. */
size_t fixture_capsule(const struct manifest *m, uint8_t tag, uint8_t *out,
                       uint8_t id[32]);

#endif
