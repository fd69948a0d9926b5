/* hostile-fault-code: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-code"
#define FAULT_KIND FAULT_CODE
#include "fault_program.h"
