/* In-kernel tests of the CPU protections: the kernel image's page
 * permissions (W^X), writes to code and read-only data fault, executing
 * data, heap and stack faults, backtrace symbolization and the exception
 * report. (SMEP/SMAP, an x86 matter, are tested in
 * kernel/arch/x86_64/test/.) */
#include "kernel/arch/debug.h"
#include "kernel/arch/interrupt.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/test/selftest.h"
#include "kernel/test/test.h"

#include <stdint.h>

#define OPCODE_RET 0xc3 /* x86 `ret`: what the execute probes call */

extern const char __text_start[], __text_end[], __rodata_end[], __kernel_end[];

static uint8_t data_code[16] = { OPCODE_RET };
static const uint64_t rodata_value = 0x0123456789abcdefull;

/* A function to execute as the control case: text must stay executable. */
static __attribute__((noinline)) void text_code(void)
{
    __asm__ volatile("");
}

static unsigned page_flags(uint64_t virt)
{
    struct vm_mapping mapping;
    return vm_query(vm_space_kernel(), virt, &mapping) ? mapping.flags : ~0u;
}

static bool page_rights_match(uint64_t virt, bool writable, bool executable)
{
    unsigned flags = page_flags(virt);
    return flags != ~0u && !!(flags & VM_WRITE) == writable && !!(flags & VM_EXEC) == executable;
}

static bool test_kernel_image_wx(void)
{
    uint64_t text_end = (uint64_t)(uintptr_t)__text_end;
    uint64_t rodata_end = (uint64_t)(uintptr_t)__rodata_end;
    for (uint64_t page = (uint64_t)(uintptr_t)__text_start; page < (uint64_t)(uintptr_t)__kernel_end;
         page += PAGE_SIZE) {
        bool text = page < text_end, rodata = !text && page < rodata_end;
        TEST_REQUIRE(page_rights_match(page, !text && !rodata, text),
                     "page 0x%lx has flags 0x%x", page, page_flags(page));
    }
    uint64_t direct = (uint64_t)(uintptr_t)phys_to_virt(virt_to_phys(__text_start));
    TEST_REQUIRE(page_rights_match(direct, false, false), "direct map alias of text: flags 0x%x",
                 page_flags(direct));
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
    TEST_REQUIRE((record.access & (FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE)) ==
                     (FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE),
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
    TEST_REQUIRE((record.access & (FAULT_ACCESS_PRESENT | FAULT_ACCESS_FETCH)) ==
                         (FAULT_ACCESS_PRESENT | FAULT_ACCESS_FETCH) &&
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
    { "backtrace_symbolize", test_symbolize },
    { "exception_report_symbolized", test_exception_report },
};
TEST_TABLE(test_arch_cases);
