#include "spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

static std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Child side: only async-signal-safe calls from here to execve.
static void Report(int fd, int tag, int err) {
  int msg[2] = {tag, err};
  ssize_t n;
  do { n = write(fd, msg, sizeof msg); } while (n < 0 && errno == EINTR);
}

[[noreturn]] static void ChildMain(const SpawnRequest& req, char* const* argv, char* const* envp,
                                   int fd) {
  // The tracer runs inside Node, which ignores SIGPIPE and may block signals on its threads:
  // give the command the default dispositions and an empty mask, as a shell would.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  // Node marks its stdio descriptors close-on-exec and may leave them non-blocking; the
  // command must inherit them as a shell would pass them: open, blocking.
  for (int i = 0; i < 3; i++) {
    int fd_flags = fcntl(i, F_GETFD);
    if (fd_flags >= 0 && (fd_flags & FD_CLOEXEC)) fcntl(i, F_SETFD, fd_flags & ~FD_CLOEXEC);
    int fl = fcntl(i, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(i, F_SETFL, fl & ~O_NONBLOCK);
  }

  if (req.disable_aslr) {
    int cur = personality(0xffffffff);
    if (cur == -1 || personality(static_cast<unsigned long>(cur) | ADDR_NO_RANDOMIZE) == -1)
      Report(fd, kPersonalityFailed, errno);
  }
  if (req.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(req.cpu, &set);
    sched_setaffinity(0, sizeof set, &set);  // best effort
  }
  if (!req.stdin_path.empty()) {
    int in = open(req.stdin_path.c_str(), O_RDONLY);
    if (in < 0 || (in != 0 && dup2(in, 0) != 0)) {
      Report(fd, kStdinFailed, errno);
      _exit(127);
    }
    if (in != 0) close(in);
  }
  if (!req.cwd.empty() && chdir(req.cwd.c_str()) != 0) {
    Report(fd, kChdirFailed, errno);
    _exit(127);
  }
  // Wait here for the tracer to PTRACE_SEIZE us and send SIGCONT.
  kill(getpid(), SIGSTOP);
  execve(req.file.c_str(), argv, envp);
  Report(fd, kExecFailed, errno);
  _exit(127);
}

SpawnResult SpawnStopped(const SpawnRequest& req) {
  SpawnResult res;
  // Everything the child needs is allocated before fork (no malloc after it).
  std::vector<char*> argv = CStrings(req.argv);
  std::vector<char*> envp = CStrings(req.env);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    res.err = errno;
    res.syscall = "pipe2";
    return res;
  }
  pid_t pid = fork();
  if (pid < 0) {
    res.err = errno;
    res.syscall = "fork";
    close(fds[0]);
    close(fds[1]);
    return res;
  }
  if (pid == 0) {
    close(fds[0]);
    ChildMain(req, argv.data(), envp.data(), fds[1]);
  }
  close(fds[1]);
  res.pid = pid;
  res.report_fd = fds[0];
  return res;
}
