/* Result messages, constant-time comparison and secure wiping (see crypto.h). */
#include "crypto/crypto.h"

const char *crypto_result_message(enum crypto_result result)
{
    switch (result) {
    case CRYPTO_OK: return "ok";
    case CRYPTO_ERR_VERIFY: return "verification failed";
    case CRYPTO_ERR_ENCODING: return "non-canonical encoding";
    case CRYPTO_ERR_WEAK_KEY: return "weak or small-order key";
    case CRYPTO_ERR_PARAMETER: return "parameter out of range";
    case CRYPTO_ERR_UNSEEDED: return "random generator not seeded";
    case CRYPTO_ERR_HEALTH: return "entropy source failed its health test";
    case CRYPTO_ERR_MEMORY: return "work memory too small";
    }
    return "unknown crypto result";
}

bool crypto_equal(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t difference = 0;
    for (size_t i = 0; i < len; i++)
        difference |= (uint8_t)(x[i] ^ y[i]);
    /* Map 0 -> 1 and 1..255 -> 0 without a data-dependent branch. */
    return (bool)(1 & ((uint32_t)(difference - 1) >> 8));
}

/* A fixed frame rather than alloca: UEFI targets would need __chkstk for a
 * variable one, and the callers' depths are all below this. */
#define CRYPTO_WIPE_STACK_MAX 3584

__attribute__((noinline)) void crypto_wipe_stack(size_t len)
{
    uint8_t area[CRYPTO_WIPE_STACK_MAX];
    if (len > sizeof area)
        len = sizeof area;
    crypto_wipe(area + sizeof area - len, len);
}

void crypto_wipe(void *p, size_t len)
{
    /* A plain memset of memory that is about to die is a dead store the
     * compiler may delete; the asm barrier, which may read any memory through
     * p, makes the stores observable, so they stay, and stay wide. */
    __builtin_memset(p, 0, len);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}
