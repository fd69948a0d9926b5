/* getrandom(2) as a struct random_source (see random_linux.h). */
#include "tests/host/random_linux.h"

#include <errno.h>
#include <pthread.h>
#include <sys/random.h>

static volatile uint64_t generation;
static pthread_once_t generation_once = PTHREAD_ONCE_INIT;

static void generation_bump(void)
{
    generation = generation + 1;
}

static void generation_register(void)
{
    /* fails only without memory; a test program then fails its fork test */
    (void)pthread_atfork(NULL, NULL, generation_bump);
}

enum crypto_result random_linux_read(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    size_t done = 0;
    while (done < len) {
        ssize_t got = getrandom(out + done, len - done, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            crypto_wipe(out, len);
            return CRYPTO_ERR_HEALTH;
        }
        done += (size_t)got;
    }
    return CRYPTO_OK;
}

struct random_source random_linux_source(void)
{
    struct random_source source = { random_linux_read, NULL, "linux getrandom" };
    return source;
}

const volatile uint64_t *random_linux_generation(void)
{
    (void)pthread_once(&generation_once, generation_register);
    return &generation;
}

enum crypto_result random_linux_generate(struct random_generator *generator, uint8_t *out,
                                         size_t len)
{
    enum crypto_result result = random_generate(generator, out, len);
    if (result != CRYPTO_ERR_UNSEEDED)
        return result;
    struct random_source source = random_linux_source();
    result = random_seed(generator, &source, 1, NULL);
    if (result != CRYPTO_OK)
        return result;
    return random_generate(generator, out, len);
}
