/* hostile-fault-privileged: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-privileged"
#define FAULT_KIND FAULT_PRIVILEGED
#include "fault_program.h"
