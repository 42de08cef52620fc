// See include/filelock.h.
#include "filelock.h"

#include <errno.h>
#include <sys/file.h>

int vpcflow_try_lock_exclusive(int fd) {
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}
