/* hostile-fault-divide: one fault capsule (lib/fault_program.h). */
#define FAULT_KIND FAULT_DIVIDE
#include "fault_program.h"
