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

/* The process's generation counter for random_watch_generation: it is
 * bumped in the child of every fork (pthread_atfork), so a generator copied
 * into a child stops and reseeds instead of repeating the parent's output. */
const volatile uint64_t *random_linux_generation(void);

/* random_generate that reseeds from getrandom when the generator is
 * unseeded (first use, or a fork detected through the generation counter). */
enum crypto_result random_linux_generate(struct random_generator *generator, uint8_t *out,
                                         size_t len);

#endif
