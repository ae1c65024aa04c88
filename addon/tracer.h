// The single-step engine. Everything here runs on one dedicated native thread, which owns
// every ptrace and waitpid call of a trace. No N-API in this file.
#pragma once
#include <sys/types.h>
#include <sys/user.h>

#include <atomic>
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "addr_counts.h"
#include "call_tree.h"
#include "exec_maps.h"
#include "spawn.h"

// A breakpoint the region mode wants at a runtime address (resolved in TypeScript).
enum BpKind : int {
  kBpRendezvous = 0,  // ld.so's _dl_debug_state: objects were (un)mapped; resolve again
  kBpFunction = 1,    // entry of a --function: a region until the matching return
  kBpStartAt = 2,     // --start-at: stepping begins (first hit)
  kBpStopAt = 3,      // --stop-at: stepping ends (first hit)
  kBpMarkStart = 4,   // stepcount_start_marker(name): a marked region begins (nestable)
  kBpMarkStop = 5,    // stepcount_stop_marker(): the innermost marked region ends
};
struct BpSpec {
  uint64_t addr;
  int kind;
  int id;  // region id (kBpFunction, kBpStartAt); unused otherwise
};
// Blocking round trip to TypeScript: the breakpoints wanted in process `pid` given its maps.
using ResolveFn = std::function<bool(pid_t pid, int image, const std::string& maps, std::vector<BpSpec>* out)>;

struct TraceOptions {
  SpawnRequest spawn;
  bool follow = true;       // trace child processes too
  bool pin = true;          // pin tracer and tracee to one CPU
  int progress_ms = 200;    // interval between progress reports
  // Region mode: run natively (PTRACE_CONT) and single-step only inside regions.
  bool region = false;
  ResolveFn resolve;
  // Attach mode: PTRACE_SEIZE every thread of this process instead of spawning a command.
  pid_t attach_pid = 0;
  uint64_t duration_ms = 0;  // attach: detach after this long (0: until cancel or exit)
};

// One program image inside one process: from exec (or fork) to exit or the next exec.
struct Image {
  int id = 0;
  pid_t pid = 0;
  int parent_image = -1;    // for a forked child: the parent's image at fork time
  bool from_exec = false;   // false: created by fork (same program as parent_image)
  std::string exe;
  std::vector<std::string> argv;
  std::string maps_at_start, maps_at_exit;
  std::string vdso;
  uint64_t vdso_base = 0;
  uint64_t instructions = 0;
  AddrCounts counts;
  std::set<uint64_t> int3;  // addresses of int3 instructions met (their SIGTRAP is real)
  ExecMaps exec_maps;
};

struct Process {
  pid_t pid = 0, ppid = 0;
  int image = -1;           // current image
  bool exited = false;
  int exit_code = -1;       // -1 unless exited normally
  int exit_signal = 0;      // non-zero if killed by a signal
  bool core_dumped = false;
  int signals = 0;          // signals delivered (re-injected)
};

struct Thread {
  pid_t tid = 0, pid = 0;
  int image = -1;
  uint64_t prev_rip = 0;    // where the thread will execute next (the next step counts it)
  uint64_t instructions = 0;
  uint64_t syscalls = 0;
  bool started = false;     // has reached its first stop (prev_rip valid)
  int handlers = 0;         // signal handlers entered and not yet left by rt_sigreturn
  uint64_t prev_rsp = 0;    // stack pointer at the previous stop
  std::vector<Frame> stack; // shadow stack: [0] the thread root, [1] the bottom frame (never popped)
  uint64_t range_lo = 0, range_hi = 0;  // executable mapping the thread was last seen in
  std::vector<int32_t> roots;           // call-tree roots of this thread (one per exec)
  bool exited = false;
  bool skip_trap = false;   // next SIGTRAP is a handler-entry stop: zero instructions ran
  bool check_siginfo = false;  // next SIGTRAP may be a real signal (kill to self)
  bool pre_exec = false;    // root before its execve: runs without stepping
  bool after_exec = false;  // next SIGTRAP is execve's own syscall-exit report: nothing ran
  // Region mode only.
  bool native = false;      // running with PTRACE_CONT: nothing is counted
  struct RegionFrame {
    int kind;               // BpKind of the breakpoint that opened it
    int id;
    uint64_t sp;            // kBpFunction: closes once rsp rises above it; 0: closed explicitly
    uint64_t start;         // `instructions` when it opened
  };
  std::vector<RegionFrame> regions;
};

// Per-region totals (region mode): one entry per (kind, id).
struct RegionStat {
  int kind = 0, id = 0;
  uint64_t calls = 0, total = 0, min = UINT64_MAX, max = 0;
  uint64_t recursive = 0;   // entries while the same region was already open on the thread
};

// One syscall observed at the step after it: number, arguments, result.
struct SyscallRecord {
  int64_t tid, nr, args[6], ret, thread_index, global_index;
};
static_assert(sizeof(SyscallRecord) == 11 * 8, "syscall record is 11 int64 fields");
constexpr int64_t kNoReturn = INT64_MIN;  // ret of exit/exit_group and unfinished syscalls

// A file opened for writing (or created, renamed onto, linked, truncated).
struct FileEvent {
  uint32_t syscall;  // index into TraceResult::syscalls
  std::string path;  // absolute, as resolved at the time of the call
};

struct Progress {
  uint64_t steps, syscalls;
  uint32_t alive;
};

struct TraceResult {
  bool ok = false;
  // failure (ok == false)
  std::string code, syscall, message;
  int err = 0;
  // success
  bool complete = true;
  bool aslr_disabled = false;
  int pinned_cpu = -1;
  std::vector<std::string> warnings;
  pid_t root_pid = 0;
  uint64_t instructions = 0;
  uint64_t start_ns = 0, end_ns = 0;  // CLOCK_MONOTONIC, around the traced part
  std::vector<std::unique_ptr<Image>> images;
  std::vector<Process> processes;
  std::deque<Thread> threads;  // deque: Thread pointers stay valid as threads are added
  std::vector<SyscallRecord> syscalls;
  std::vector<FileEvent> files;
  CallTree tree;
  // Region mode.
  std::map<std::pair<int, int>, RegionStat> regions;
  std::vector<std::string> marker_names;  // marker region id -> name ("" when none given)
  uint64_t breakpoint_hits = 0;
  uint64_t resolves = 0;
  // Attach mode.
  bool attached = false;
  bool detached = false;    // true: detached while the process was alive
};

class Tracer {
 public:
  explicit Tracer(TraceOptions opts) : opts_(std::move(opts)) {}
  // Runs the whole trace on the calling thread. `progress` is called every progress_ms.
  template <typename ProgressFn>
  void Run(ProgressFn progress);
  // Any thread: stop the trace; the traced tree is killed and the result is partial.
  void Cancel();
  TraceResult& result() { return res_; }

 private:
  bool Start();
  void Loop(void (*report)(void*, const Progress&), void* ctx);
  void OnStop(pid_t tid, int status);
  void OnDeath(pid_t tid, int status);
  void OnEvent(Thread* t, int event, int sig);
  void OnSignal(Thread* t, int sig);
  void Step(Thread* t);
  void Resume(Thread* t, int request, int sig);
  Thread* NewThread(pid_t tid, pid_t pid, int image);
  int NewImage(pid_t pid, bool from_exec, int parent_image);
  void StartThread(Thread* t);
  void ResetStack(Thread* t, uint64_t rip);
  void Track(Thread* t, Image* img, uint64_t pc, uint64_t prev_rsp, const struct user_regs_struct& r);
  void Count(Thread* t, uint64_t pc);
  void RecordSyscall(Thread* t, const struct user_regs_struct& r, int64_t ret);
  void FinishRootStart();
  void KillAll();
  void Fail(const char* code, int err, const char* syscall, const std::string& message);
  Thread* Find(pid_t tid);
  template <bool kRegion>
  void StepImpl(Thread* t);
  int Req(const Thread* t) const { return (t->pre_exec || t->native) ? PTRACE_CONT_ : PTRACE_SINGLESTEP_; }
  // Region mode.
  struct Bp {
    int kind, id;
    uint8_t orig;
  };
  using BpTable = std::unordered_map<uint64_t, Bp>;
  const Bp* FindBp(pid_t pid, uint64_t addr) const;
  void Resolve(Thread* t);
  bool InsertBp(pid_t pid, BpTable& tab, uint64_t addr, int kind, int id);
  void RemoveBps(pid_t pid, const BpTable& tab);
  void OnNativeTrap(Thread* t);
  void OnBreakpoint(Thread* t, struct user_regs_struct& r, int kind, int id);
  bool RegionAfterStep(Thread* t, const struct user_regs_struct& r);
  void CloseFrame(Thread* t, size_t i);
  void CloseAllFrames(Thread* t);
  void EnterStepping(Thread* t, const struct user_regs_struct& r);
  void StepOver(Thread* t, int sig);
  std::string ReadString(pid_t tid, uint64_t addr);
  // Attach mode.
  bool StartAttach();
  void DetachAll();
  void StartWaker();

  std::unordered_map<pid_t, BpTable> bps_;          // pid -> its breakpoints (region mode)
  std::unordered_map<pid_t, pid_t> strip_on_detach_;  // untraced fork child -> parent (remove int3s)
  std::deque<std::pair<pid_t, int>> deferred_;      // stops collected out of order (step-over)
  bool spans_started_ = false, spans_stopped_ = false;
  pid_t waker_pid_ = 0;                              // attach: its death wakes the loop
  static constexpr int PTRACE_CONT_ = 7, PTRACE_SINGLESTEP_ = 9;

  TraceOptions opts_;
  TraceResult res_;
  std::unordered_map<pid_t, size_t> live_;         // tid -> index in res_.threads
  std::unordered_map<pid_t, int> early_stops_;     // stops of tasks whose creation event is pending
  std::unordered_map<pid_t, size_t> proc_index_;   // pid -> index in res_.processes
  pid_t cached_tid_ = 0;
  size_t cached_index_ = 0;
  int report_fd_ = -1;
  bool root_reaped_ = false;
  std::atomic<bool> cancel_{false};
  std::mutex pids_mu_;                              // guards killable_ (read by Cancel)
  std::set<pid_t> killable_;
};

template <typename ProgressFn>
void Tracer::Run(ProgressFn progress) {
  if (!Start()) return;
  Loop([](void* ctx, const Progress& p) { (*static_cast<ProgressFn*>(ctx))(p); }, &progress);
}
