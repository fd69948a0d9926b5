/* hostile-fault-stack: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-stack"
#define FAULT_KIND FAULT_STACK
#include "fault_program.h"
