/* hostile-fault-kernel: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-kernel"
#define FAULT_KIND FAULT_KERNEL
#include "fault_program.h"
