/* Boot-time verification of the boot bundle (see capsule.h).
 *
 * The bundle lies in boot data the loader already measured against the
 * digest built into it; its trust keys are therefore as trusted as the
 * loader. Boot data stays writable through the direct map, so before
 * anything is verified the bundle is copied into frames of its own whose
 * only mapping (their direct-map alias) is then made read-only
 * (vm_seal_direct): the bytes verified are the bytes that will be loaded,
 * and nothing changes them in between. Nothing here maps or runs a capsule:
 * a capsule that passes is "verified" and waits for the process manager
 * (the microkernel issue). The report is kept in .bss, so the verdicts stay
 * after the work memory is freed. */
#include "kernel/capsule/capsule.h"

#include "base/hex.h"
#include "boot/bootinfo.h"
#include "capsule/bundle.h"
#include "capsule/canonical.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/shell/report.h"

static struct bundle_report report;
static bool bundle_present;
static struct bytes sealed; /* the bundle's read-only private copy */

/* What capsule_verified hands out, decoded once per capsule. The manifest
 * and payload views are those bundle_verify hashed and verified, inside the
 * sealed copy, which nothing can write: so the container is not parsed and
 * hashed again here (that cost about 1 M instructions per system capsule,
 * the whole bundle's hash a second time before the prompt), and the
 * first decoding of the manifest stays true for the whole boot. Filled
 * lazily under the interrupt lock; never freed before
 * capsule_bundle_release. */
struct capsule_decoded {
    struct bytes payload;
    struct manifest *manifest;
};
static struct capsule_decoded decoded[BUNDLE_CAPSULES_MAX];

/* Copies size bytes at physical address phys into fresh frames and seals
 * them read-only; false (nothing kept) when memory is short. */
static bool bundle_seal(uint64_t phys, uint64_t size, struct bytes *out)
{
    uint64_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    /* Unzeroed: the copy and the zeroed tail below write every byte once. */
    uint64_t copy = frame_alloc_contiguous_unzeroed(pages, PAGE_SIZE, 0);
    if (copy == 0)
        return false;
    uint8_t *to = phys_to_virt(copy);
    const uint8_t *from = phys_to_virt(phys);
    uint64_t words = size / 8;
    words_copy(to, from, words);
    __builtin_memcpy(to + words * 8, from + words * 8, (size_t)(size % 8));
    __builtin_memset(to + size, 0, (size_t)(pages * PAGE_SIZE - size));
    if (vm_seal_direct(copy, pages) != VM_OK) {
        frame_free_contiguous(copy, pages);
        return false;
    }
    *out = bytes_make(phys_to_virt(copy), (size_t)size);
    return true;
}

void capsule_bundle_release(void)
{
    if (sealed.data == NULL)
        return;
    for (size_t i = 0; i < BUNDLE_CAPSULES_MAX; i++) {
        kfree(decoded[i].manifest);
        decoded[i].manifest = NULL;
        decoded[i].payload = bytes_make(NULL, 0);
    }
    uint64_t phys = virt_to_phys(sealed.data);
    uint64_t pages = (sealed.len + PAGE_SIZE - 1) / PAGE_SIZE;
    if (vm_unseal_direct(phys, pages) == VM_OK)
        frame_free_contiguous(phys, pages);
    sealed = bytes_make(NULL, 0);
}

bool capsule_bundle_sealed(struct bytes *out)
{
    *out = sealed;
    return sealed.data != NULL;
}

size_t capsule_count(void)
{
    return bundle_present && report.error == CAPSULE_OK ? report.count : 0;
}

const char *capsule_name(size_t index)
{
    if (index >= capsule_count() || !report.entries[index].opened)
        return NULL;
    return report.entries[index].name.text;
}

bool capsule_is_verified(size_t index)
{
    return index < capsule_count() && report.entries[index].verdict == CAPSULE_OK &&
           sealed.data != NULL;
}


static bool capsule_decode_once(size_t index)
{
    if (decoded[index].manifest != NULL)
        return true;
    const struct bundle_entry *entry = &report.entries[index];
    struct manifest *manifest = kmalloc(sizeof *manifest);
    if (manifest == NULL)
        return false;
    if (canonical_decode(entry->manifest_text, manifest) != CAPSULE_OK) {
        kfree(manifest);
        return false;
    }
    bool was_enabled = interrupts_save();
    bool first = decoded[index].manifest == NULL;
    if (first) {
        decoded[index].payload = entry->payload;
        decoded[index].manifest = manifest;
    }
    interrupts_restore(was_enabled);
    if (!first)
        kfree(manifest);
    return true;
}

bool capsule_verified(size_t index, struct bytes *payload, struct manifest *manifest)
{
    if (!capsule_is_verified(index) || !capsule_decode_once(index))
        return false;
    *payload = decoded[index].payload;
    *manifest = *decoded[index].manifest;
    return true;
}

bool capsule_find(const char *name, size_t length, size_t *index)
{
    for (size_t i = 0; i < capsule_count(); i++) {
        const struct manifest_name *n = &report.entries[i].name;
        if (!capsule_is_verified(i) || n->len != length)
            continue;
        size_t k = 0;
        while (k < length && n->text[k] == name[k])
            k++;
        if (k == length) {
            *index = i;
            return true;
        }
    }
    return false;
}

static void print_refusals(void)
{
    for (size_t i = 0; i < report.count; i++) {
        const struct bundle_entry *e = &report.entries[i];
        if (e->verdict == CAPSULE_OK)
            continue;
        char version[SEMVER_TEXT_MAX] = "?";
        if (e->opened)
            semver_format(e->version, version, sizeof version);
        kprintf("capsules: refused #%zu %s %s: %s (%s)\n", i,
                e->opened ? e->name.text : "?", version,
                capsule_error_message(e->verdict), capsule_error_name(e->verdict));
    }
}

/* bundle_verify_metered's clock: the TSC, which counts instructions under
 * QEMU -icount. */
static uint64_t capsule_clock(void)
{
    return cpu_cycles();
}

/* The ML-DSA-65 share of the figure above, in one line (make
 * bench-capsule reads it): the authors' keys (each prepared once, for its
 * first capsule, and looked up for the others) and each capsule's
 * verification, apart from the proof's hashing. */
static void print_mldsa65_work(void)
{
    uint64_t prepare = 0, least = UINT64_MAX, most = 0;
    size_t capsules = 0;
    for (size_t i = 0; i < report.count; i++) {
        const struct bundle_entry *e = &report.entries[i];
        if (e->mldsa65_verify_ticks == 0)
            continue;
        capsules++;
        prepare += e->mldsa65_prepare_ticks;
        least = e->mldsa65_verify_ticks < least ? e->mldsa65_verify_ticks : least;
        most = e->mldsa65_verify_ticks > most ? e->mldsa65_verify_ticks : most;
    }
    if (capsules == 0)
        return;
    kprintf("capsules: ML-DSA-65 work: author keys prepared in %llu tsc; "
            "%zu capsules verified in %llu-%llu tsc each\n",
            (unsigned long long)prepare, capsules, (unsigned long long)least,
            (unsigned long long)most);
}

void capsule_boot(void)
{
    const struct bootinfo *info = boot_info();
    if (info->bundle == 0 || info->bundle_size == 0) {
        kprintf("capsules: no boot bundle\n");
        return;
    }
    struct bundle_work *work = kmalloc(sizeof *work);
    if (work == NULL || !bundle_seal(info->bundle, info->bundle_size, &sealed)) {
        kprintf("capsules: no memory to copy and verify the boot bundle; no capsule will run\n");
        kfree(work);
        return;
    }
    struct bytes file = sealed;
    bundle_present = true;
    /* Under QEMU -icount shift=0 the TSC counts instructions: the figure
     * make bench-capsule reads. */
    uint64_t start = cpu_cycles();
    enum capsule_error err = bundle_verify_metered(file, work, &report, capsule_clock);
    uint64_t cycles = cpu_cycles() - start;
    if (err != CAPSULE_OK) {
        kprintf("capsules: boot bundle refused: %s (%s)\n",
                capsule_error_message(report.error), capsule_error_name(report.error));
    } else {
        print_refusals();
        kprintf("capsules: %zu of %zu verified (%zu trusted authors) in %llu tsc, %zu bytes\n",
                report.start_count, report.count, report.key_count,
                (unsigned long long)cycles, file.len);
        print_mldsa65_work();
    }
    kfree(work);
}

void capsule_list(struct report *out)
{
    if (!bundle_present) {
        report_printf(out, "no boot bundle\n");
        return;
    }
    if (report.error != CAPSULE_OK) {
        report_printf(out, "boot bundle refused: %s\n", capsule_error_message(report.error));
        return;
    }
    report_printf(out, "  %-20s %-10s %-16s %-16s %-7s %s\n", "name", "version", "author",
                   "id", "proof", "state");
    for (size_t i = 0; i < report.count; i++) {
        const struct bundle_entry *e = &report.entries[i];
        char version[SEMVER_TEXT_MAX] = "?", author[17] = "?", id[65] = "?";
        if (e->opened) {
            semver_format(e->version, version, sizeof version);
            hex_encode(e->author, 8, author, sizeof author);
            hex_encode(e->id, 8, id, sizeof id);
        }
        report_printf(out, "  %-20s %-10s %-16s %-16s %-7s %s%s\n", e->opened ? e->name.text : "?",
                       version, author, id, !e->opened ? "?" : e->hybrid ? "hybrid" : "ed25519",
                       e->verdict == CAPSULE_OK ? "verified" : "refused: ",
                       e->verdict == CAPSULE_OK ? "" : capsule_error_message(e->verdict));
    }
}
