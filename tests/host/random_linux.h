/* The Linux entropy source for lib/crypto/random.h: getrandom(2).
 * Host-only (tools, tests, the hosted node); never linked into the kernel. */
#ifndef NONOS_TESTS_HOST_RANDOM_LINUX_H
#define NONOS_TESTS_HOST_RANDOM_LINUX_H

#include "crypto/random.h"

/* Fills out[0..len) from getrandom(2), blocking until the kernel pool is
 * initialized. Returns CRYPTO_ERR_HEALTH if the system call fails. ctx is
 * unused. */
enum crypto_result random_linux_read(void *ctx, uint8_t *out, size_t len);

/* A ready struct random_source for random_seed. */
struct random_source random_linux_source(void);

#endif
