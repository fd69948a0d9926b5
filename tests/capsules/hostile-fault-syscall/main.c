/* hostile-fault-syscall: one fault capsule (lib/fault_program.h). */
#define FAULT_KIND FAULT_SYSCALL
#include "fault_program.h"
