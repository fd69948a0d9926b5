/* hostile-fault-syscall: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-syscall"
#define FAULT_KIND FAULT_SYSCALL
#include "fault_program.h"
