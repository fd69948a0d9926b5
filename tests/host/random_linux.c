/* getrandom(2) as a struct random_source (see random_linux.h). */
#include "tests/host/random_linux.h"

#include <errno.h>
#include <sys/random.h>

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
