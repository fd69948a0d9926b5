/* In-kernel tests of the CPU protections: the kernel image's page
 * permissions (W^X), writes to code and read-only data fault, executing
 * data, heap and stack faults, SMEP/SMAP against a user page (or, on a CPU
 * without them, the documented absence), and backtrace symbolization. */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/symbols.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/test/selftest.h"
#include "kernel/test/test.h"

#include <stdint.h>

#define OPCODE_RET 0xc3
#define USER_TEST_ADDRESS 0x0000000040000000ull

extern const char __text_start[], __text_end[], __rodata_end[], __kernel_end[];

static uint8_t data_code[16] = { OPCODE_RET };
static const uint64_t rodata_value = 0x0123456789abcdefull;

/* A function to execute as the control case: text must stay executable. */
static __attribute__((noinline)) void text_code(void)
{
    __asm__ volatile("");
}

static bool page_rights_match(uint64_t virt, bool writable, bool executable)
{
    uint64_t entry = vm_query(virt);
    return (entry & PTE_PRESENT) && !!(entry & PTE_WRITABLE) == writable &&
           !(entry & PTE_NX) == executable;
}

static bool test_kernel_image_wx(void)
{
    uint64_t text_end = (uint64_t)(uintptr_t)__text_end;
    uint64_t rodata_end = (uint64_t)(uintptr_t)__rodata_end;
    for (uint64_t page = (uint64_t)(uintptr_t)__text_start; page < (uint64_t)(uintptr_t)__kernel_end;
         page += PAGE_SIZE) {
        bool text = page < text_end, rodata = !text && page < rodata_end;
        TEST_REQUIRE(page_rights_match(page, !text && !rodata, text),
                     "page 0x%lx has entry 0x%lx", page, vm_query(page));
    }
    uint64_t direct = (uint64_t)(uintptr_t)phys_to_virt(virt_to_phys(__text_start));
    TEST_REQUIRE(page_rights_match(direct, false, false), "direct map alias of text: entry 0x%lx",
                 vm_query(direct));
    struct fault_record record;
    volatile uint64_t *alias = (volatile uint64_t *)(uintptr_t)direct;
    TEST_REQUIRE(fault_try_write(alias, *alias, &record), "writing text through the direct map worked");
    return true;
}

static bool test_write_code_faults(void)
{
    struct fault_record record;
    volatile uint64_t *code = (volatile uint64_t *)(uintptr_t)text_code;
    uint64_t original = *code; /* write back the same bytes: harmless if it "works" */
    TEST_REQUIRE(fault_try_write(code, original, &record), "write to kernel text succeeded");
    TEST_REQUIRE((record.error_code & (PF_PRESENT | PF_WRITE)) == (PF_PRESENT | PF_WRITE),
                 "error code 0x%lx", record.error_code);
    TEST_REQUIRE(record.address == (uint64_t)(uintptr_t)code, "cr2 0x%lx", record.address);
    volatile uint64_t *constant = (volatile uint64_t *)(uintptr_t)&rodata_value;
    TEST_REQUIRE(fault_try_write(constant, rodata_value, &record), "write to rodata succeeded");
    return true;
}

static bool exec_faults(const void *code, const char *what)
{
    struct fault_record record;
    TEST_REQUIRE(fault_try_exec(code, &record), "executing %s succeeded", what);
    TEST_REQUIRE((record.error_code & (PF_PRESENT | PF_FETCH)) == (PF_PRESENT | PF_FETCH) &&
                     record.address == (uint64_t)(uintptr_t)code,
                 "executing %s: error 0x%lx at 0x%lx", what, record.error_code, record.address);
    return true;
}

static bool test_execute_data_faults(void)
{
    struct fault_record record;
    TEST_REQUIRE(!fault_try_exec((const void *)text_code, &record), "executing kernel text faulted");
    if (!exec_faults(data_code, "static data"))
        return false;
    volatile uint8_t stack_code[16];
    stack_code[0] = OPCODE_RET;
    if (!exec_faults((const void *)stack_code, "the stack"))
        return false;
    uint8_t *heap_code = kmalloc(16);
    TEST_REQUIRE(heap_code, "kmalloc failed");
    heap_code[0] = OPCODE_RET;
    bool ok = exec_faults(heap_code, "the heap");
    kfree(heap_code);
    return ok;
}

/* Maps one user page (read-only, executable) holding a `ret`. */
static uint64_t user_page_map(void)
{
    uint64_t frame = frame_alloc();
    if (!frame)
        return 0;
    *(uint8_t *)phys_to_virt(frame) = OPCODE_RET;
    if (vm_map(USER_TEST_ADDRESS, frame, 1, VM_USER | VM_EXEC) != VM_OK) {
        frame_free(frame);
        return 0;
    }
    return frame;
}

static void user_page_unmap(uint64_t frame)
{
    vm_unmap(USER_TEST_ADDRESS, 1);
    frame_free(frame);
}

static bool smep_check(bool present)
{
    struct fault_record record;
    bool faulted = fault_try_exec((const void *)USER_TEST_ADDRESS, &record);
    TEST_REQUIRE(faulted == present, "kernel execution of a user page %s (SMEP %s)",
                 faulted ? "faulted" : "worked", present ? "on" : "absent");
    TEST_REQUIRE(!faulted || (record.error_code & PF_FETCH), "error code 0x%lx",
                 record.error_code);
    return true;
}

static bool smap_check(bool present)
{
    struct fault_record record;
    bool faulted = fault_try_read((const volatile void *)USER_TEST_ADDRESS, &record);
    TEST_REQUIRE(faulted == present, "kernel read of a user page %s (SMAP %s)",
                 faulted ? "faulted" : "worked", present ? "on" : "absent");
    if (present) {
        TEST_REQUIRE(record.error_code & PF_PRESENT, "error code 0x%lx", record.error_code);
        user_access_begin();
        faulted = fault_try_read((const volatile void *)USER_TEST_ADDRESS, &record);
        user_access_end();
        TEST_REQUIRE(!faulted, "read inside user_access_begin/end faulted");
    }
    return true;
}

static bool test_smep_smap(void)
{
    const struct cpu_features *features = cpu_features();
    kprintf("selftest: cpu has smep=%d smap=%d\n", features->smep, features->smap);
    uint64_t frame = user_page_map();
    TEST_REQUIRE(frame, "cannot map the user test page");
    bool ok = smep_check(features->smep) && smap_check(features->smap);
    user_page_unmap(frame);
    if (!ok)
        return false;
    TEST_REQUIRE(!!(read_cr4() & CR4_SMEP) == features->smep, "CR4.SMEP does not match CPUID");
    TEST_REQUIRE(!!(read_cr4() & CR4_SMAP) == features->smap, "CR4.SMAP does not match CPUID");
    return true;
}

static bool test_symbolize(void)
{
    uint64_t offset = 0;
    const char *name = symbols_lookup((uint64_t)(uintptr_t)selftest_run + 3, &offset);
    TEST_REQUIRE(name, "no symbol for selftest_run (kernel file missing?)");
    const char *expected = "selftest_run";
    for (int i = 0; expected[i] || name[i]; i++)
        TEST_REQUIRE(name[i] == expected[i], "symbolized as %s", name);
    TEST_REQUIRE(offset == 3, "offset %lu", offset);
    TEST_REQUIRE(symbols_address("kernel_main") != 0, "kernel_main not found");
    return true;
}

static bool text_contains(const char *text, size_t length, const char *needle)
{
    size_t needle_length = 0;
    while (needle[needle_length])
        needle_length++;
    for (size_t start = 0; start + needle_length <= length; start++) {
        size_t i = 0;
        while (i < needle_length && text[start + i] == needle[i])
            i++;
        if (i == needle_length)
            return true;
    }
    return false;
}

#define REPORT_CAPACITY LOG_RING_SIZE

/* Catches a real page fault and prints the report a fatal one would get;
 * reads it back from the log ring and checks its parts. */
static bool report_check(const char *log_text, size_t length)
{
    static const char *const expected[] = {
        "CPU exception 14 (page fault)", "cr2=0000000000300000", "page not present", "read",
        "rip=", "backtrace:", "probe_read+0x0", "selftest_run+",
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        TEST_REQUIRE(text_contains(log_text, length, expected[i]), "report lacks \"%s\"",
                     expected[i]);
    return true;
}

static bool test_exception_report(void)
{
    struct fault_record record;
    TEST_REQUIRE(fault_try_read((const volatile void *)0x300000, &record), "no fault");
    kprintf("selftest: sample report of the fault just caught:\n");
    uint64_t start = log_total_bytes();
    exception_report(&record.frame, record.address);
    uint64_t written = log_total_bytes() - start;
    char *log_text = kmalloc(REPORT_CAPACITY);
    TEST_REQUIRE(log_text, "kmalloc failed");
    size_t length = log_snapshot(log_text, REPORT_CAPACITY);
    bool ok = written > 0 && written < length;
    if (ok)
        ok = report_check(log_text + length - written, (size_t)written);
    else
        test_fail("report of %lu bytes not found in a %zu-byte log", written, length);
    kfree(log_text);
    return ok;
}

static const struct test_case test_arch_cases[] = {
    { "kernel_image_wx_permissions", test_kernel_image_wx },
    { "wx_write_to_code_faults", test_write_code_faults },
    { "wx_execute_data_heap_stack_faults", test_execute_data_faults },
    { "smep_smap_user_page", test_smep_smap },
    { "backtrace_symbolize", test_symbolize },
    { "exception_report_symbolized", test_exception_report },
};
TEST_TABLE(test_arch_cases);
