/* Shared fixtures of the capsule tests: a fixed test author key, a minimal
 * static x86_64 ELF payload, a reference manifest, and a helper that builds
 * a signed capsule from them. Everything is deterministic, so the corpus
 * generated from these fixtures is the same on every run. */
#ifndef NONOS_TESTS_CAPSULE_FIXTURE_H
#define NONOS_TESTS_CAPSULE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsule/capsule.h"
#include "capsule/canonical.h"
#include "capsule/manifest.h"

#define FIXTURE_ELF_MAX 512
#define FIXTURE_MOD_MAX 16384

/* The test author's Ed25519 key: seed = 32 bytes of `tag` (tag 0x42 is the
 * default). */
void fixture_key(uint8_t tag, uint8_t public_key[32], uint8_t secret_key[64]);

/* The test author `tag` as a signer: the Ed25519 key above and, when
 * hybrid, the ML-DSA-65 key whose seed is 32 bytes of (tag ^ 0xA5);
 * deterministic ML-DSA-65 signing. */
void fixture_signer(uint8_t tag, bool hybrid, struct proof_signer *s);
/* Its public keys. */
void fixture_author(uint8_t tag, bool hybrid, struct author_key *a);

/* Writes a minimal valid payload ELF into out (FIXTURE_ELF_MAX bytes) and
 * returns its length. Offsets of interesting fields are in the .c file. */
size_t fixture_elf(uint8_t *out);

/* A small valid manifest: name, version, one ipc capability. */
void fixture_manifest(struct manifest *m, const char *name, const char *version);

/* Encodes m and signs it with the hybrid key `tag` into out
 * (FIXTURE_MOD_MAX). Returns the length (0 on failure: the message is
 * printed). id may be NULL. */
size_t fixture_capsule(const struct manifest *m, uint8_t tag, uint8_t *out,
                       uint8_t id[32]);
/* The same with the choice of a hybrid or an Ed25519-only proof. */
size_t fixture_capsule_signed(const struct manifest *m, uint8_t tag, bool hybrid,
                              uint8_t *out, uint8_t id[32]);

#endif
