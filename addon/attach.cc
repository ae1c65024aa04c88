// Attach mode: seize every thread of a running process, count, then detach cleanly.
#include "tracer.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <cstdlib>

#include "proc_files.h"
#include "written_paths.h"

#include "tracer_util.h"

using namespace tracer_detail;
namespace {
// SIGTRAP pending for the thread itself (SigPnd of /proc/TID/status).
bool TrapPending(pid_t tid) {
  std::string st = proc::ReadFile("/proc/" + std::to_string(tid) + "/status");
  size_t at = st.find("\nSigPnd:");
  if (at == std::string::npos) return false;
  unsigned long long mask = strtoull(st.c_str() + at + 8, nullptr, 16);
  return (mask >> (SIGTRAP - 1)) & 1;
}

pid_t ParentOf(pid_t pid) {
  std::string stat = proc::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  int ppid = 0;
  char state;
  if (sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return 0;
  return ppid;
}
}  // namespace

bool Tracer::StartAttach() {
  const pid_t pid = opts_.attach_pid;
  res_.attached = true;
  res_.root_pid = pid;
  long opts = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT;
  if (opts_.follow) opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
  std::vector<pid_t> seized;
  // Threads may be created while we attach: scan /proc/PID/task until a scan finds no new one
  // (threads created by a seized thread are attached by the kernel, TRACECLONE).
  for (int round = 0; round < 1000; round++) {
    std::string dir = "/proc/" + std::to_string(pid) + "/task";
    DIR* d = opendir(dir.c_str());
    if (!d) {
      if (seized.empty()) {
        Fail("ESRCH", ESRCH, "ptrace", "no such process: " + std::to_string(pid));
        return false;
      }
      break;
    }
    bool added = false;
    while (struct dirent* e = readdir(d)) {
      pid_t tid = static_cast<pid_t>(atoi(e->d_name));
      if (tid <= 0) continue;
      bool known = false;
      for (pid_t s : seized) known |= s == tid;
      if (known) continue;
      if (ptrace(PTRACE_SEIZE, tid, 0, opts) != 0) {
        int err = errno;
        if (!seized.empty()) continue;  // gone, or attached already through a clone event
        closedir(d);
        Fail(ErrnoName(err), err, "ptrace",
             "cannot attach to process " + std::to_string(pid) + ": " + strerror(err));
        return false;
      }
      ptrace(PTRACE_INTERRUPT, tid, 0, 0);
      seized.push_back(tid);
      added = true;
    }
    closedir(d);
    if (!added) break;
  }
  Process p;
  p.pid = pid;
  p.ppid = ParentOf(pid);
  res_.processes.push_back(p);
  proc_index_[pid] = 0;
  int img = NewImage(pid, true, -1);
  res_.processes[0].image = img;
  for (pid_t tid : seized) {
    Thread* t = NewThread(tid, pid, img);
    t->native = opts_.region;
  }
  res_.start_ns = NowNs();
  res_.ok = true;
  StartWaker();
  return true;
}

// A child of ours that sleeps for --duration (or forever): its death wakes the tracing
// thread from waitpid, which then detaches. Cancel() kills it.
void Tracer::StartWaker() {
  pid_t p = fork();
  if (p == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (opts_.duration_ms > 0) {
      struct timespec ts;
      ts.tv_sec = static_cast<time_t>(opts_.duration_ms / 1000);
      ts.tv_nsec = static_cast<long>((opts_.duration_ms % 1000) * 1000000);
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
      _exit(0);
    }
    for (;;) pause();
  }
  std::lock_guard<std::mutex> lock(pids_mu_);
  if (p > 0) waker_pid_ = p;
  if (p > 0 && cancel_.load()) kill(p, SIGKILL);
}

// Stops every traced thread, takes the breakpoints out, and detaches each one where it was:
// a signal it was about to receive is passed on, a breakpoint it hit is undone.
void Tracer::DetachAll() {
  std::map<pid_t, int> stops;
  std::set<pid_t> waiting;
  for (const auto& d : deferred_) stops[d.first] = d.second;
  deferred_.clear();
  for (const auto& e : early_stops_)
    if (e.second != -1) stops[e.first] = e.second;
  for (const auto& kv : live_) {
    if (stops.count(kv.first)) continue;
    ptrace(PTRACE_INTERRUPT, kv.first, 0, 0);
    waiting.insert(kv.first);
  }
  while (!waiting.empty()) {
    int st;
    pid_t w = waitpid(-1, &st, __WALL | __WNOTHREAD);
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (w == waker_pid_) continue;
    if (!WIFSTOPPED(st)) {
      OnDeath(w, st);
      waiting.erase(w);
      stops.erase(w);
      continue;
    }
    int ev = st >> 16;
    if (ev == PTRACE_EVENT_CLONE || ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK) {
      unsigned long msg = 0;
      ptrace(PTRACE_GETEVENTMSG, w, 0, &msg);
      pid_t c = static_cast<pid_t>(msg);
      if (!stops.count(c)) waiting.insert(c);  // its first stop follows
    }
    if (!stops.count(w)) stops[w] = st;
    waiting.erase(w);
  }
  // A thread that finished a single step, or executed one of our int3s, just before the
  // interrupt has that SIGTRAP pending behind the interrupt's stop: let it surface, to be
  // undone (not delivered) below.
  for (auto& kv : stops) {
    Thread* t = Find(kv.first);
    if (!t || !WIFSTOPPED(kv.second) || (kv.second >> 16) != PTRACE_EVENT_STOP) continue;
    if (!TrapPending(kv.first)) continue;
    ptrace(PTRACE_CONT, kv.first, 0, 0);
    int st;
    while (waitpid(kv.first, &st, __WALL | __WNOTHREAD) < 0 && errno == EINTR) {}
    kv.second = st;
  }
  // Undo breakpoint hits, then take every int3 out (all threads are stopped now).
  std::map<pid_t, int> sigs;
  for (const auto& kv : stops) {
    int st = kv.second;
    int sig = 0;
    if (WIFSTOPPED(st) && (st >> 16) == 0) {
      sig = WSTOPSIG(st);
      Thread* t = Find(kv.first);
      if (sig == SIGTRAP) {
        struct user_regs_struct r;
        siginfo_t si;
        if (t && t->native && ptrace(PTRACE_GETREGS, kv.first, 0, &r) == 0 && FindBp(t->pid, r.rip - 1)) {
          r.rip -= 1;
          ptrace(PTRACE_SETREGS, kv.first, 0, &r);
          sig = 0;
        } else if (t && !t->native && ptrace(PTRACE_GETSIGINFO, kv.first, 0, &si) == 0 && si.si_code > 0) {
          sig = 0;  // the end of a single step
        }
      }
    }
    sigs[kv.first] = sig;
  }
  for (const auto& tab : bps_) {
    for (const auto& kv : stops) {
      if (proc::Tgid(kv.first) == tab.first && WIFSTOPPED(kv.second)) {
        RemoveBps(kv.first, tab.second);
        break;
      }
    }
  }
  for (const auto& kv : stops) {
    if (!WIFSTOPPED(kv.second)) continue;
    if (Thread* t = Find(kv.first)) CloseAllFrames(t);  // regions cut short by the detach
    if (ptrace(PTRACE_DETACH, kv.first, 0, sigs[kv.first]) == 0) res_.detached = true;
  }
  live_.clear();
  cached_tid_ = 0;
}
