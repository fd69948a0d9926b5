/* In-kernel tests of the x86_64 user-mode layer (kernel/arch/user.h): tiny
 * ring-3 programs (test_user_programs.c) copied into a user page of a fresh
 * address space and entered with user_enter from a thread_create_user
 * thread. They check the syscall path (results in rax, argument order,
 * registers preserved, sysretq taken), the null syscall's cost, FPU/SIMD
 * state across forced switches between two user threads, user faults
 * reaching user_fault with the right record, a non-canonical return rip
 * going through iretq and ending as a user fault, and the audited copy path
 * (kernel/syscall/user_memory.h) refusing kernel, wrapping and unmapped
 * ranges without a kernel fault, with SMAP closed outside it. */
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/time.h"
#include "kernel/arch/user.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/arch/x86_64/user_entry.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/fault.h"
#include "kernel/sched/thread.h"
#include "kernel/syscall/dispatch.h"
#include "kernel/syscall/user_memory.h"
#include "kernel/test/test.h"

#include <stdint.h>

#define USER_CODE 0x0000000040000000ull
#define USER_DATA 0x0000000040010000ull /* one page: stack at its top, results at its base */
#define USER_LAST_PAGE (MMU_USER_END - PAGE_SIZE)
#define NULL_LOOP_ITERATIONS 1000

extern const char user_program_registers[], user_program_registers_end[];
extern const char user_program_null_loop[], user_program_null_loop_end[];
extern const char user_program_sse[], user_program_sse_end[];
extern const char user_program_avx[], user_program_avx_end[];
extern const char user_program_read_unmapped[], user_program_read_unmapped_fault[];
extern const char user_program_write_code[], user_program_exec_data[];
extern const char user_program_read_kernel[], user_program_invalid_opcode[];
extern const char user_program_faults_end[];
extern const char user_program_noncanonical[], user_program_noncanonical_end[];

/* One user program in its own address space. */
struct user_fixture {
    struct vm_space *space;
    uint64_t code_frame;
    uint64_t data_frame;
    struct user_start start;
    struct thread *thread;
};

static void fixture_destroy(struct user_fixture *fixture)
{
    if (fixture->space)
        vm_space_destroy(fixture->space);
    if (fixture->code_frame)
        frame_free(fixture->code_frame);
    if (fixture->data_frame)
        frame_free(fixture->data_frame);
}

/* Code [begin, end) at USER_CODE (user, executable, read-only), a data and
 * stack page at USER_DATA (user, writable, not executable); entry at
 * USER_CODE + (entry - begin). */
static bool fixture_create(struct user_fixture *fixture, const char *begin, const char *end,
                           const char *entry)
{
    *fixture = (struct user_fixture){ 0 };
    fixture->space = vm_space_create();
    fixture->code_frame = frame_alloc();
    fixture->data_frame = frame_alloc();
    if (!fixture->space || !fixture->code_frame || !fixture->data_frame ||
        (uint64_t)(end - begin) > PAGE_SIZE) {
        fixture_destroy(fixture);
        test_fail("no space, no frame or program too long");
        return false;
    }
    __builtin_memcpy(phys_to_virt(fixture->code_frame), begin, (size_t)(end - begin));
    if (vm_map(fixture->space, USER_CODE, fixture->code_frame, 1, VM_USER | VM_EXEC) != VM_OK ||
        vm_map(fixture->space, USER_DATA, fixture->data_frame, 1, VM_USER | VM_WRITE) != VM_OK) {
        fixture_destroy(fixture);
        test_fail("cannot map the user program");
        return false;
    }
    fixture->start.pc = USER_CODE + (uint64_t)(entry - begin);
    fixture->start.stack = USER_DATA + PAGE_SIZE;
    return true;
}

static void user_thread_entry(void *argument)
{
    user_enter((const struct user_start *)argument);
}

static bool fixture_start(struct user_fixture *fixture, const char *name, uint64_t argument0,
                          uint64_t argument1)
{
    fixture->start.argument0 = argument0;
    fixture->start.argument1 = argument1;
    fixture->thread = thread_create_user(fixture->space, name, user_thread_entry, &fixture->start);
    if (!fixture->thread)
        test_fail("thread_create_user failed");
    return fixture->thread != NULL;
}

/* Runs the program to its end (exit or fault) and releases everything. */
static bool fixture_run(struct user_fixture *fixture, const char *name, uint64_t argument0,
                        uint64_t argument1)
{
    bool ok = fixture_start(fixture, name, argument0, argument1);
    if (ok)
        thread_join(fixture->thread);
    fixture_destroy(fixture);
    return ok;
}

static bool test_syscall_registers(void)
{
    struct user_fixture fixture;
    if (!fixture_create(&fixture, user_program_registers, user_program_registers_end,
                        user_program_registers))
        return false;
    uint64_t faults = user_fault_count;
    uint64_t irets = syscall_iret_returns;
    syscall_last_exit = (struct syscall_arguments){ 0xdead, { 0 } };
    if (!fixture_run(&fixture, "user-registers", 0, 0))
        return false;
    const struct syscall_arguments *exit = &syscall_last_exit;
    TEST_REQUIRE(user_fault_count == faults, "the program faulted (vector %lu at %lx)",
                 user_fault_last.vector, user_fault_last.pc);
    TEST_REQUIRE(exit->number == 0u, "no exit call reached the kernel");
    TEST_REQUIRE(exit->argument[0] == (uint64_t)-ERROR_INVALID_SYSCALL,
                 "unknown call returned 0x%lx in rax", exit->argument[0]);
    TEST_REQUIRE(exit->argument[1] == 0, "null call returned 0x%lx in rax", exit->argument[1]);
    TEST_REQUIRE(exit->argument[2] == 0, "registers changed across syscalls (xor mask 0x%lx)",
                 exit->argument[2]);
    TEST_REQUIRE(exit->argument[3] == 0xa10 && exit->argument[4] == 0xa8 &&
                     exit->argument[5] == 0xa9,
                 "arguments 4-6 arrived as 0x%lx 0x%lx 0x%lx (want r10, r8, r9 = a10, a8, a9)",
                 exit->argument[3], exit->argument[4], exit->argument[5]);
    TEST_REQUIRE(syscall_iret_returns == irets, "%lu returns went through iretq",
                 syscall_iret_returns - irets);
    return true;
}

/* The null syscall round trip from ring 3, in cpu_cycles (under QEMU
 * -icount shift=0, retired instructions): the loop with the syscall minus
 * the same loop without it, over NULL_LOOP_ITERATIONS, best of three. */
/* The cost is the least time of each loop over five runs: the loops run
 * in ring 3 with interrupts on, so any single run may include a
 * preemption (another process, the host under TCG) in either loop, which
 * made a per-run "with > without" comparison fail under load. The minima
 * are the undisturbed figures, and they must still differ the right way. */
static bool test_null_syscall_cost(void)
{
    uint64_t with = UINT64_MAX, without = UINT64_MAX;
    for (int run = 0; run < 5; run++) {
        struct user_fixture fixture;
        if (!fixture_create(&fixture, user_program_null_loop, user_program_null_loop_end,
                            user_program_null_loop))
            return false;
        syscall_last_exit.number = 0xdead;
        if (!fixture_run(&fixture, "user-null-loop", NULL_LOOP_ITERATIONS, 0))
            return false;
        TEST_REQUIRE(syscall_last_exit.number == 0u,
                     "the loop program did not exit");
        if (syscall_last_exit.argument[0] < with)
            with = syscall_last_exit.argument[0];
        if (syscall_last_exit.argument[1] < without)
            without = syscall_last_exit.argument[1];
    }
    TEST_REQUIRE(with > without, "least loop with syscalls %lu cycles, without %lu", with,
                 without);
    kprintf("selftest: null syscall round trip from ring 3: %lu cycles per call "
            "(%lu with, %lu without the syscall, %u iterations, least of 5 runs each)\n",
            (with - without) / NULL_LOOP_ITERATIONS, with, without, NULL_LOOP_ITERATIONS);
    return true;
}

/* Two user threads fill every xmm (ymm with AVX) register with their own
 * pattern and check it while being preempted in favour of each other. */
static bool test_simd_state_preserved(void)
{
    bool avx = (fpu_xcr0() & XCR0_AVX) != 0;
    const char *begin = avx ? user_program_avx : user_program_sse;
    const char *end = avx ? user_program_avx_end : user_program_sse_end;
    struct user_fixture fixtures[2];
    if (!fixture_create(&fixtures[0], begin, end, begin))
        return false;
    if (!fixture_create(&fixtures[1], begin, end, begin)) {
        fixture_destroy(&fixtures[0]);
        return false;
    }
    uint64_t duration = timer_cycles_hz() / 8; /* 125 ms: about 31 ticks */
    uint64_t switches = sched_switch_count();
    bool started = fixture_start(&fixtures[0], "user-simd-a", 0x1000, duration);
    started = fixture_start(&fixtures[1], "user-simd-b", 0x7000000, duration) && started;
    for (int i = 0; i < 2; i++)
        if (fixtures[i].thread)
            thread_join(fixtures[i].thread);
    switches = sched_switch_count() - switches;
    uint64_t result[2][2];
    for (int i = 0; i < 2; i++) {
        const uint64_t *data = phys_to_virt(fixtures[i].data_frame);
        result[i][0] = data[0];
        result[i][1] = data[1];
        fixture_destroy(&fixtures[i]);
    }
    TEST_REQUIRE(started, "could not start both threads");
    kprintf("selftest: %s registers: %lu and %lu checks, %lu switches\n", avx ? "ymm" : "xmm",
            result[0][1], result[1][1], switches);
    for (int i = 0; i < 2; i++)
        TEST_REQUIRE(result[i][0] == 1, "thread %d: status %lu after %lu checks (2: a register "
                     "changed)", i, result[i][0], result[i][1]);
    TEST_REQUIRE(result[0][1] > 0 && result[1][1] > 0, "a thread made no check");
    TEST_REQUIRE(switches >= 8, "only %lu switches while both ran", switches);
    return true;
}

struct fault_case {
    const char *name;
    const char *entry;
    uint64_t vector;
    uint64_t address;      /* page faults */
    unsigned access;       /* page faults: FAULT_ACCESS_* */
};

static bool fault_case_run(const struct fault_case *c)
{
    struct user_fixture fixture;
    if (!fixture_create(&fixture, user_program_read_unmapped, user_program_faults_end, c->entry))
        return false;
    uint64_t faults = user_fault_count;
    if (!fixture_run(&fixture, c->name, 0, 0))
        return false;
    const struct fault_record *record = &user_fault_last;
    TEST_REQUIRE(user_fault_count == faults + 1, "%s: %lu user faults", c->name,
                 user_fault_count - faults);
    TEST_REQUIRE(record->vector == c->vector, "%s: vector %lu, want %lu", c->name,
                 record->vector, c->vector);
    TEST_REQUIRE((record->frame.cs & 3) == 3, "%s: cs %lx is not ring 3", c->name,
                 record->frame.cs);
    if (c->vector == 14)
        TEST_REQUIRE(record->page_fault && record->address == c->address &&
                         record->access == c->access,
                     "%s: address %lx access 0x%x, want %lx 0x%x", c->name, record->address,
                     record->access, c->address, c->access);
    return true;
}

static uint64_t code_address(const char *label)
{
    return USER_CODE + (uint64_t)(label - user_program_read_unmapped);
}

static bool test_user_faults(void)
{
    uint64_t written = code_address(user_program_write_code); /* it writes its own first byte */
    const struct fault_case cases[] = {
        { "user-read-unmapped", user_program_read_unmapped, 14, 0x50000000, FAULT_ACCESS_USER },
        { "user-write-code", user_program_write_code, 14, written,
          FAULT_ACCESS_USER | FAULT_ACCESS_PRESENT | FAULT_ACCESS_WRITE },
        { "user-exec-data", user_program_exec_data, 14, USER_DATA,
          FAULT_ACCESS_USER | FAULT_ACCESS_PRESENT | FAULT_ACCESS_FETCH },
        { "user-read-kernel", user_program_read_kernel, 14, 0xffffffff80000000ull,
          FAULT_ACCESS_USER | FAULT_ACCESS_PRESENT },
        { "user-ud2", user_program_invalid_opcode, 6, 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (!fault_case_run(&cases[i]))
            return false;
    TEST_REQUIRE(user_fault_last.pc == code_address(user_program_invalid_opcode),
                 "ud2 fault pc %lx", user_fault_last.pc);
    return true;
}

/* The syscall at the last two bytes of the user half returns to
 * 0x0000800000000000: never through sysretq; the iretq that is taken
 * instead faults, and that ends as the thread's general-protection fault
 * at that address. */
static bool test_noncanonical_return(void)
{
    struct user_fixture fixture;
    if (!fixture_create(&fixture, user_program_noncanonical, user_program_noncanonical_end,
                        user_program_noncanonical))
        return false;
    uint64_t last_frame = frame_alloc();
    if (!last_frame) {
        fixture_destroy(&fixture);
        TEST_REQUIRE(false, "no frame");
    }
    uint8_t *last = phys_to_virt(last_frame);
    last[PAGE_SIZE - 2] = 0x0f; /* syscall */
    last[PAGE_SIZE - 1] = 0x05;
    int mapped = vm_map(fixture.space, USER_LAST_PAGE, last_frame, 1, VM_USER | VM_EXEC);
    uint64_t faults = user_fault_count;
    uint64_t irets = syscall_iret_returns;
    bool ran = mapped == VM_OK && fixture_run(&fixture, "user-noncanonical", 0, 0);
    if (mapped != VM_OK)
        fixture_destroy(&fixture);
    frame_free(last_frame);
    TEST_REQUIRE(mapped == VM_OK, "cannot map the last user page: %s", vm_error_message(mapped));
    TEST_REQUIRE(ran, "the program did not run");
    TEST_REQUIRE(syscall_iret_returns == irets + 1, "%lu syscall returns through iretq, want 1",
                 syscall_iret_returns - irets);
    TEST_REQUIRE(user_fault_count == faults + 1, "%lu user faults, want 1",
                 user_fault_count - faults);
    TEST_REQUIRE(user_fault_last.vector == 13 &&
                     user_fault_last.pc == MMU_USER_END,
                 "fault vector %lu at pc %lx, want 13 at %lx", user_fault_last.vector,
                 user_fault_last.pc, (uint64_t)MMU_USER_END);
    return true;
}

/* The audited copy path with a user space active (interrupts off, so no
 * other thread runs in it): one readable+writable page, one read-only page
 * after it, nothing after that. */
static bool user_memory_checks(uint64_t page)
{
    uint8_t buffer[64];
    uint64_t kernel_address = (uint64_t)(uintptr_t)buffer;
    TEST_REQUIRE(user_memory_write(page + 8, "nonos", 6) == 0, "write to a user page failed");
    TEST_REQUIRE(user_memory_read(buffer, page + 8, 6) == 0 && buffer[0] == 'n' &&
                     buffer[4] == 's',
                 "read back from a user page failed");
    TEST_REQUIRE(user_memory_read(buffer, page, 0) == 0, "a zero-length read failed");
    TEST_REQUIRE(user_memory_read(buffer, kernel_address, 8) == -ERROR_BAD_ADDRESS,
                 "a read from a kernel address was not refused");
    TEST_REQUIRE(user_memory_write(kernel_address, buffer, 8) == -ERROR_BAD_ADDRESS,
                 "a write to a kernel address was not refused");
    TEST_REQUIRE(user_memory_read(buffer, UINT64_MAX - 7, 16) == -ERROR_BAD_ADDRESS,
                 "a wrapping range was not refused");
    TEST_REQUIRE(user_memory_read(buffer, MMU_USER_END - 8, 16) == -ERROR_BAD_ADDRESS,
                 "a range crossing into the kernel half was not refused");
    TEST_REQUIRE(user_memory_read(buffer, page + 2 * PAGE_SIZE, 8) == -ERROR_BAD_ADDRESS,
                 "a read of an unmapped page did not fail");
    TEST_REQUIRE(user_memory_read(buffer, page + 2 * PAGE_SIZE - 8, 16) == -ERROR_BAD_ADDRESS,
                 "a read running into an unmapped page did not fail");
    TEST_REQUIRE(user_memory_write(page + PAGE_SIZE, buffer, 8) == -ERROR_BAD_ADDRESS,
                 "a write to a read-only user page did not fail");
    TEST_REQUIRE(user_memory_read(buffer, page + PAGE_SIZE, 8) == 0,
                 "a read of a read-only user page failed");
    struct fault_record record;
    bool faulted = fault_try_read((const volatile void *)(uintptr_t)page, &record);
    TEST_REQUIRE(faulted == cpu_features()->smap,
                 "a kernel read of a user page outside the copy path %s (SMAP %s)",
                 faulted ? "faulted" : "worked", cpu_features()->smap ? "on" : "absent");
    return true;
}

static bool test_user_memory(void)
{
    TEST_REQUIRE(!user_memory_range_valid(MMU_USER_END, 1) &&
                     user_memory_range_valid(MMU_USER_END - 1, 1) &&
                     user_memory_range_valid(MMU_USER_END, 0) &&
                     !user_memory_range_valid(UINT64_MAX, 2),
                 "range check wrong at the end of the user half");
    uint64_t frames[2] = { frame_alloc(), frame_alloc() };
    struct vm_space *space = vm_space_create();
    bool ok = frames[0] && frames[1] && space &&
              vm_map(space, USER_DATA, frames[0], 1, VM_USER | VM_WRITE) == VM_OK &&
              vm_map(space, USER_DATA + PAGE_SIZE, frames[1], 1, VM_USER) == VM_OK;
    if (ok) {
        bool was_enabled = interrupts_save();
        vm_space_activate(space);
        ok = user_memory_checks(USER_DATA);
        vm_space_activate(vm_space_kernel());
        interrupts_restore(was_enabled);
    } else {
        test_fail("cannot set up the user pages");
    }
    if (space)
        vm_space_destroy(space);
    for (int i = 0; i < 2; i++)
        if (frames[i])
            frame_free(frames[i]);
    return ok;
}

static const struct test_case test_user_cases[] = {
    { "user_syscall_registers_and_results", test_syscall_registers },
    { "user_null_syscall_cost", test_null_syscall_cost },
    { "user_simd_state_across_switches", test_simd_state_preserved },
    { "user_faults_reach_user_fault", test_user_faults },
    { "user_noncanonical_return_through_iretq", test_noncanonical_return },
    { "user_memory_copy_path", test_user_memory },
};
TEST_TABLE(test_user_cases);
