#ifndef VPCFLOW_MAPGUARD_H
#define VPCFLOW_MAPGUARD_H

#include <stddef.h>

/// The SIGBUS guard for memory-mapped input files (FlowIO's MappedFile).
///
/// A mapping is a view of a file, not a copy: when another process truncates the file, touching a
/// page past the new end raises SIGBUS, which would kill the process. The guard's handler looks the
/// faulting address up among the registered mappings; when it belongs to one, it maps zero-filled
/// anonymous pages over the rest of that mapping (so the read that faulted, and every later read of
/// the mapping, sees zeros instead of dying), counts the fault in the mapping's slot and returns.
/// The reader checks the slot after each read and reports the file as changed while read: nothing
/// read from a faulted mapping is ever trusted. A SIGBUS at any other address goes to the handler
/// that was installed before (the Swift runtime's crash reporter, or the default action).
///
/// Only async-signal-safe work happens in the handler: atomic loads and stores on a fixed table and
/// one mmap(2) system call (not on POSIX's list, but a plain system call on Linux, which is all
/// FlowIO supports).

/// Installs the handler once; later calls do nothing. Returns 0, or -1 if sigaction failed.
int vpcflow_mapguard_install(void);

/// Registers a mapping of `length` bytes at `base` (page-aligned, as mmap returns it).
/// Returns its slot (>= 0), or -1 when the table is full (the caller then reads without a mapping).
int vpcflow_mapguard_register(const void *base, size_t length);

/// Forgets a slot. Call it before the mapping is unmapped.
void vpcflow_mapguard_unregister(int slot);

/// How many faults the handler has absorbed in this slot since it was registered.
int vpcflow_mapguard_faults(int slot);

/// The table's size: at most this many mappings are guarded at once.
int vpcflow_mapguard_capacity(void);

#endif
