// The C parts of FlowIO: the SIGBUS guard for mapped files and a flock(2) wrapper.
#include "mapguard.h"
#include "filelock.h"
