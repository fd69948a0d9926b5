/* hostile-fault-divide: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-divide"
#define FAULT_KIND FAULT_DIVIDE
#include "fault_program.h"
