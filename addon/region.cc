// Region mode: breakpoints at function entries, markers and start/stop symbols; threads run
// natively (PTRACE_CONT) and are single-stepped only inside a region.
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
const Tracer::Bp* Tracer::FindBp(pid_t pid, uint64_t addr) const {
  auto it = bps_.find(pid);
  if (it == bps_.end()) return nullptr;
  auto b = it->second.find(addr);
  return b == it->second.end() ? nullptr : &b->second;
}

bool Tracer::InsertBp(pid_t tid, BpTable& tab, uint64_t addr, int kind, int id) {
  errno = 0;
  long word = ptrace(PTRACE_PEEKTEXT, tid, addr, 0);
  if (errno != 0) return false;
  uint8_t orig = static_cast<uint8_t>(word & 0xff);
  if (orig == 0xcc) return false;  // the program's own int3
  long patched = (word & ~0xffL) | 0xcc;
  if (ptrace(PTRACE_POKETEXT, tid, addr, patched) != 0) return false;
  tab[addr] = Bp{kind, id, orig};
  return true;
}

void Tracer::RemoveBps(pid_t tid, const BpTable& tab) {
  for (const auto& kv : tab) {
    errno = 0;
    long word = ptrace(PTRACE_PEEKTEXT, tid, kv.first, 0);
    if (errno != 0 || (word & 0xff) != 0xcc) continue;
    ptrace(PTRACE_POKETEXT, tid, kv.first, (word & ~0xffL) | kv.second.orig);
  }
}

// Asks TypeScript which breakpoints the process wants given what it maps now (at exec, at
// attach, and at each ld.so rendezvous: after every dlopen/dlclose), and applies the difference.
void Tracer::Resolve(Thread* t) {
  BpTable& tab = bps_[t->pid];
  if (!opts_.resolve) return;
  std::string maps = proc::Maps(t->pid);
  std::vector<BpSpec> specs;
  res_.resolves++;
  if (!opts_.resolve(t->pid, t->image, maps, &specs)) return;
  std::set<uint64_t> want;
  for (const BpSpec& b : specs) {
    want.insert(b.addr);
    auto it = tab.find(b.addr);
    if (it != tab.end()) {
      it->second.kind = b.kind;
      it->second.id = b.id;
    } else {
      InsertBp(t->tid, tab, b.addr, b.kind, b.id);
    }
  }
  for (auto it = tab.begin(); it != tab.end();) {
    if (want.count(it->first)) {
      ++it;
      continue;
    }
    // No longer wanted (its object was unmapped): restore the byte if it is still there.
    errno = 0;
    long word = ptrace(PTRACE_PEEKTEXT, t->tid, it->first, 0);
    if (errno == 0 && (word & 0xff) == 0xcc)
      ptrace(PTRACE_POKETEXT, t->tid, it->first, (word & ~0xffL) | it->second.orig);
    it = tab.erase(it);
  }
}

std::string Tracer::ReadString(pid_t tid, uint64_t addr) {
  std::string out;
  if (addr == 0) return out;
  for (int i = 0; i < 16; i++) {
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, tid, addr + 8 * i, 0);
    if (errno != 0) break;
    for (int k = 0; k < 8; k++) {
      char c = static_cast<char>((word >> (8 * k)) & 0xff);
      if (c == 0) return out;
      out.push_back(c);
    }
  }
  return out;
}

void Tracer::CloseFrame(Thread* t, size_t i) {
  Thread::RegionFrame f = t->regions[i];
  t->regions.erase(t->regions.begin() + static_cast<long>(i));
  uint64_t n = t->instructions > f.start ? t->instructions - f.start : 0;
  RegionStat& s = res_.regions[{f.kind, f.id}];
  s.kind = f.kind;
  s.id = f.id;
  s.calls++;
  s.total += n;
  if (n < s.min) s.min = n;
  if (n > s.max) s.max = n;
}

void Tracer::CloseAllFrames(Thread* t) {
  while (!t->regions.empty()) CloseFrame(t, t->regions.size() - 1);
}

// A native thread starts single-stepping at r.rip (a breakpoint it just hit).
void Tracer::EnterStepping(Thread* t, const struct user_regs_struct& r) {
  t->native = false;
  t->prev_rip = r.rip;
  t->prev_rsp = r.rsp;
  t->handlers = 0;
  t->skip_trap = t->check_siginfo = t->after_exec = false;
  int32_t root;
  if (!t->roots.empty() && res_.tree[t->roots.back()].image == t->image) {
    root = t->roots.back();
  } else {
    root = res_.tree.NewRoot(t->image);
    t->roots.push_back(root);
  }
  t->stack.clear();
  t->stack.push_back(Frame{UINT64_MAX, root});
  int32_t bottom = res_.tree.Child(root, t->image, r.rip);
  res_.tree[bottom].calls++;
  t->stack.push_back(Frame{UINT64_MAX, bottom});
  t->range_lo = t->range_hi = 0;
}

// A SIGTRAP of a thread running natively: one of our breakpoints, or the program's own.
void Tracer::OnNativeTrap(Thread* t) {
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) != 0) return;
  const Bp* bp = FindBp(t->pid, r.rip - 1);
  if (!bp) {
    OnSignal(t, SIGTRAP);
    return;
  }
  int kind = bp->kind, id = bp->id;
  r.rip -= 1;  // back onto the instruction the int3 replaced
  ptrace(PTRACE_SETREGS, t->tid, 0, &r);
  OnBreakpoint(t, r, kind, id);
}

// Thread `t` is stopped with r.rip at a breakpoint: open or close regions, then execute the
// original instruction (stepped over, counted if the thread is now stepping).
void Tracer::OnBreakpoint(Thread* t, struct user_regs_struct& r, int kind, int id) {
  res_.breakpoint_hits++;
  switch (kind) {
    case kBpRendezvous:
      Resolve(t);
      break;
    case kBpFunction: {
      bool open = false;
      for (const Thread::RegionFrame& f : t->regions) open |= f.kind == kind && f.id == id;
      if (open) {
        RegionStat& s = res_.regions[{kind, id}];
        s.kind = kind;
        s.id = id;
        s.recursive++;
      } else {
        t->regions.push_back(Thread::RegionFrame{kind, id, r.rsp, t->instructions});
      }
      break;
    }
    case kBpStartAt:
      if (!spans_started_) {
        spans_started_ = true;
        t->regions.push_back(Thread::RegionFrame{kind, id, 0, t->instructions});
      }
      break;
    case kBpStopAt:
      if (spans_started_ && !spans_stopped_) {
        spans_stopped_ = true;
        for (size_t i = t->regions.size(); i-- > 0;)
          if (t->regions[i].kind == kBpStartAt) CloseFrame(t, i);
      }
      break;
    case kBpMarkStart: {
      std::string name = ReadString(t->tid, r.rdi);
      int mid = -1;
      for (size_t i = 0; i < res_.marker_names.size(); i++)
        if (res_.marker_names[i] == name) mid = static_cast<int>(i);
      if (mid < 0) {
        mid = static_cast<int>(res_.marker_names.size());
        res_.marker_names.push_back(name);
      }
      // The marker function is one `ret`: the region counts from the instruction after it.
      t->regions.push_back(Thread::RegionFrame{kind, mid, 0, t->instructions + 1});
      break;
    }
    case kBpMarkStop:
      for (size_t i = t->regions.size(); i-- > 0;) {
        if (t->regions[i].kind == kBpMarkStart) {
          CloseFrame(t, i);
          break;
        }
      }
      break;
    default:
      break;
  }
  if (!t->regions.empty() && t->native) {
    EnterStepping(t, r);
  } else if (t->regions.empty() && !t->native) {
    t->native = true;
    t->stack.clear();
  }
  StepOver(t, 0);
}

// After a counted step (region mode): close the regions the step left; leave stepping when
// none is open; treat the next instruction if it is under a breakpoint. True if it resumed t.
bool Tracer::RegionAfterStep(Thread* t, const struct user_regs_struct& r) {
  for (size_t i = t->regions.size(); i-- > 0;) {
    const Thread::RegionFrame& f = t->regions[i];
    if ((f.sp != 0 && r.rsp > f.sp) || (f.kind == kBpStartAt && spans_stopped_)) CloseFrame(t, i);
  }
  if (t->regions.empty()) {
    t->native = true;
    t->stack.clear();
    Resume(t, PTRACE_CONT, 0);
    return true;
  }
  if (const Bp* bp = FindBp(t->pid, r.rip)) {
    struct user_regs_struct rr = r;
    OnBreakpoint(t, rr, bp->kind, bp->id);
    return true;
  }
  return false;
}

// Executes the instruction under the breakpoint at t's pc with its original byte back in
// place, while every other natively running thread of the process is held stopped (so none
// can run through the restored byte unseen); then puts the int3 back.
void Tracer::StepOver(Thread* t, int sig) {
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) != 0) return;
  const uint64_t addr = r.rip;
  auto tab = bps_.find(t->pid);
  if (tab == bps_.end() || tab->second.find(addr) == tab->second.end()) {
    Resume(t, Req(t), sig);
    return;
  }
  const uint8_t orig = tab->second[addr].orig;
  std::vector<pid_t> others, paused;
  for (const auto& kv : live_) {
    const Thread& o = res_.threads[kv.second];
    if (&o == t || o.pid != t->pid || !o.native || !o.started || o.exited || o.pre_exec) continue;
    bool stopped = false;  // its stop is already collected, not yet handled
    for (const auto& d : deferred_) stopped |= d.first == o.tid;
    if (!stopped) others.push_back(o.tid);
  }
  for (pid_t o : others) ptrace(PTRACE_INTERRUPT, o, 0, 0);
  for (pid_t o : others) {
    int st;
    pid_t w;
    while ((w = waitpid(o, &st, __WALL | __WNOTHREAD)) < 0 && errno == EINTR) {}
    if (w != o) continue;
    if (WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_STOP && WSTOPSIG(st) == SIGTRAP) paused.push_back(o);
    else deferred_.emplace_back(o, st);  // stopped for another reason: handled in order later
  }
  auto poke = [&](pid_t via, uint8_t byte) {
    errno = 0;
    long word = ptrace(PTRACE_PEEKTEXT, via, addr, 0);
    if (errno == 0) ptrace(PTRACE_POKETEXT, via, addr, (word & ~0xffL) | byte);
  };
  poke(t->tid, orig);
  ptrace(PTRACE_SINGLESTEP, t->tid, 0, sig);
  int st = 0;
  for (;;) {
    while (waitpid(t->tid, &st, __WALL | __WNOTHREAD) < 0 && errno == EINTR) {}
    // A PTRACE_INTERRUPT left pending by an earlier step-over (its stop was collected as
    // something else) stops the thread before the instruction runs: step it again. The
    // signal, if any, was already delivered by then.
    if (!(WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_STOP && WSTOPSIG(st) == SIGTRAP)) break;
    ptrace(PTRACE_SINGLESTEP, t->tid, 0, 0);
  }
  pid_t via = WIFSTOPPED(st) ? t->tid : (paused.empty() ? 0 : paused[0]);
  if (via > 0 && FindBp(t->pid, addr)) poke(via, 0xcc);
  if (WIFSTOPPED(st) && t->native && WSTOPSIG(st) == SIGTRAP && (st >> 16) == 0) {
    Resume(t, PTRACE_CONT, 0);  // uncounted: the thread left its regions at this breakpoint
  } else {
    deferred_.emplace_back(t->tid, st);  // a counted step (or a signal, an event, its death)
  }
  for (pid_t o : paused) ptrace(PTRACE_CONT, o, 0, 0);
}

// ---------------------------------------------------------------------------------------
// Attach mode.
