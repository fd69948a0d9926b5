/* The one program of the fault capsules (hostile-fault-*): each one's
 * main.c defines FAULT_KIND and includes this file, so each fault is its
 * own signed capsule (the audit names the capsule) from one source. The
 * capsule says what it is about to do, does it, and, if it is still alive,
 * says so and exits with status 99: the harness then fails the test. Only
 * hostile-fault-syscall ends normally: an unknown system call number is
 * refused with INVALID_SYSCALL (docs/kernel.md, "Hostile tests"). */
#include "hostile.h"

enum fault_kind {
    FAULT_NULL,       /* write to address 0x10 */
    FAULT_CODE,       /* write to its own code (main) */
    FAULT_STACK,      /* call a `ret` written on its stack */
    FAULT_HEAP,       /* call a `ret` written in memory it allocated and mapped read + write */
    FAULT_KERNEL,     /* read the kernel's first address */
    FAULT_DIVIDE,     /* divide by zero */
    FAULT_OPCODE,     /* ud2 */
    FAULT_PRIVILEGED, /* hlt: privileged, a general protection fault in ring 3 */
    FAULT_SYSCALL,    /* system call number 1000 (and 2^63) */
};

#define FAULT_HEAP_ADDRESS 0x20000000000ull /* 2 TiB: in the memory_map area */

static volatile uint64_t fault_zero; /* volatile: the compiler cannot fold the faults away */

static void fault_call(uint64_t address)
{
    ((void (*)(void))(uintptr_t)address)();
}

static int fault_do(void)
{
    switch (FAULT_KIND) {
    case FAULT_NULL:
        *(volatile uint8_t *)(uintptr_t)(fault_zero + 0x10) = 42;
        break;
    case FAULT_CODE:
        *(volatile uint8_t *)(uintptr_t)((uintptr_t)&main + fault_zero) = 0x90;
        break;
    case FAULT_STACK: {
        volatile uint8_t code[16];
        code[0] = 0xc3; /* ret */
        fault_call((uint64_t)(uintptr_t)code);
        break;
    }
    case FAULT_HEAP: {
        long error = nonos_memory_allocate(1, NONOS_SLOT_FIRST_FREE);
        if (error == 0)
            error = nonos_memory_map(NONOS_SLOT_FIRST_FREE, FAULT_HEAP_ADDRESS,
                                     NONOS_RIGHT_READ | NONOS_RIGHT_WRITE);
        if (error != 0) {
            hostile_print_number("hostile-fault: cannot allocate and map a page: ", error);
            return 98;
        }
        *(volatile uint8_t *)(uintptr_t)FAULT_HEAP_ADDRESS = 0xc3;
        fault_call(FAULT_HEAP_ADDRESS);
        break;
    }
    case FAULT_KERNEL:
        (void)*(volatile uint8_t *)(uintptr_t)(0xffffffff80000000ull + fault_zero);
        break;
    case FAULT_DIVIDE:
        hostile_print_number("", (long)(100 / fault_zero));
        break;
    case FAULT_OPCODE:
        __asm__ volatile("ud2");
        break;
    case FAULT_PRIVILEGED:
        __asm__ volatile("hlt");
        break;
    case FAULT_SYSCALL: {
        long a = nonos_syscall6(1000, 0, 0, 0, 0, 0, 0);
        long b = nonos_syscall6((long)(1ull << 63), 0, 0, 0, 0, 0, 0);
        if (a == -NONOS_ERROR_INVALID_SYSCALL && b == -NONOS_ERROR_INVALID_SYSCALL)
            return 0;
        hostile_print_number("hostile-fault-syscall: unknown number 1000 returned ", a);
        return 97;
    }
    }
    hostile_print("hostile-fault: survived its fault\n");
    return 99;
}

int main(void)
{
    hostile_require_harness(HOSTILE_NAME);
    return fault_do();
}
