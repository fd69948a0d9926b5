/* In-kernel tests of lib/crypto's use of AVX2 (keccak_x4.h): the kernel
 * enables it exactly when the CPU has AVX2 and XCR0 the YMM state; the boot
 * bundle verifies the same, with bit-identical prepared author keys, on the
 * portable path and on the configured one (with AVX2: ExpandA's four-way
 * Keccak and the ML-DSA polynomial arithmetic, NTT, inverse NTT, row
 * products and UseHint, of mldsa65_poly_avx2.c); and a verification
 * leaves the vector registers as it found them (fpu_kernel_begin/end).
 * Suite 50's first boot has AVX2 (+avx2), its second (qemu64) has not: there
 * both runs take the portable path, and the test says so. */
#include "base/bytes.h"
#include "capsule/bundle.h"
#include "crypto/crypto.h"
#include "crypto/keccak_x4.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/user.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/capsule/capsule.h"
#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/test/test.h"

#define CANARY 0x5a17c0de0badf00dull

static struct bundle_report reports[2];
static uint8_t test_saved_state[1024] __attribute__((aligned(64)));

static bool test_avx2_enabled_when_usable(void)
{
    const struct cpu_features *features = cpu_features();
    bool expected = features->avx2 && (fpu_xcr0() & (XCR0_SSE | XCR0_AVX)) == (XCR0_SSE | XCR0_AVX);
    TEST_REQUIRE(crypto_simd_avx2() == expected,
                 "lib/crypto's AVX2 path is %s; CPU avx2=%d, XCR0=0x%llx",
                 crypto_simd_avx2() ? "on" : "off", features->avx2,
                 (unsigned long long)fpu_xcr0());
    kprintf("test: lib/crypto AVX2 path %s on this CPU\n", expected ? "on" : "off");
    return true;
}

/* bundle_verify of the sealed bundle with the configured path, xmm0 holding
 * CANARY before; returns xmm0 after. Interrupts off and the registers saved
 * around it, since the canary overwrites whatever user state they hold. */
static uint64_t verify_with_canary(struct bytes file, struct bundle_work *work,
                                   struct bundle_report *report)
{
    uint64_t after;
    bool was_enabled = interrupts_save();
    fpu_state_save(test_saved_state);
    __asm__ volatile("movq %0, %%xmm0" : : "r"(CANARY));
    (void)bundle_verify(file, work, report);
    __asm__ volatile("movq %%xmm0, %0" : "=r"(after));
    fpu_state_restore(test_saved_state);
    interrupts_restore(was_enabled);
    return after;
}

static bool same_verdicts_and_keys(const struct bundle_work *a, const struct bundle_work *b)
{
    TEST_REQUIRE(reports[0].error == reports[1].error && reports[0].count == reports[1].count &&
                     reports[0].start_count == reports[1].start_count,
                 "reports differ: error %d/%d, count %zu/%zu, verified %zu/%zu", reports[0].error,
                 reports[1].error, reports[0].count, reports[1].count, reports[0].start_count,
                 reports[1].start_count);
    for (size_t i = 0; i < reports[0].count; i++)
        TEST_REQUIRE(reports[0].entries[i].verdict == reports[1].entries[i].verdict,
                     "capsule %zu: verdict %d portable, %d configured", i,
                     reports[0].entries[i].verdict, reports[1].entries[i].verdict);
    size_t prepared = 0;
    for (size_t s = 0; s < BUNDLE_PREPARED_MAX; s++) {
        TEST_REQUIRE((a->prepared_for[s] == NULL) == (b->prepared_for[s] == NULL),
                     "prepared key slot %zu used on one path only", s);
        if (a->prepared_for[s] == NULL)
            continue;
        prepared++;
        TEST_REQUIRE(crypto_equal(&a->prepared[s], &b->prepared[s], sizeof a->prepared[s]),
                     "prepared key %zu differs between the paths", s);
    }
    TEST_REQUIRE(prepared > 0, "the bundle has no hybrid author: nothing was compared");
    return true;
}

static bool test_bundle_same_on_both_keccak_paths(void)
{
    struct bytes file;
    TEST_REQUIRE(capsule_bundle_sealed(&file), "no sealed copy of the boot bundle");
    struct bundle_work *work[2] = { kmalloc(sizeof *work[0]), kmalloc(sizeof *work[1]) };
    bool ok = work[0] != NULL && work[1] != NULL;
    if (ok) {
        const struct crypto_simd configured = {
            .avx2 = fpu_avx2_usable(), .begin = fpu_kernel_begin, .end = fpu_kernel_end };
        crypto_simd_configure(NULL);
        (void)verify_with_canary(file, work[0], &reports[0]);
        crypto_simd_configure(&configured);
        uint64_t after = verify_with_canary(file, work[1], &reports[1]);
        ok = same_verdicts_and_keys(work[0], work[1]);
        if (ok && after != CANARY) {
            test_fail("xmm0 was 0x%llx after a verification, 0x%llx before",
                      (unsigned long long)after, (unsigned long long)CANARY);
            ok = false;
        }
        if (ok)
            kprintf("test: bundle verified alike on the portable and the %s Keccak and "
                    "ML-DSA arithmetic\n", configured.avx2 ? "AVX2" : "portable (no AVX2 here)");
    } else {
        test_fail("no memory for two bundle_work");
    }
    kfree(work[0]);
    kfree(work[1]);
    return ok;
}

static const struct test_case test_simd_cases[] = {
    { "crypto_avx2_enabled_when_usable", test_avx2_enabled_when_usable },
    { "capsule_bundle_same_on_both_keccak_paths", test_bundle_same_on_both_keccak_paths },
};
TEST_TABLE(test_simd_cases);
