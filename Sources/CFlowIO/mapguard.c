// The SIGBUS guard: see include/mapguard.h for what it does and why.
#define _GNU_SOURCE
#include "mapguard.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

enum { slot_count = 4096 };

struct slot {
    // Zero when the slot is free. Written last by register (after length), cleared first by
    // unregister, so the handler never sees a base with a stale length.
    _Atomic uintptr_t base;
    _Atomic size_t length;
    _Atomic int faults;
};

static struct slot slots[slot_count];
static struct sigaction previous;
static _Atomic int installed;
static uintptr_t page_size = 4096;

static void pass_on(int signal_number, siginfo_t *info, void *context) {
    // Not one of ours: hand it to whoever was there before us.
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction) {
            previous.sa_sigaction(signal_number, info, context);
            return;
        }
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(signal_number);
        return;
    }
    // The default action: restore it; a fault re-executes the instruction and dies of it, a signal
    // sent with kill(2) is raised again (it is blocked until this handler returns).
    struct sigaction fallback = {0};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(SIGBUS, &fallback, NULL);
    if (info == NULL || info->si_code <= 0) raise(SIGBUS);
}

static void on_sigbus(int signal_number, siginfo_t *info, void *context) {
    if (info != NULL && info->si_code > 0) {
        uintptr_t address = (uintptr_t)info->si_addr;
        for (int i = 0; i < slot_count; i++) {
            uintptr_t base = atomic_load(&slots[i].base);
            if (base == 0) continue;
            size_t length = atomic_load(&slots[i].length);
            if (address < base || address - base >= length) continue;
            uintptr_t start = address & ~(page_size - 1);
            uintptr_t end = (base + length + page_size - 1) & ~(page_size - 1);
            void *zeros = mmap((void *)start, end - start, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (zeros == MAP_FAILED) break;
            atomic_fetch_add(&slots[i].faults, 1);
            return;
        }
    }
    pass_on(signal_number, info, context);
}

int vpcflow_mapguard_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return 0;
    long size = sysconf(_SC_PAGESIZE);
    if (size > 0) page_size = (uintptr_t)size;
    struct sigaction action = {0};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, &previous) != 0) {
        atomic_store(&installed, 0);
        return -1;
    }
    return 0;
}

int vpcflow_mapguard_register(const void *base, size_t length) {
    if (base == NULL || length == 0) return -1;
    for (int i = 0; i < slot_count; i++) {
        uintptr_t free_slot = 0;
        // Claim the slot with a sentinel so that no other thread takes it, then publish.
        if (!atomic_compare_exchange_strong(&slots[i].base, &free_slot, (uintptr_t)1)) continue;
        atomic_store(&slots[i].length, 0);
        atomic_store(&slots[i].faults, 0);
        atomic_store(&slots[i].length, length);
        atomic_store(&slots[i].base, (uintptr_t)base);
        return i;
    }
    return -1;
}

void vpcflow_mapguard_unregister(int slot) {
    if (slot < 0 || slot >= slot_count) return;
    atomic_store(&slots[slot].base, 0);
    atomic_store(&slots[slot].length, 0);
}

int vpcflow_mapguard_faults(int slot) {
    if (slot < 0 || slot >= slot_count) return 0;
    return atomic_load(&slots[slot].faults);
}

int vpcflow_mapguard_capacity(void) { return slot_count; }
