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

void Tracer::Fail(const char* code, int err, const char* syscall, const std::string& message) {
  res_.ok = false;
  res_.code = code;
  res_.err = err;
  res_.syscall = syscall ? syscall : "";
  res_.message = message;
}

void Tracer::Cancel() {
  std::lock_guard<std::mutex> lock(pids_mu_);
  cancel_.store(true, std::memory_order_relaxed);
  // Wakes the tracer even if every tracee is blocked (waitpid returns on their death).
  for (pid_t pid : killable_) kill(pid, SIGKILL);
  // Attach mode: nothing is killed; the waker's death wakes the tracer, which detaches.
  if (waker_pid_ > 0) kill(waker_pid_, SIGKILL);
}

void Tracer::KillAll() {
  std::lock_guard<std::mutex> lock(pids_mu_);
  for (pid_t pid : killable_) kill(pid, SIGKILL);
}

Thread* Tracer::Find(pid_t tid) {
  if (tid == cached_tid_) return &res_.threads[cached_index_];
  auto it = live_.find(tid);
  if (it == live_.end()) return nullptr;
  cached_tid_ = tid;
  cached_index_ = it->second;
  return &res_.threads[it->second];
}

Thread* Tracer::NewThread(pid_t tid, pid_t pid, int image) {
  Thread t;
  t.tid = tid;
  t.pid = pid;
  t.image = image;
  res_.threads.push_back(t);
  live_[tid] = res_.threads.size() - 1;
  return &res_.threads.back();
}

int Tracer::NewImage(pid_t pid, bool from_exec, int parent_image) {
  auto img = std::make_unique<Image>();
  img->id = static_cast<int>(res_.images.size());
  img->pid = pid;
  img->from_exec = from_exec;
  img->parent_image = parent_image;
  img->exe = proc::Exe(pid);
  img->argv = proc::Cmdline(pid);
  img->maps_at_start = proc::Maps(pid);
  img->vdso = proc::VdsoBytes(pid, img->maps_at_start, &img->vdso_base);
  res_.images.push_back(std::move(img));
  return res_.images.back()->id;
}

bool Tracer::Start() {
  if (opts_.attach_pid > 0) return StartAttach();
  if (opts_.pin) {
    // Pin to a CPU this process may run on (the affinity mask may be restricted).
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
      int cpu = -1;
      for (int i = CPU_SETSIZE - 1; i >= 0; i--)
        if (CPU_ISSET(i, &set)) { cpu = i; break; }
      if (cpu >= 0) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) == 0) {
          res_.pinned_cpu = cpu;
          opts_.spawn.cpu = cpu;
        }
      }
    }
  }
  SpawnResult sp = SpawnStopped(opts_.spawn);
  if (sp.pid < 0) {
    Fail(ErrnoName(sp.err), sp.err, sp.syscall, std::string(sp.syscall) + " failed: " + strerror(sp.err));
    return false;
  }
  report_fd_ = sp.report_fd;
  res_.root_pid = sp.pid;
  {
    std::lock_guard<std::mutex> lock(pids_mu_);
    killable_.insert(sp.pid);
  }
  int status = 0;
  while (waitpid(sp.pid, &status, WUNTRACED) < 0 && errno == EINTR) {}
  if (!WIFSTOPPED(status)) {
    // The child died before reaching execve (chdir failed): its report says why.
    int msg[2] = {0, 0};
    ssize_t n = read(report_fd_, msg, sizeof msg);
    close(report_fd_);
    report_fd_ = -1;
    root_reaped_ = true;
    int err = n == sizeof msg ? msg[1] : ECHILD;
    Fail(ErrnoName(err), err, msg[0] == kChdirFailed ? "chdir" : msg[0] == kStdinFailed ? "open" : "fork",
         std::string("cannot start the command: ") + strerror(err));
    return false;
  }
  long opts = opts_.follow ? kOptionsFollow : kOptionsNoFollow;
  // Region mode, not following: fork children still stop once, to take the int3 bytes they
  // inherited out of their memory before they are let go.
  if (opts_.region) opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
  if (ptrace(PTRACE_SEIZE, sp.pid, 0, opts) != 0) {
    int err = errno;
    kill(sp.pid, SIGKILL);
    while (waitpid(sp.pid, &status, 0) < 0 && errno == EINTR) {}
    close(report_fd_);
    report_fd_ = -1;
    root_reaped_ = true;
    Fail(ErrnoName(err), err, "ptrace", std::string("PTRACE_SEIZE failed: ") + strerror(err));
    return false;
  }
  Thread* t = NewThread(sp.pid, sp.pid, -1);
  t->pre_exec = true;
  t->started = true;
  Process p;
  p.pid = sp.pid;
  p.ppid = getpid();
  res_.processes.push_back(p);
  proc_index_[sp.pid] = 0;
  kill(sp.pid, SIGCONT);
  res_.start_ns = NowNs();
  res_.ok = true;
  return true;
}

// Reads what the root's child side reported before execve (non-fatal warnings only, once
// execve succeeded and closed the pipe).
void Tracer::FinishRootStart() {
  if (report_fd_ < 0) return;
  int msg[2];
  res_.aslr_disabled = opts_.spawn.disable_aslr;
  while (read(report_fd_, msg, sizeof msg) == sizeof msg) {
    if (msg[0] == kPersonalityFailed) {
      res_.aslr_disabled = false;
      res_.warnings.push_back(std::string("cannot disable ASLR (personality: ") + strerror(msg[1]) +
                              "); addresses and counts may vary between runs");
    }
  }
  close(report_fd_);
  report_fd_ = -1;
}

void Tracer::Resume(Thread* t, int request, int sig) {
  // ESRCH: the task was killed meanwhile (SIGKILL, exit_group of a sibling); its death follows.
  ptrace(static_cast<__ptrace_request>(request), t->tid, 0, sig);
}

void Tracer::Count(Thread* t, uint64_t pc) {
  t->instructions++;
  res_.instructions++;
  Image* img = res_.images[t->image].get();
  img->instructions++;
  img->counts.Add(pc);
  if (!t->stack.empty()) res_.tree[t->stack.back().node].self++;
}

void Tracer::RecordSyscall(Thread* t, const struct user_regs_struct& r, int64_t ret) {
  SyscallRecord s;
  s.tid = t->tid;
  s.nr = static_cast<int64_t>(r.orig_rax);
  s.args[0] = static_cast<int64_t>(r.rdi);
  s.args[1] = static_cast<int64_t>(r.rsi);
  s.args[2] = static_cast<int64_t>(r.rdx);
  s.args[3] = static_cast<int64_t>(r.r10);
  s.args[4] = static_cast<int64_t>(r.r8);
  s.args[5] = static_cast<int64_t>(r.r9);
  s.ret = ret;
  s.thread_index = static_cast<int64_t>(t->instructions);
  s.global_index = static_cast<int64_t>(res_.instructions);
  res_.syscalls.push_back(s);
  t->syscalls++;
  std::string path;
  if (ret != kNoReturn && WrittenPath(t->pid, r, &path))
    res_.files.push_back(FileEvent{static_cast<uint32_t>(res_.syscalls.size() - 1), std::move(path)});
}

// A fresh shadow stack for a thread starting (or exec'ing) at `rip`.
void Tracer::ResetStack(Thread* t, uint64_t rip) {
  int32_t root = res_.tree.NewRoot(t->image);
  t->roots.push_back(root);
  t->stack.clear();
  t->stack.push_back(Frame{UINT64_MAX, root});
  int32_t bottom = res_.tree.Child(root, t->image, rip);
  res_.tree[bottom].calls++;
  t->stack.push_back(Frame{UINT64_MAX, bottom});
  t->range_lo = t->range_hi = 0;
}

// Call-tree bookkeeping for one step from `pc`: charge the step to the frame on top, then
// follow the control transfer it made (return, call, or jump into another object).
inline void Tracer::Track(Thread* t, Image* img, uint64_t pc, uint64_t prev_rsp,
                          const struct user_regs_struct& r) {
  std::vector<Frame>& st = t->stack;
  res_.tree[st.back().node].self++;
  const uint64_t rip = r.rip, rsp = r.rsp;
  if (rsp > st.back().sp) {
    // Returned (ret, longjmp, exception unwinding, sigreturn): pop every frame below rsp.
    while (st.size() > 2 && rsp > st.back().sp) st.pop_back();
    return;
  }
  if (rip > pc && rip <= pc + 15) return;  // fell through to the next instruction
  if (rsp == prev_rsp - 8) {
    // A call pushed the address of the instruction after it and left that range.
    errno = 0;
    uint64_t ret = static_cast<uint64_t>(ptrace(PTRACE_PEEKDATA, t->tid, rsp, 0));
    if (errno == 0 && ret > pc && ret <= pc + 15) {
      int32_t n = res_.tree.Child(st.back().node, t->image, rip);
      res_.tree[n].calls++;
      st.push_back(Frame{rsp, n});
      return;
    }
  }
  if (rip >= t->range_lo && rip < t->range_hi && pc >= t->range_lo && pc < t->range_hi) return;
  // A jump into another object (PLT stub -> library, tail call across objects) replaces the
  // jumping frame with the callee's, under the same caller.
  const ExecRange* to = nullptr;
  const ExecRange* from = nullptr;
  uint32_t a = img->exec_maps.ObjectOf(t->pid, rip, &to);
  uint32_t b = img->exec_maps.ObjectOf(t->pid, pc, &from);
  if (to) {
    t->range_lo = to->lo;
    t->range_hi = to->hi;
  }
  if (a != b && a != UINT32_MAX) {
    // Only a jump made by the frame's own function counts (a PLT stub or tail call); a jump
    // from another object back into it (the end of longjmp or of unwinding) does not.
    Frame& f = st.back();
    const ExecRange* fr = nullptr;
    if (img->exec_maps.ObjectOf(t->pid, res_.tree[f.node].entry, &fr) != b) return;
    int32_t n = res_.tree.Child(res_.tree[f.node].parent, t->image, rip);
    res_.tree[n].calls++;
    f.node = n;
  }
}

// A SIGTRAP stop with no event: normally the end of one single step.
void Tracer::Step(Thread* t) {
  // Region checks are compiled out of the full-trace instance (its per-step cost is unchanged).
  if (opts_.region) StepImpl<true>(t); else StepImpl<false>(t);
}

template <bool kRegion>
void Tracer::StepImpl(Thread* t) {
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) != 0) return;  // killed meanwhile
  if (t->check_siginfo) {
    t->check_siginfo = false;
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) == 0 && si.si_code <= 0) {
      // A SIGTRAP the program sent itself: a real signal, not our step. The step that sent
      // it was already counted, so nothing executed since.
      OnSignal(t, SIGTRAP);
      return;
    }
  }
  if (t->after_exec) {
    // The syscall-exit report of a successful execve, at the new entry point.
    t->after_exec = false;
    if (static_cast<int64_t>(r.orig_rax) != -1) RecordSyscall(t, r, static_cast<int64_t>(r.rax));
    t->prev_rip = r.rip;
    t->prev_rsp = r.rsp;
    Resume(t, PTRACE_SINGLESTEP, 0);
    return;
  }
  if (t->skip_trap) {
    // First instruction of a signal handler: the kernel reports it before executing anything.
    t->skip_trap = false;
    t->handlers++;
    t->prev_rip = r.rip;
    t->prev_rsp = r.rsp;
    int32_t n = res_.tree.Child(t->stack.back().node, t->image, r.rip);  // the handler's frame
    res_.tree[n].calls++;
    t->stack.push_back(Frame{r.rsp, n});
    if constexpr (kRegion) {
      if (RegionAfterStep(t, r)) return;
    }
    Resume(t, PTRACE_SINGLESTEP, 0);
    return;
  }
  uint64_t pc = t->prev_rip;
  Image* img = res_.images[t->image].get();
  uint64_t prev_rsp = t->prev_rsp;
  t->prev_rsp = r.rsp;
  t->instructions++;
  res_.instructions++;
  img->instructions++;
  bool first_time = img->counts.Add(pc);
  Track(t, img, pc, prev_rsp, r);
  t->prev_rip = r.rip;
  if (static_cast<int64_t>(r.orig_rax) != -1) {
    RecordSyscall(t, r, static_cast<int64_t>(r.rax));
    if (MaySignalSelf(r)) t->check_siginfo = true;
  } else if ((r.rax == SYS_execve || r.rax == SYS_execveat) && IsSyscallInsn(t->tid, r.rip)) {
    // About to execve: the last moment this image's mappings (dlopen'd libraries included)
    // can be seen; after the exec, /proc/PID/maps shows the new program.
    img->maps_at_exit = proc::Maps(t->pid);
  } else if (t->handlers > 0 && r.rsp > prev_rsp + 128 && IsSyscallInsn(t->tid, pc)) {
    // rt_sigreturn restores orig_rax to -1, so it is recognised by the instruction itself
    // (a syscall that popped the signal frame).
    t->handlers--;
    struct user_regs_struct sr = r;
    sr.orig_rax = SYS_rt_sigreturn;
    RecordSyscall(t, sr, static_cast<int64_t>(r.rax));
  } else if (r.rip == pc + 1 && (first_time ? true : !img->int3.empty())) {
    // One-byte instruction: int3 raises a real SIGTRAP that looks like our step.
    bool is_int3 = img->int3.count(pc) != 0;
    if (!is_int3 && first_time) {
      errno = 0;
      long word = ptrace(PTRACE_PEEKTEXT, t->tid, pc, 0);
      bool ours = false;
      if constexpr (kRegion) ours = FindBp(t->pid, pc) != nullptr;  // stepped over, not executed
      if (errno == 0 && (word & 0xff) == 0xcc && !ours) {
        img->int3.insert(pc);
        is_int3 = true;
      }
    }
    if (is_int3) {
      OnSignal(t, SIGTRAP);
      return;
    }
  }
  if constexpr (kRegion) {
    if (RegionAfterStep(t, r)) return;
  }
  Resume(t, PTRACE_SINGLESTEP, 0);
}

// A signal-delivery-stop: pass the signal on unchanged.
void Tracer::OnSignal(Thread* t, int sig) {
  if (t->pre_exec) {  // the SIGCONT that starts the command, before its execve
    Resume(t, PTRACE_CONT, sig);
    return;
  }
  auto it = proc_index_.find(t->pid);
  if (it != proc_index_.end()) res_.processes[it->second].signals++;
  // A caught signal makes the kernel stop at the handler's first instruction, before it runs.
  if (t->native) {
    Resume(t, PTRACE_CONT, sig);
    return;
  }
  if (sig != SIGKILL && sig != SIGSTOP && proc::SignalCaught(t->tid, sig)) t->skip_trap = true;
  if (opts_.region && FindBp(t->pid, t->prev_rip)) {
    StepOver(t, sig);  // the next instruction is under a breakpoint
    return;
  }
  Resume(t, PTRACE_SINGLESTEP, sig);
}

void Tracer::StartThread(Thread* t) {
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0) {
    t->prev_rip = r.rip;
    t->prev_rsp = r.rsp;
  }
  t->started = true;
  if (opts_.region && opts_.attach_pid > 0 && bps_.find(t->pid) == bps_.end()) Resolve(t);  // attached: what is mapped now
  if (t->native) {
    Resume(t, PTRACE_CONT, 0);
    return;
  }
  if (t->stack.empty()) ResetStack(t, t->prev_rip);
  if (opts_.region && FindBp(t->pid, t->prev_rip)) {
    StepOver(t, 0);
    return;
  }
  Resume(t, PTRACE_SINGLESTEP, 0);
}

void Tracer::OnEvent(Thread* t, int event, int sig) {
  switch (event) {
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: {
      unsigned long msg = 0;
      ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
      pid_t child = static_cast<pid_t>(msg);
      bool thread = event == PTRACE_EVENT_CLONE && proc::Tgid(child) == t->pid;
      if (!thread && !opts_.follow) {
        // A non-thread clone caught by TRACECLONE: let it run untraced.
        // Region mode: the child inherited the int3 bytes; take them out before it runs
        // untraced (not after vfork: the child shares the parent's memory).
        if (opts_.region && event != PTRACE_EVENT_VFORK) strip_on_detach_[child] = t->pid;
        auto early = early_stops_.find(child);
        if (early != early_stops_.end()) {
          early_stops_.erase(early);
          auto strip = strip_on_detach_.find(child);
          if (strip != strip_on_detach_.end()) {
            auto tab = bps_.find(strip->second);
            if (tab != bps_.end()) RemoveBps(child, tab->second);
            strip_on_detach_.erase(strip);
          }
          ptrace(PTRACE_DETACH, child, 0, 0);
        } else {
          early_stops_[child] = -1;  // detach at its first stop
        }
        Resume(t, Req(t), 0);
        return;
      }
      Thread* c;
      if (thread) {
        c = NewThread(child, t->pid, t->image);
        if (opts_.region) {
          // A new thread runs natively, unless its creator is inside --start-at/--stop-at.
          for (const Thread::RegionFrame& f : t->regions)
            if (f.kind == kBpStartAt) c->regions.push_back(Thread::RegionFrame{f.kind, f.id, 0, 0});
          c->native = c->regions.empty();
        }
      } else {
        Process p;
        p.pid = child;
        p.ppid = t->pid;
        res_.processes.push_back(p);
        proc_index_[child] = res_.processes.size() - 1;
        {
          std::lock_guard<std::mutex> lock(pids_mu_);
          killable_.insert(child);
        }
        int parent_image = t->image;
        int img = NewImage(child, false, parent_image);
        res_.processes.back().image = img;
        c = NewThread(child, child, img);
        // The child continues the parent's calls: mirror its shadow stack under a new root.
        int32_t root = res_.tree.NewRoot(img);
        c->roots.push_back(root);
        c->stack.push_back(Frame{UINT64_MAX, root});
        for (size_t i = 1; i < t->stack.size(); i++) {
          int32_t n = res_.tree.Child(c->stack.back().node, img, res_.tree[t->stack[i].node].entry);
          c->stack.push_back(Frame{t->stack[i].sp, n});
        }
        if (opts_.region) {
          // Same breakpoints (the child's memory is a copy); same open regions, counted
          // from the fork on in the child.
          auto tab = bps_.find(t->pid);
          if (tab != bps_.end()) bps_[child] = tab->second;
          c->native = t->native;
          for (const Thread::RegionFrame& f : t->regions) c->regions.push_back(Thread::RegionFrame{f.kind, f.id, f.sp, 0});
          if (c->native) c->stack.clear();
        }
      }
      auto early = early_stops_.find(child);
      if (early != early_stops_.end()) {
        early_stops_.erase(early);
        StartThread(c);
      }
      if (!t->native && opts_.region && FindBp(t->pid, t->prev_rip)) {
        StepOver(t, 0);
        return;
      }
      Resume(t, Req(t), 0);
      return;
    }
    case PTRACE_EVENT_EXEC: {
      unsigned long msg = 0;
      ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
      pid_t former = static_cast<pid_t>(msg);
      if (former != t->tid) {
        // A non-leader thread exec'd: it takes over the leader's tid; the leader is gone.
        Thread* leader = t;
        leader->exited = true;
        Thread* execer = Find(former);
        live_.erase(leader->tid);
        cached_tid_ = 0;
        if (!execer) return;
        size_t idx = live_[former];
        live_.erase(former);
        live_[leader->tid] = idx;
        t = &res_.threads[idx];
        t->tid = leader->tid;  // the tid it has from now on
      }
      struct user_regs_struct r;
      ptrace(PTRACE_GETREGS, t->tid, 0, &r);
      if (t->pre_exec) {
        t->pre_exec = false;
        FinishRootStart();
        if (opts_.region) t->native = true;
      } else if (!t->native) {
        Count(t, t->prev_rip);  // the execve instruction, in the old image
      }
      t->after_exec = true;
      Process& p = res_.processes[proc_index_[t->pid]];
      int img = NewImage(t->pid, true, p.image);
      p.image = img;
      t->image = img;
      t->prev_rip = r.rip;
      t->prev_rsp = r.rsp;
      t->handlers = 0;
      if (opts_.region) {
        // The old memory and its breakpoints are gone; regions end at exec.
        t->after_exec = false;
        CloseAllFrames(t);
        t->native = true;
        t->stack.clear();
        bps_.erase(t->pid);
        Resolve(t);
        Resume(t, PTRACE_CONT, 0);
        return;
      }
      ResetStack(t, r.rip);
      Resume(t, PTRACE_SINGLESTEP, 0);
      return;
    }
    case PTRACE_EVENT_EXIT: {
      if (!t->pre_exec && t->started && !t->native) {
        struct user_regs_struct r;
        if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0 && static_cast<int64_t>(r.orig_rax) != -1 &&
            r.rip != t->prev_rip) {
          // Inside a syscall whose step never completed (exit, exit_group, or a syscall
          // interrupted by a sibling's exit_group): that instruction ran.
          Count(t, t->prev_rip);
          RecordSyscall(t, r, kNoReturn);
          t->prev_rip = r.rip;
        }
      }
      if (opts_.region) CloseAllFrames(t);
      if (!t->pre_exec && t->started) {
        auto it = proc_index_.find(t->pid);
        if (it != proc_index_.end()) {
          std::string maps = proc::Maps(t->pid);
          Process& p = res_.processes[it->second];
          if (!maps.empty() && p.image >= 0) res_.images[p.image]->maps_at_exit = std::move(maps);
        }
      }
      Resume(t, PTRACE_CONT, 0);
      return;
    }
    case PTRACE_EVENT_STOP: {
      if (!t->started) {
        StartThread(t);
      } else if (IsStopSignal(sig) && !t->pre_exec) {
        // Group-stop: stay stopped, as without stepcount, until SIGCONT.
        ptrace(PTRACE_LISTEN, t->tid, 0, 0);
      } else if (opts_.region && !t->native && !t->pre_exec) {
        // A stepping thread stopped by an interrupt may sit on a breakpoint: step over it.
        StepOver(t, 0);
      } else {
        Resume(t, Req(t), 0);
      }
      return;
    }
    default:
      Resume(t, Req(t), 0);
  }
}

void Tracer::OnStop(pid_t tid, int status) {
  Thread* t = Find(tid);
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  if (!t) {
    // A new task's first stop can arrive before its parent's fork/clone event.
    auto early = early_stops_.find(tid);
    if (early != early_stops_.end() && early->second == -1) {
      early_stops_.erase(early);
      auto strip = strip_on_detach_.find(tid);
      if (strip != strip_on_detach_.end()) {
        auto tab = bps_.find(strip->second);
        if (tab != bps_.end()) RemoveBps(tid, tab->second);
        strip_on_detach_.erase(strip);
      }
      ptrace(PTRACE_DETACH, tid, 0, 0);
    } else {
      early_stops_[tid] = status;
    }
    return;
  }
  if (event != 0) {
    OnEvent(t, event, sig);
  } else if (sig == SIGTRAP && !t->pre_exec) {
    if (t->native) OnNativeTrap(t); else Step(t);
  } else {
    OnSignal(t, sig);
  }
}

void Tracer::OnDeath(pid_t tid, int status) {
  auto it = live_.find(tid);
  if (it != live_.end()) {
    res_.threads[it->second].exited = true;
    live_.erase(it);
    cached_tid_ = 0;
  }
  auto pit = proc_index_.find(tid);
  if (pit != proc_index_.end()) {
    Process& p = res_.processes[pit->second];
    p.exited = true;
    if (WIFEXITED(status)) p.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
      p.exit_signal = WTERMSIG(status);
      p.core_dumped = WCOREDUMP(status);
    }
    std::lock_guard<std::mutex> lock(pids_mu_);
    killable_.erase(tid);
  }
  if (tid == res_.root_pid) {
    root_reaped_ = true;
    if (report_fd_ >= 0) {
      // The root died before execve succeeded: the pipe says why.
      int msg[2] = {0, 0};
      ssize_t n = read(report_fd_, msg, sizeof msg);
      while (n == sizeof msg && msg[0] == kPersonalityFailed) n = read(report_fd_, msg, sizeof msg);
      close(report_fd_);
      report_fd_ = -1;
      if (n == sizeof msg && msg[0] == kExecFailed) {
        Fail(ErrnoName(msg[1]), msg[1], "execve",
             std::string("cannot execute ") + opts_.spawn.file + ": " + strerror(msg[1]));
      }
    }
  }
}

void Tracer::Loop(void (*report)(void*, const Progress&), void* ctx) {
  uint64_t next_report = NowNs() + static_cast<uint64_t>(opts_.progress_ms) * 1000000ull;
  uint32_t tick = 0;
  bool killed = false;
  for (;;) {
    if (cancel_.load(std::memory_order_relaxed) && !killed) {
      if (opts_.attach_pid > 0) {
        DetachAll();
        break;
      }
      killed = true;
      res_.complete = false;
      KillAll();
    }
    int status;
    pid_t tid;
    if (!deferred_.empty()) {
      // Stops collected while a breakpoint was stepped over, in the order they came.
      tid = deferred_.front().first;
      status = deferred_.front().second;
      deferred_.pop_front();
    } else {
      // __WNOTHREAD: only this thread's tracees and children, never children that other
      // threads of the Node process started (and a shorter scan per step).
      tid = waitpid(-1, &status, __WALL | __WNOTHREAD);
      if (tid < 0) {
        if (errno == EINTR) continue;
        break;  // ECHILD: no tracee left
      }
    }
    if (waker_pid_ > 0 && tid == waker_pid_) {
      if (WIFSTOPPED(status)) continue;
      std::lock_guard<std::mutex> lock(pids_mu_);
      waker_pid_ = 0;
      cancel_.store(true, std::memory_order_relaxed);  // --duration elapsed, or cancel()
      continue;
    }
    if (WIFSTOPPED(status)) {
      if (killed) {
        // Draining after a kill: let every task run into its death.
        ptrace(PTRACE_CONT, tid, 0, 0);
        continue;
      }
      OnStop(tid, status);
    } else {
      OnDeath(tid, status);
      if (live_.empty() && root_reaped_) break;
    }
    if (++tick % 4096 == 0) {
      uint64_t now = NowNs();
      if (now >= next_report) {
        next_report = now + static_cast<uint64_t>(opts_.progress_ms) * 1000000ull;
        Progress p{res_.instructions, static_cast<uint64_t>(res_.syscalls.size()),
                   static_cast<uint32_t>(proc_index_.size())};
        uint32_t alive = 0;
        for (const Process& pr : res_.processes) alive += pr.exited ? 0 : 1;
        p.alive = alive;
        report(ctx, p);
      }
    }
  }
  res_.end_ns = NowNs();
  if (report_fd_ >= 0) {
    close(report_fd_);
    report_fd_ = -1;
  }
  pid_t waker;
  {
    std::lock_guard<std::mutex> lock(pids_mu_);
    waker = waker_pid_;
    waker_pid_ = 0;
  }
  if (waker > 0) {
    kill(waker, SIGKILL);
    while (waitpid(waker, nullptr, 0) < 0 && errno == EINTR) {}
  }
}

// ---------------------------------------------------------------------------------------
// Region mode: the program runs natively; int3 breakpoints (addresses resolved in
// TypeScript) start single-stepping of the thread that hits them.

