/* hostile-fault-heap: one fault capsule (lib/fault_program.h). */
#define FAULT_KIND FAULT_HEAP
#include "fault_program.h"
