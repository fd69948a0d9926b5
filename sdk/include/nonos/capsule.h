/* What a capsule's C code can count on from the NØNOS SDK.
 *
 * Entry contract (docs/capsules.md, "The payload"): the kernel starts the
 * payload ELF at _start (sdk/crt0.c) with rsp pointing at the top of a
 * 16-byte aligned stack and no arguments; _start calls main() and passes
 * its return value to nonos_exit(). Every other system call is an inline
 * stub of sdk/include/nonos/syscall.h, generated from the kernel's
 * description (docs/syscalls.md). Freestanding: no libc. */
#ifndef NONOS_SDK_CAPSULE_H
#define NONOS_SDK_CAPSULE_H

/* The capsule's program. Its return value becomes the exit status. */
int main(void);

/* Ends the capsule with `status`; never returns. */
_Noreturn void nonos_exit(int status);

#endif
