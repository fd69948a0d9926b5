/* The X25519 ladder for x86_64 hosts whose CPU has BMI2 and ADX (see
 * x25519_ladder.h): the same RFC 7748 §5 ladder as x25519.c, over a field of
 * four saturated 64-bit limbs whose multiplication is inline assembly.
 *
 * An element is any 256-bit value (four little-endian 64-bit limbs)
 * congruent to the number it stands for modulo p = 2^255 - 19; every
 * function accepts any such value and produces one, because 2^256 = 38
 * (mod p) folds every carry out of the top limb back in. Only
 * field64_to_bytes reduces fully.
 *
 * Products: mulx multiplies by rdx without touching the flags, and adcx and
 * adox add with carry through CF and OF alone, so one row of the schoolbook
 * product (f times one limb of g) runs two independent carry chains: the low
 * halves of the four partial products through CF, the high halves through
 * OF. Written from the Intel SDM's descriptions of MULX, ADCX and ADOX.
 *
 * Constant time: every instruction here takes the same time for every
 * operand value on the CPUs that have them (mulx included), no branch and no
 * memory address depends on a value, and carries become masks through sbb.
 * Suite 25 runs this ladder under valgrind with the scalar and the point
 * marked secret (valgrind executes these instructions, though its CPUID
 * hides ADX, so the test calls x25519_ladder_mulx directly). */
#include "crypto/x25519_ladder.h"

typedef int x25519_mulx_unused; /* ISO C wants a declaration in every file */

#ifdef X25519_MULX
#include "base/endian.h"
#include "crypto/crypto.h"

struct field64 {
    uint64_t limb[4];
};

/* One row of the schoolbook product, for g's limb at byte offset OFFSET:
 * columns A..E += f * g[OFFSET / 8], E starting at zero (the xor also
 * clears CF and OF). The last high half lands in E, then E takes the final
 * OF and CF; the product so far fits, so E does not overflow. */
#define FIELD64_ROW(OFFSET, A, B, C, D, E)           \
    "movq " #OFFSET "(%[g]), %%rdx\n\t"              \
    "xorl %k[" #E "], %k[" #E "]\n\t"                \
    "mulxq 0(%[f]), %[lo], %[hi]\n\t"                \
    "adcxq %[lo], %[" #A "]\n\t"                     \
    "adoxq %[hi], %[" #B "]\n\t"                     \
    "mulxq 8(%[f]), %[lo], %[hi]\n\t"                \
    "adcxq %[lo], %[" #B "]\n\t"                     \
    "adoxq %[hi], %[" #C "]\n\t"                     \
    "mulxq 16(%[f]), %[lo], %[hi]\n\t"               \
    "adcxq %[lo], %[" #C "]\n\t"                     \
    "adoxq %[hi], %[" #D "]\n\t"                     \
    "mulxq 24(%[f]), %[lo], %[hi]\n\t"               \
    "adcxq %[lo], %[" #D "]\n\t"                     \
    "adoxq %[hi], %[" #E "]\n\t"                     \
    "adcq $0, %[" #E "]\n\t"

/* Folds the 512-bit product t0..t7 into t0..t3: t0..t3 + 38 (t4..t7) is at
 * most 2^256 + 38 * 2^256, its top limb (below 40) goes round once more
 * times 38, and a last carry out (only when t0..t3 became tiny) adds 38
 * without a further carry. */
#define FIELD64_REDUCE                                \
    "movl $38, %%edx\n\t"                             \
    "xorl %k[lo], %k[lo]\n\t"                         \
    "mulxq %[t4], %[lo], %[hi]\n\t"                   \
    "adcxq %[lo], %[t0]\n\t"                          \
    "adoxq %[hi], %[t1]\n\t"                          \
    "mulxq %[t5], %[lo], %[hi]\n\t"                   \
    "adcxq %[lo], %[t1]\n\t"                          \
    "adoxq %[hi], %[t2]\n\t"                          \
    "mulxq %[t6], %[lo], %[hi]\n\t"                   \
    "adcxq %[lo], %[t2]\n\t"                          \
    "adoxq %[hi], %[t3]\n\t"                          \
    "mulxq %[t7], %[lo], %[t4]\n\t"                   \
    "adcxq %[lo], %[t3]\n\t"                          \
    "movl $0, %k[t5]\n\t"                             \
    "adoxq %[t5], %[t4]\n\t"                          \
    "adcxq %[t5], %[t4]\n\t"                          \
    "imulq $38, %[t4], %[t4]\n\t"                     \
    "addq %[t4], %[t0]\n\t"                           \
    "adcq %[t5], %[t1]\n\t"                           \
    "adcq %[t5], %[t2]\n\t"                           \
    "adcq %[t5], %[t3]\n\t"                           \
    "sbbq %[t4], %[t4]\n\t"                           \
    "andq $38, %[t4]\n\t"                             \
    "addq %[t4], %[t0]\n\t"

#define FIELD64_OUTPUTS                                                                \
    [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),   \
        [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)

/* h = f * g */
static inline void field64_mul(struct field64 *h, const struct field64 *f,
                               const struct field64 *g)
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[g]), %%rdx\n\t"
            "mulxq 0(%[f]), %[t0], %[t1]\n\t"
            "mulxq 8(%[f]), %[lo], %[t2]\n\t"
            "addq %[lo], %[t1]\n\t"
            "mulxq 16(%[f]), %[lo], %[t3]\n\t"
            "adcq %[lo], %[t2]\n\t"
            "mulxq 24(%[f]), %[lo], %[t4]\n\t"
            "adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            FIELD64_ROW(8, t1, t2, t3, t4, t5)
            FIELD64_ROW(16, t2, t3, t4, t5, t6)
            FIELD64_ROW(24, t3, t4, t5, t6, t7)
            FIELD64_REDUCE
            : FIELD64_OUTPUTS
            : [f] "r"(f->limb), [g] "r"(g->limb), "m"(*f), "m"(*g)
            : "rdx", "cc");
    h->limb[0] = t0;
    h->limb[1] = t1;
    h->limb[2] = t2;
    h->limb[3] = t3;
}

/* h = f^2: the six cross products f_i f_j (i < j) once, then one pass that
 * doubles them through CF (adcx x, x) while adding the four squares f_i^2
 * through OF; ten mulx instead of sixteen. */
static inline void field64_square(struct field64 *h, const struct field64 *f)
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[f]), %%rdx\n\t"
            "mulxq 8(%[f]), %[t1], %[t2]\n\t"
            "mulxq 16(%[f]), %[lo], %[t3]\n\t"
            "addq %[lo], %[t2]\n\t"
            "mulxq 24(%[f]), %[lo], %[t4]\n\t"
            "adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "movq 8(%[f]), %%rdx\n\t"
            "xorl %k[t7], %k[t7]\n\t"
            "mulxq 16(%[f]), %[lo], %[hi]\n\t"
            "mulxq 24(%[f]), %[t0], %[t5]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[t0], %[t4]\n\t"
            "adcxq %[hi], %[t4]\n\t"
            "adoxq %[t7], %[t5]\n\t"
            "adcxq %[t7], %[t5]\n\t"
            "movq 16(%[f]), %%rdx\n\t"
            "mulxq 24(%[f]), %[lo], %[t6]\n\t"
            "addq %[lo], %[t5]\n\t"
            "adcq $0, %[t6]\n\t"
            "movq 0(%[f]), %%rdx\n\t"
            "xorl %k[t7], %k[t7]\n\t"
            "mulxq %%rdx, %[t0], %[hi]\n\t"
            "adcxq %[t1], %[t1]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "movq 8(%[f]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcxq %[t2], %[t2]\n\t"
            "adoxq %[lo], %[t2]\n\t"
            "adcxq %[t3], %[t3]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "movq 16(%[f]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcxq %[t4], %[t4]\n\t"
            "adoxq %[lo], %[t4]\n\t"
            "adcxq %[t5], %[t5]\n\t"
            "adoxq %[hi], %[t5]\n\t"
            "movq 24(%[f]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcxq %[t6], %[t6]\n\t"
            "adoxq %[lo], %[t6]\n\t"
            "adcxq %[t7], %[t7]\n\t"
            "adoxq %[hi], %[t7]\n\t"
            FIELD64_REDUCE
            : FIELD64_OUTPUTS
            : [f] "r"(f->limb), "m"(*f)
            : "rdx", "cc");
    h->limb[0] = t0;
    h->limb[1] = t1;
    h->limb[2] = t2;
    h->limb[3] = t3;
}

/* h = g + 121665 f (121665 = (A - 2) / 4, the ladder's constant): the
 * five-limb product plus g, then the top limb (below 2^17 + 2) folded in
 * times 38 as in FIELD64_REDUCE. */
static inline void field64_mul_121665_add(struct field64 *h, const struct field64 *f,
                                          const struct field64 *g)
{
    uint64_t t0, t1, t2, t3, t4, lo;
    __asm__("movl $121665, %%edx\n\t"
            "mulxq 0(%[f]), %[t0], %[t1]\n\t"
            "mulxq 8(%[f]), %[lo], %[t2]\n\t"
            "addq %[lo], %[t1]\n\t"
            "mulxq 16(%[f]), %[lo], %[t3]\n\t"
            "adcq %[lo], %[t2]\n\t"
            "mulxq 24(%[f]), %[lo], %[t4]\n\t"
            "adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "addq 0(%[g]), %[t0]\n\t"
            "adcq 8(%[g]), %[t1]\n\t"
            "adcq 16(%[g]), %[t2]\n\t"
            "adcq 24(%[g]), %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "imulq $38, %[t4], %[t4]\n\t"
            "addq %[t4], %[t0]\n\t"
            "adcq $0, %[t1]\n\t"
            "adcq $0, %[t2]\n\t"
            "adcq $0, %[t3]\n\t"
            "sbbq %[t4], %[t4]\n\t"
            "andq $38, %[t4]\n\t"
            "addq %[t4], %[t0]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3),
              [t4] "=&r"(t4), [lo] "=&r"(lo)
            : [f] "r"(f->limb), [g] "r"(g->limb), "m"(*f), "m"(*g)
            : "rdx", "cc");
    h->limb[0] = t0;
    h->limb[1] = t1;
    h->limb[2] = t2;
    h->limb[3] = t3;
}

/* sum = f + g and difference = f - g, reading f and g once. A carry out of
 * the top is 2^256 = 38 and a borrow takes 38 away; the second fold cannot
 * carry (borrow) again, because the first one did so only when the value
 * was then below 38 (at least 2^256 - 38). */
static inline void field64_add_sub(struct field64 *sum, struct field64 *difference,
                                   const struct field64 *f, const struct field64 *g)
{
    uint64_t s0, s1, s2, s3, d0, d1, d2, d3, mask;
    __asm__("movq 0(%[f]), %[s0]\n\t"
            "movq 8(%[f]), %[s1]\n\t"
            "movq 16(%[f]), %[s2]\n\t"
            "movq 24(%[f]), %[s3]\n\t"
            "movq %[s0], %[d0]\n\t"
            "movq %[s1], %[d1]\n\t"
            "movq %[s2], %[d2]\n\t"
            "movq %[s3], %[d3]\n\t"
            "addq 0(%[g]), %[s0]\n\t"
            "adcq 8(%[g]), %[s1]\n\t"
            "adcq 16(%[g]), %[s2]\n\t"
            "adcq 24(%[g]), %[s3]\n\t"
            "sbbq %[mask], %[mask]\n\t"
            "andq $38, %[mask]\n\t"
            "addq %[mask], %[s0]\n\t"
            "adcq $0, %[s1]\n\t"
            "adcq $0, %[s2]\n\t"
            "adcq $0, %[s3]\n\t"
            "sbbq %[mask], %[mask]\n\t"
            "andq $38, %[mask]\n\t"
            "addq %[mask], %[s0]\n\t"
            "subq 0(%[g]), %[d0]\n\t"
            "sbbq 8(%[g]), %[d1]\n\t"
            "sbbq 16(%[g]), %[d2]\n\t"
            "sbbq 24(%[g]), %[d3]\n\t"
            "sbbq %[mask], %[mask]\n\t"
            "andq $38, %[mask]\n\t"
            "subq %[mask], %[d0]\n\t"
            "sbbq $0, %[d1]\n\t"
            "sbbq $0, %[d2]\n\t"
            "sbbq $0, %[d3]\n\t"
            "sbbq %[mask], %[mask]\n\t"
            "andq $38, %[mask]\n\t"
            "subq %[mask], %[d0]\n\t"
            : [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3),
              [d0] "=&r"(d0), [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3),
              [mask] "=&r"(mask)
            : [f] "r"(f->limb), [g] "r"(g->limb), "m"(*f), "m"(*g)
            : "cc");
    sum->limb[0] = s0;
    sum->limb[1] = s1;
    sum->limb[2] = s2;
    sum->limb[3] = s3;
    difference->limb[0] = d0;
    difference->limb[1] = d1;
    difference->limb[2] = d2;
    difference->limb[3] = d3;
}

/* h = f - g: a borrow out of the top added 2^256 = 38, so 38 is taken away;
 * that can borrow once more only when the difference was below 38, after
 * which the second 38 cannot. */
static inline void field64_sub(struct field64 *h, const struct field64 *f,
                               const struct field64 *g)
{
    uint64_t t0, t1, t2, t3, mask;
    __asm__("movq 0(%[f]), %[t0]\n\t"
            "movq 8(%[f]), %[t1]\n\t"
            "movq 16(%[f]), %[t2]\n\t"
            "movq 24(%[f]), %[t3]\n\t"
            "subq 0(%[g]), %[t0]\n\t"
            "sbbq 8(%[g]), %[t1]\n\t"
            "sbbq 16(%[g]), %[t2]\n\t"
            "sbbq 24(%[g]), %[t3]\n\t"
            "sbbq %[mask], %[mask]\n\t"
            "andq $38, %[mask]\n\t"
            "subq %[mask], %[t0]\n\t"
            "sbbq $0, %[t1]\n\t"
            "sbbq $0, %[t2]\n\t"
            "sbbq $0, %[t3]\n\t"
            "sbbq %[mask], %[mask]\n\t"
            "andq $38, %[mask]\n\t"
            "subq %[mask], %[t0]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3),
              [mask] "=&r"(mask)
            : [f] "r"(f->limb), [g] "r"(g->limb), "m"(*f), "m"(*g)
            : "cc");
    h->limb[0] = t0;
    h->limb[1] = t1;
    h->limb[2] = t2;
    h->limb[3] = t3;
}

/* Exchanges f and g when mask is all ones, leaves them when it is zero. */
static inline void field64_swap(struct field64 *f, struct field64 *g, uint64_t mask)
{
    for (int i = 0; i < 4; i++) {
        const uint64_t t = mask & (f->limb[i] ^ g->limb[i]);
        f->limb[i] ^= t;
        g->limb[i] ^= t;
    }
}

static void field64_square_times(struct field64 *h, const struct field64 *f, int n)
{
    field64_square(h, f);
    for (int i = 1; i < n; i++)
        field64_square(h, h);
}

/* h = f^(p - 2) = 1/f, the addition chain of field25519.c's field_invert. */
static void field64_invert(struct field64 *h, const struct field64 *f)
{
    struct field64 t0, t1, t2, t3, z11;
    field64_square(&t0, f);                  /* 2 */
    field64_square_times(&t1, &t0, 2);       /* 8 */
    field64_mul(&t1, f, &t1);                /* 9 */
    field64_mul(&z11, &t0, &t1);             /* 11 */
    field64_square(&t2, &z11);               /* 22 */
    field64_mul(&t1, &t1, &t2);              /* 2^5 - 1 */
    field64_square_times(&t2, &t1, 5);
    field64_mul(&t1, &t2, &t1);              /* 2^10 - 1 */
    field64_square_times(&t2, &t1, 10);
    field64_mul(&t2, &t2, &t1);              /* 2^20 - 1 */
    field64_square_times(&t3, &t2, 20);
    field64_mul(&t2, &t3, &t2);              /* 2^40 - 1 */
    field64_square_times(&t2, &t2, 10);
    field64_mul(&t1, &t2, &t1);              /* 2^50 - 1 */
    field64_square_times(&t2, &t1, 50);
    field64_mul(&t2, &t2, &t1);              /* 2^100 - 1 */
    field64_square_times(&t3, &t2, 100);
    field64_mul(&t2, &t3, &t2);              /* 2^200 - 1 */
    field64_square_times(&t2, &t2, 50);
    field64_mul(&t2, &t2, &t1);              /* 2^250 - 1 */
    field64_square_times(&t2, &t2, 5);       /* 2^255 - 32 */
    field64_mul(h, &t2, &z11);               /* 2^255 - 21 = p - 2 */
    crypto_wipe(&t0, sizeof t0);
    crypto_wipe(&t1, sizeof t1);
    crypto_wipe(&t2, sizeof t2);
    crypto_wipe(&t3, sizeof t3);
    crypto_wipe(&z11, sizeof z11);
}

/* Writes the canonical value. Folding bit 255 back in (times 19) leaves v
 * below 2^255 + 19 < 2p; v >= p exactly when v + 19 reaches 2^255, and then
 * v - p is v + 19 without bit 255. */
static void field64_to_bytes(uint8_t out[32], const struct field64 *f)
{
    typedef unsigned __int128 wide;
    uint64_t v[4] = { f->limb[0], f->limb[1], f->limb[2], f->limb[3] & (UINT64_MAX >> 1) };
    uint64_t s[4];
    wide acc = (wide)19 * (f->limb[3] >> 63);
    for (int i = 0; i < 4; i++) {
        acc += v[i];
        v[i] = (uint64_t)acc;
        acc >>= 64;
    }
    acc = 19;
    for (int i = 0; i < 4; i++) {
        acc += v[i];
        s[i] = (uint64_t)acc;
        acc >>= 64;
    }
    const uint64_t take_s = 0 - (s[3] >> 63);
    s[3] &= UINT64_MAX >> 1;
    for (int i = 0; i < 4; i++)
        store64_le(out + 8 * i, v[i] ^ (take_s & (v[i] ^ s[i])));
    crypto_wipe(v, sizeof v);
    crypto_wipe(s, sizeof s);
}

/* One ladder step, the formulas of x25519_ladder_step in x25519.c, ordered
 * by dependency level (the additions, the four independent products, and so
 * on) so that the processor finds independent products next to each other:
 * in x25519.c's order each product waited for the one before (the 255 steps
 * took 42 us on this machine's EPYC; in this order 34, and 29-30 once the
 * additions and subtractions of the same operands were fused). */
static void field64_ladder_step(struct field64 *x2, struct field64 *z2, struct field64 *x3,
                                struct field64 *z3, const struct field64 *u)
{
    struct field64 a, aa, b, bb, e, c, d, da, cb, sum, difference, t;
    field64_add_sub(&a, &b, x2, z2);
    field64_add_sub(&c, &d, x3, z3);
    field64_square(&aa, &a);
    field64_square(&bb, &b);
    field64_mul(&da, &d, &a);
    field64_mul(&cb, &c, &b);
    field64_sub(&e, &aa, &bb);
    field64_add_sub(&sum, &difference, &da, &cb);
    field64_mul(x2, &aa, &bb);
    field64_square(x3, &sum);
    field64_square(&difference, &difference);
    field64_mul_121665_add(&t, &e, &aa);
    field64_mul(z3, u, &difference);
    field64_mul(z2, &e, &t);
}

void x25519_ladder_mulx(uint8_t out[32], const uint8_t k[32], const uint8_t point[32])
{
    struct field64 u, x2 = { { 1, 0, 0, 0 } }, z2 = { { 0 } }, x3, z3 = { { 1, 0, 0, 0 } };
    for (int i = 0; i < 4; i++)
        u.limb[i] = load64_le(point + 8 * i);
    u.limb[3] &= UINT64_MAX >> 1; /* RFC 7748 §5: bit 255 is ignored */
    x3 = u;
    uint64_t swap = 0;
    for (int t = 254; t >= 0; t--) {
        const uint64_t bit = (uint64_t)(k[t / 8] >> (t % 8)) & 1;
        swap ^= bit;
        field64_swap(&x2, &x3, 0 - swap);
        field64_swap(&z2, &z3, 0 - swap);
        swap = bit;
        field64_ladder_step(&x2, &z2, &x3, &z3, &u);
    }
    field64_swap(&x2, &x3, 0 - swap);
    field64_swap(&z2, &z3, 0 - swap);
    field64_invert(&z2, &z2);
    field64_mul(&x2, &x2, &z2);
    field64_to_bytes(out, &x2);
    crypto_wipe(&u, sizeof u);
    crypto_wipe(&x2, sizeof x2);
    crypto_wipe(&z2, sizeof z2);
    crypto_wipe(&x3, sizeof x3);
    crypto_wipe(&z3, sizeof z3);
}
#endif
