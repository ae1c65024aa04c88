// Paths that a syscall opens for writing (or creates, renames onto, links, truncates), read
// from the tracee's memory with process_vm_readv and made absolute against its cwd or dirfd
// at the time of the call. Called only for the handful of syscalls concerned.
#pragma once
#include <sys/types.h>
#include <sys/user.h>
#include <string>

// True if the syscall in `r` (after it ran) writes a file; `*path` gets its absolute path.
bool WrittenPath(pid_t pid, const struct user_regs_struct& r, std::string* path);
