/* The kernel's one error type, shared by every system call and the SDK
 * (sdk/include/nonos/error.h has the same values as NONOS_ERROR_*).
 *
 * PROVISIONAL: written by hand from kernel/syscall/syscalls.txt so that
 * work can start; tools/syscall/generate.py replaces it with the generated
 * file (same names and values). A system call returns >= 0 on success and
 * -value on failure. */
#ifndef NONOS_KERNEL_ERROR_H
#define NONOS_KERNEL_ERROR_H

enum kernel_error {
    ERROR_OK = 0,
    ERROR_INVALID_SYSCALL = 1,
    ERROR_INVALID_ARGUMENT = 2,
    ERROR_INVALID_CAPABILITY = 3,
    ERROR_WRONG_TYPE = 4,
    ERROR_NO_RIGHT = 5,
    ERROR_SLOT_OCCUPIED = 6,
    ERROR_BAD_ADDRESS = 7,
    ERROR_NO_MEMORY = 8,
    ERROR_THREAD_LIMIT = 9,
    ERROR_SLOT_LIMIT = 10,
    ERROR_WOULD_BLOCK = 11,
    ERROR_NO_CALLER = 12,
    ERROR_OBJECT_GONE = 13,
    ERROR_NOT_FOUND = 14,
    ERROR_DENIED = 15,
    ERROR_TOO_LARGE = 16,
    ERROR_EXISTS = 17,
    ERROR_NOT_REVOCABLE = 18,
    ERROR_BUSY = 19,
};

/* The message of an error value (positive or negative); "unknown error"
 * for a value the table lacks. */
const char *kernel_error_message(long error);

#endif
