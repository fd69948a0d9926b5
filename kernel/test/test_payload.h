/* Tiny ring-3 payloads for in-kernel tests (kernel/test/test_process_user.c
 * builds them; kernel/test/test_ipc_user.c uses them too): a static ELF with
 * one R+X PT_LOAD at 0x400000 holding the given machine code, run as a
 * process under a default manifest. */
#ifndef NONOS_TEST_PAYLOAD_H
#define NONOS_TEST_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

struct manifest;
struct process;

#define PAYLOAD_MAX 512u
#define TEST_CAPSULE_INDEX ((size_t)-1) /* not a bundle capsule */

/* The ELF around code (code_length <= PAYLOAD_MAX - 120) in elf
 * (PAYLOAD_MAX bytes); returns its length. */
size_t payload_build(uint8_t *elf, const uint8_t *code, size_t code_length);
/* A manifest (kmalloc'd, defaults) with the given name and CPU budget,
 * memory 1 MiB, one thread. */
struct manifest *manifest_make(const char *name, uint64_t cpu_us);
/* Loads and starts a payload under manifest_make(name, cpu_us). */
int payload_start(const char *name, const uint8_t *code, size_t code_length, uint64_t cpu_us,
                  uint8_t *elf, struct process **out);

#endif
