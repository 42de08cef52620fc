#ifndef VPCFLOW_FILELOCK_H
#define VPCFLOW_FILELOCK_H

/// flock(fd, LOCK_EX | LOCK_NB), retried on EINTR. Returns 0 when the lock was taken, else errno
/// (EWOULDBLOCK: another process holds it). Here because Swift cannot name the function flock
/// beside the struct of the same name.
int vpcflow_try_lock_exclusive(int fd);

#endif
