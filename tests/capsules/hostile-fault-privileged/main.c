/* hostile-fault-privileged: one fault capsule (lib/fault_program.h). */
#define FAULT_KIND FAULT_PRIVILEGED
#include "fault_program.h"
