// Small helpers shared by the engine's source files (tracer.cc, region.cc, attach.cc).
#pragma once
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#include <cstdint>

namespace tracer_detail {

inline uint64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline const char* ErrnoName(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ENOTDIR: return "ENOTDIR";
    case E2BIG: return "E2BIG";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case ETXTBSY: return "ETXTBSY";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EISDIR: return "EISDIR";
    default: return "EUNKNOWN";
  }
}

inline bool IsSyscallInsn(pid_t tid, uint64_t pc) {
  errno = 0;
  long word = ptrace(PTRACE_PEEKTEXT, tid, pc, 0);
  return errno == 0 && (word & 0xffff) == 0x050f;
}

inline bool IsStopSignal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

// Syscalls that can send a signal to the caller itself (the next SIGTRAP may be real).
inline bool MaySignalSelf(const struct user_regs_struct& r) {
  switch (r.orig_rax) {
    case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo: return r.rsi == SIGTRAP;
    case SYS_tgkill: case SYS_rt_tgsigqueueinfo: return r.rdx == SIGTRAP;
    default: return false;
  }
}

constexpr long kOptionsFollow = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                                PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;
// Without follow: threads are still traced (TRACECLONE); fork/vfork children are not.
constexpr long kOptionsNoFollow =
    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

}  // namespace tracer_detail
