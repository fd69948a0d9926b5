/* In-kernel tests of processes running in ring 3: tiny payloads built here
 * (one R+X PT_LOAD at 0x400000 holding a few instructions, checked by
 * payload_check_elf like any payload) are loaded and started for real.
 * A CPU hog is stopped within 10 % of its 500 ms budget while faulting
 * processes (null access, write to code, kernel address, invalid opcode,
 * divide by zero) are killed one by one, each reported in the audit log
 * with its fault, and the kernel and the hog carry on. A payload that calls
 * exit(7) ends with status 7. */
#include "base/endian.h"
#include "capsule/manifest.h"
#include "kernel/arch/time.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "sdk/include/nonos/abi.h"
#include "kernel/error.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/process_internal.h"
#include "kernel/test/test.h"
#include "kernel/test/test_payload.h"

#include <stdint.h>

#define PAYLOAD_BASE 0x400000u
#define PAYLOAD_CODE_OFFSET 120u /* after the ELF header and one program header */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* A static ET_EXEC x86_64 ELF: header, one PT_LOAD (R+X, file offset 0 at
 * PAYLOAD_BASE) and the code right after; the entry is the code. */
size_t payload_build(uint8_t *elf, const uint8_t *code, size_t code_length)
{
    static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    size_t length = PAYLOAD_CODE_OFFSET + code_length;
    __builtin_memset(elf, 0, PAYLOAD_MAX);
    __builtin_memcpy(elf, ident, sizeof ident);
    put16(elf + 16, 2);  /* ET_EXEC */
    put16(elf + 18, 62); /* EM_X86_64 */
    put32(elf + 20, 1);
    put64(elf + 24, PAYLOAD_BASE + PAYLOAD_CODE_OFFSET);
    put64(elf + 32, 64); /* e_phoff */
    put16(elf + 52, 64);
    put16(elf + 54, 56);
    put16(elf + 56, 1);
    uint8_t *ph = elf + 64;
    put32(ph, 1);     /* PT_LOAD */
    put32(ph + 4, 5); /* R + X */
    put64(ph + 16, PAYLOAD_BASE);
    put64(ph + 24, PAYLOAD_BASE);
    put64(ph + 32, length);
    put64(ph + 40, length);
    put64(ph + 48, 4096);
    __builtin_memcpy(elf + PAYLOAD_CODE_OFFSET, code, code_length);
    return length;
}

static void manifest_name_set(struct manifest_name *out, const char *name)
{
    size_t n = 0;
    while (name[n] != '\0') /* the tests' own short literals */
        n++;
    if (n > MANIFEST_NAME_MAX)
        n = MANIFEST_NAME_MAX;
    for (size_t i = 0; i < n; i++)
        out->text[i] = name[i];
    out->text[n] = '\0';
    out->len = (uint8_t)n;
}

/* A manifest (kmalloc'd, defaults) with the given name and CPU budget,
 * memory 1 MiB, one thread. */
struct manifest *manifest_make(const char *name, uint64_t cpu_us)
{
    struct manifest *manifest = kmalloc(sizeof *manifest);
    if (!manifest)
        return NULL;
    manifest_init(manifest);
    manifest_name_set(&manifest->name, name);
    manifest->cpu_us = cpu_us;
    manifest->memory_bytes = 1u << 20;
    manifest->threads = 1;
    return manifest;
}

/* Loads and starts a payload under manifest_make(name, cpu_us). */
int payload_start(const char *name, const uint8_t *code, size_t code_length,
                         uint64_t cpu_us, uint8_t *elf, struct process **out)
{
    struct manifest *manifest = manifest_make(name, cpu_us);
    if (!manifest)
        return -ERROR_NO_MEMORY;
    size_t length = payload_build(elf, code, code_length);
    int error = process_create_payload(TEST_CAPSULE_INDEX, bytes_make(elf, length), manifest, out);
    if (error)
        return error;
    error = process_start(*out);
    if (error)
        process_kill(*out, PROCESS_END_KILLED, "test: start failed");
    return error;
}

static const uint8_t hog_code[] = { 0xeb, 0xfe }; /* jmp . */

/* The newest audit record about process id, or false. */
static bool audit_last_about(uint64_t id, struct nonos_audit_record *out)
{
    static struct nonos_audit_record records[16];
    uint64_t next = audit_next_sequence();
    uint32_t count = audit_read(next > 16 ? next - 16 : 0, records, 16);
    for (uint32_t i = count; i > 0; i--) {
        if (records[i - 1].process == id) {
            *out = records[i - 1];
            return true;
        }
    }
    return false;
}

static bool text_starts(const char *text, const char *prefix)
{
    while (*prefix && *text == *prefix) {
        text++;
        prefix++;
    }
    return *prefix == '\0';
}

struct fault_case {
    const char *name;
    uint8_t code[16];
    size_t length;
    const char *fault; /* how the audit record's detail starts */
};

static const struct fault_case fault_cases[] = {
    { "fault-null", { 0xc6, 0x04, 0x25, 0x10, 0, 0, 0, 0x2a }, 8, "null access at 0x10" },
    { "fault-code", { 0xc6, 0x05, 0xf9, 0xff, 0xff, 0xff, 0x90 }, 7, "write to code at 0x400078" },
    { "fault-kernel", { 0x48, 0xb8, 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff, 0x8a, 0x00 }, 12,
      "kernel address access at 0xffffffff80000000" },
    { "fault-opcode", { 0x0f, 0x0b }, 2, "invalid opcode (pc 0x400078)" },
    { "fault-divide", { 0x31, 0xc9, 0xf7, 0xf1 }, 4, "divide error (pc 0x40007a)" },
};

static bool fault_case_run(const struct fault_case *c)
{
    static uint8_t elf[PAYLOAD_MAX];
    struct process *process;
    int error = payload_start(c->name, c->code, c->length, 1000000, elf, &process);
    TEST_REQUIRE(error == 0, "%s did not start: %s", c->name, kernel_error_message(error));
    process_wait_end(process);
    struct nonos_audit_record record;
    TEST_REQUIRE(process->end == PROCESS_END_FAULT && process->state == PROCESS_KILLED,
                 "%s ended with %s", c->name, process_end_name(process->end));
    TEST_REQUIRE(audit_last_about(process->id, &record) && record.kind == NONOS_AUDIT_FAULT,
                 "%s: no fault record in the audit log", c->name);
    TEST_REQUIRE(text_starts(record.detail, c->fault), "%s: audit says \"%s\", want \"%s\"",
                 c->name, record.detail, c->fault);
    return true;
}

static bool test_process_ring3_hog_and_faults(void)
{
    static uint8_t elf[PAYLOAD_MAX];
    struct process *hog;
    int error = payload_start("cpu-hog", hog_code, sizeof hog_code, 500000, elf, &hog);
    TEST_REQUIRE(error == 0, "the hog did not start: %s", kernel_error_message(error));
    for (size_t i = 0; i < sizeof fault_cases / sizeof fault_cases[0]; i++) {
        if (!fault_case_run(&fault_cases[i])) {
            process_kill(hog, PROCESS_END_KILLED, "test failed");
            process_wait_end(hog);
            return false;
        }
    }
    bool hog_alive = !hog->killed;
    process_wait_end(hog);
    TEST_REQUIRE(hog_alive, "the hog was stopped before the faulting processes ended");
    TEST_REQUIRE(hog->end == PROCESS_END_CPU_BUDGET, "the hog ended with %s",
                 process_end_name(hog->end));
    uint64_t used = process_cpu_used_ns(hog);
    TEST_REQUIRE(used >= hog->cpu_budget_ns && used <= hog->cpu_budget_ns / 10 * 11,
                 "the hog was stopped at %lu us for a budget of %lu us", used / 1000,
                 hog->cpu_budget_ns / 1000);
    return true;
}

static bool test_process_ring3_exit_status(void)
{
    static uint8_t elf[PAYLOAD_MAX];
    /* mov edi, 7; xor eax, eax (exit); syscall; ud2 (never reached) */
    static const uint8_t code[] = { 0xbf, 7, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b };
    struct process *process;
    int error = payload_start("exit-seven", code, sizeof code, 1000000, elf, &process);
    TEST_REQUIRE(error == 0, "did not start: %s", kernel_error_message(error));
    process_wait_end(process);
    TEST_REQUIRE(process->end == PROCESS_END_EXIT && process->state == PROCESS_EXITED &&
                     process->exit_status == 7,
                 "ended with %s, status %ld", process_end_name(process->end),
                 process->exit_status);
    return true;
}

/* The slots a manifest's policy gives, exactly (docs/policy.md). */
static bool slots_are(struct process *process, const uint32_t rights[4], uint32_t slots)
{
    static const enum object_type types[4] = { OBJECT_CONSOLE, OBJECT_TIMER, OBJECT_ENDPOINT,
                                               OBJECT_SUPERVISOR };
    struct cap_table *caps = process->caps;
    TEST_REQUIRE(caps->size == slots, "%s: %u slots, manifest says %u", process->name, caps->size,
                 slots);
    for (uint32_t slot = 0; slot < caps->size; slot++) {
        const struct capability *cap = &caps->slots[slot];
        uint32_t want = slot < 4 ? rights[slot] : 0;
        TEST_REQUIRE((cap->object != NULL) == (want != 0), "%s: slot %u %s", process->name, slot,
                     cap->object ? "filled" : "empty");
        if (want == 0)
            continue;
        uint64_t badge = slot == NONOS_SLOT_NAMES && !(want & RIGHT_READ) ? process->id : 0;
        TEST_REQUIRE(cap->object->type == types[slot] && cap->rights == want && cap->badge == badge,
                     "%s: slot %u is %s with rights 0x%x badge %lu", process->name, slot,
                     object_type_name(cap->object->type), cap->rights, cap->badge);
    }
    return true;
}

static bool policy_case(const char *name, enum manifest_supervisor supervisor, bool console,
                        uint32_t slots, const uint32_t rights[4])
{
    static uint8_t elf[PAYLOAD_MAX];
    struct manifest *manifest = manifest_make(name, 1000000);
    TEST_REQUIRE(manifest, "no memory");
    if (rights[NONOS_SLOT_NAMES] & RIGHT_GRANT) { /* the name service, or another provider */
        bool names = rights[NONOS_SLOT_NAMES] & RIGHT_READ;
        manifest_name_set(&manifest->provides[0], names ? "nonos.names" : "test.service");
        manifest->provides_count = 1;
    }
    manifest->supervisor = supervisor;
    manifest->capability_slots = slots;
    if (console) {
        manifest_name_set(&manifest->devices[0], "console");
        manifest->device_count = 1;
    }
    size_t length = payload_build(elf, hog_code, sizeof hog_code);
    struct process *process;
    int error = process_create_payload(TEST_CAPSULE_INDEX, bytes_make(elf, length), manifest,
                                       &process);
    TEST_REQUIRE(error == 0, "%s: %s", name, kernel_error_message(error));
    bool ok = slots_are(process, rights, slots);
    process_kill(process, PROCESS_END_KILLED, "test");
    process_wait_end(process);
    return ok;
}

static bool test_process_policy_capabilities(void)
{
    static const uint32_t plain[4] = { RIGHT_WRITE, RIGHT_WRITE, RIGHT_WRITE, 0 };
    static const uint32_t keyboard[4] = { RIGHT_READ | RIGHT_WRITE, RIGHT_WRITE, RIGHT_WRITE, 0 };
    static const uint32_t reader[4] = { RIGHT_WRITE, RIGHT_WRITE, RIGHT_WRITE, RIGHT_READ };
    static const uint32_t controller[4] = { RIGHT_READ | RIGHT_WRITE, RIGHT_WRITE, RIGHT_WRITE,
                                            RIGHT_READ | RIGHT_CONTROL };
    static const uint32_t names[4] = { RIGHT_WRITE, RIGHT_WRITE, RIGHT_READ | RIGHT_GRANT, 0 };
    static const uint32_t provider[4] = { RIGHT_WRITE, RIGHT_WRITE, RIGHT_WRITE | RIGHT_GRANT, 0 };
    return policy_case("policy-plain", MANIFEST_SUPERVISOR_NONE, false, 64, plain) &&
           policy_case("policy-names", MANIFEST_SUPERVISOR_NONE, false, 8, names) &&
           policy_case("policy-provider", MANIFEST_SUPERVISOR_NONE, false, 8, provider) &&
           policy_case("policy-console", MANIFEST_SUPERVISOR_NONE, true, 8, keyboard) &&
           policy_case("policy-reader", MANIFEST_SUPERVISOR_READ, false, 16, reader) &&
           policy_case("policy-control", MANIFEST_SUPERVISOR_CONTROL, true, 4096, controller);
}

/* Two segments: the text of payload_build grown to one whole page of file
 * bytes (the loader copies it into a frame it does not zero first: every
 * byte must be the file's) and a data segment at 0x401000 from file offset
 * 0x1000 with 8 file bytes and 0x1800 bytes in memory (bss): its first
 * page holds the 8 bytes then zeros, its second page zeros, both R+W and
 * NX. */
static bool test_process_bss_zeroed(void)
{
    static uint8_t elf[0x1008] __attribute__((aligned(16)));
    static const uint8_t code[] = { 0xeb, 0xfe };
    payload_build(elf, code, sizeof code);
    put16(elf + 56, 2);
    uint8_t *text = elf + 64, *data = elf + 64 + 56;
    __builtin_memmove(elf + PAYLOAD_CODE_OFFSET + 56, code, sizeof code); /* after 2 headers */
    put64(elf + 24, PAYLOAD_BASE + PAYLOAD_CODE_OFFSET + 56);
    size_t code_end = PAYLOAD_CODE_OFFSET + 56 + sizeof code;
    for (size_t i = code_end; i < 0x1000; i++)
        elf[i] = (uint8_t)(0x5a ^ i);
    put64(text + 32, 0x1000);
    put64(text + 40, 0x1000);
    put32(data, 1);
    put32(data + 4, 6); /* R + W */
    put64(data + 8, 0x1000);
    put64(data + 16, PAYLOAD_BASE + 0x1000);
    put64(data + 24, PAYLOAD_BASE + 0x1000);
    put64(data + 32, 8);
    put64(data + 40, 0x1800);
    put64(data + 48, 4096);
    put64(elf + 0x1000, 0x1122334455667788ull);
    struct manifest *manifest = manifest_make("bss", 1000000);
    TEST_REQUIRE(manifest, "no memory");
    struct process *process;
    int error = process_create_payload(TEST_CAPSULE_INDEX, bytes_make(elf, sizeof elf), manifest,
                                       &process);
    TEST_REQUIRE(error == 0, "the two-segment payload: %s", kernel_error_message(error));
    struct vm_mapping first = { 0, 0, 0 }, second = { 0, 0, 0 };
    struct vm_mapping code_page = { 0, 0, 0 };
    bool text_ok = vm_query(process->space, PAYLOAD_BASE, &code_page) &&
                   __builtin_memcmp(phys_to_virt(code_page.phys), elf, 0x1000) == 0;
    bool mapped = vm_query(process->space, PAYLOAD_BASE + 0x1000, &first) &&
                  vm_query(process->space, PAYLOAD_BASE + 0x2000, &second);
    bool zero = mapped;
    const uint8_t *page = mapped ? phys_to_virt(first.phys) : NULL;
    const uint8_t *bss = mapped ? phys_to_virt(second.phys) : NULL;
    bool data_ok = mapped && load64_le(page) == 0x1122334455667788ull;
    for (size_t i = 8; zero && i < 4096; i++)
        zero = page[i] == 0 && bss[i] == 0;
    bool beyond = !vm_query(process->space, PAYLOAD_BASE + 0x3000, NULL);
    process_kill(process, PROCESS_END_KILLED, "test");
    process_wait_end(process);
    TEST_REQUIRE(mapped && first.flags == (VM_USER | VM_WRITE) &&
                     second.flags == (VM_USER | VM_WRITE),
                 "data and bss pages: mapped %d, flags 0x%x 0x%x", mapped, first.flags,
                 second.flags);
    TEST_REQUIRE(text_ok, "the whole text page is not the file's 4096 bytes");
    TEST_REQUIRE(data_ok, "the data segment's file bytes were not copied");
    TEST_REQUIRE(zero, "the rest of the data page or the bss is not zero");
    TEST_REQUIRE(beyond, "a page past the segment's memory size is mapped");
    return true;
}

static const struct test_case test_process_user_cases[] = {
    { "process_bss_zeroed", test_process_bss_zeroed },
    { "process_policy_capabilities", test_process_policy_capabilities },
    { "process_ring3_exit_status", test_process_ring3_exit_status },
    { "process_ring3_hog_and_faults", test_process_ring3_hog_and_faults },
};

TEST_TABLE(test_process_user_cases);
