// Starting the traced command: fork, prepare the child, stop it before execve so the
// tracer can PTRACE_SEIZE it, and learn about execve failure through a close-on-exec pipe.
#pragma once
#include <sys/types.h>
#include <string>
#include <vector>

struct SpawnRequest {
  std::string file;               // absolute path, resolved by the caller
  std::vector<std::string> argv;
  std::vector<std::string> env;   // "K=V"
  std::string cwd;                // empty: inherit
  std::string stdin_path;         // empty: inherit stepcount's standard input
  bool disable_aslr = true;
  int cpu = -1;                   // >= 0: pin the child to this CPU
};

// Messages the child writes on the pipe before execve (tag, errno).
enum ChildReport : int { kPersonalityFailed = 1, kChdirFailed = 2, kExecFailed = 3, kStdinFailed = 4 };

struct SpawnResult {
  pid_t pid = -1;
  int report_fd = -1;  // read end of the close-on-exec pipe
  int err = 0;         // errno of fork/pipe on failure
  const char* syscall = nullptr;
};

// Forks; the child stops itself with SIGSTOP just before execve.
SpawnResult SpawnStopped(const SpawnRequest& req);
