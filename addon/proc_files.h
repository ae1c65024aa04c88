// Reads of /proc/PID/* and tracee memory. Used only at process events (exec, fork, exit,
// signal delivery), never per step.
#pragma once
#include <sys/types.h>
#include <cstdint>
#include <string>
#include <vector>

namespace proc {

// Whole file as a string; empty when it cannot be read.
std::string ReadFile(const std::string& path);
std::string Maps(pid_t pid);
std::vector<std::string> Cmdline(pid_t pid);
std::string Exe(pid_t pid);
// Thread group id of a task (0 if unknown).
pid_t Tgid(pid_t tid);
// True when the process has a handler installed for `sig` (SigCgt in /proc/TID/status).
bool SignalCaught(pid_t tid, int sig);
// Bytes of the [vdso] mapping of a process, and its start address (0 if none).
std::string VdsoBytes(pid_t pid, const std::string& maps, uint64_t* base);

}  // namespace proc
