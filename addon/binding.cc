// N-API surface of the engine: trace(options, onProgress) -> { result: Promise, cancel() }.
// Options are validated in TypeScript (src/native.ts) before they get here. The trace runs on
// its own std::thread; progress reaches JS through a thread-safe function, and the result is
// built into JS values once, on the main thread, when that function is finalised.
#include <cxxabi.h>
#include <napi.h>

#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "tracer.h"

namespace {

struct Session {
  std::unique_ptr<Tracer> tracer;
  std::thread thread;
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;
  Napi::ThreadSafeFunction resolve_tsfn;  // region mode: breakpoint addresses from TypeScript
  bool has_resolver = false;
  explicit Session(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

std::vector<std::string> StringArray(Napi::Value v) {
  std::vector<std::string> out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).As<Napi::String>().Utf8Value());
  return out;
}

Napi::Array ToJs(Napi::Env env, const std::vector<std::string>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); i++) a.Set(static_cast<uint32_t>(i), v[i]);
  return a;
}

Napi::Value U64(Napi::Env env, uint64_t v) { return Napi::BigInt::New(env, v); }

Napi::Object BuildResult(Napi::Env env, TraceResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("complete", r.complete);
  o.Set("aslrDisabled", r.aslr_disabled);
  o.Set("pinnedCpu", r.pinned_cpu);
  o.Set("warnings", ToJs(env, r.warnings));
  o.Set("rootPid", r.root_pid);
  o.Set("instructions", U64(env, r.instructions));
  o.Set("elapsedNs", U64(env, r.end_ns - r.start_ns));

  Napi::Array images = Napi::Array::New(env, r.images.size());
  for (size_t i = 0; i < r.images.size(); i++) {
    Image& img = *r.images[i];
    Napi::Object io = Napi::Object::New(env);
    io.Set("id", img.id);
    io.Set("pid", img.pid);
    io.Set("parentImage", img.parent_image);
    io.Set("fromExec", img.from_exec);
    io.Set("exe", img.exe);
    io.Set("argv", ToJs(env, img.argv));
    io.Set("mapsAtStart", img.maps_at_start);
    io.Set("mapsAtExit", img.maps_at_exit);
    io.Set("vdso", Napi::Buffer<char>::Copy(env, img.vdso.data(), img.vdso.size()));
    io.Set("vdsoBase", U64(env, img.vdso_base));
    io.Set("instructions", U64(env, img.instructions));
    size_t n = img.counts.size();
    auto pcs = Napi::TypedArrayOf<uint64_t>::New(env, n);
    auto counts = Napi::TypedArrayOf<uint64_t>::New(env, n);
    size_t k = 0;
    img.counts.ForEach([&](uint64_t pc, uint64_t c) {
      pcs[k] = pc;
      counts[k] = c;
      k++;
    });
    io.Set("pcs", pcs);
    io.Set("counts", counts);
    images.Set(static_cast<uint32_t>(i), io);
    img.counts = AddrCounts();  // release memory early
  }
  o.Set("images", images);

  Napi::Array procs = Napi::Array::New(env, r.processes.size());
  for (size_t i = 0; i < r.processes.size(); i++) {
    const Process& p = r.processes[i];
    Napi::Object po = Napi::Object::New(env);
    po.Set("pid", p.pid);
    po.Set("ppid", p.ppid);
    po.Set("image", p.image);
    po.Set("exited", p.exited);
    po.Set("exitCode", p.exit_code);
    po.Set("exitSignal", p.exit_signal);
    po.Set("coreDumped", p.core_dumped);
    po.Set("signals", p.signals);
    procs.Set(static_cast<uint32_t>(i), po);
  }
  o.Set("processes", procs);

  Napi::Array threads = Napi::Array::New(env, r.threads.size());
  for (size_t i = 0; i < r.threads.size(); i++) {
    const Thread& t = r.threads[i];
    Napi::Object to = Napi::Object::New(env);
    to.Set("tid", t.tid);
    to.Set("pid", t.pid);
    to.Set("instructions", U64(env, t.instructions));
    to.Set("syscalls", U64(env, t.syscalls));
    Napi::Int32Array roots = Napi::Int32Array::New(env, t.roots.size());
    for (size_t k = 0; k < t.roots.size(); k++) roots[k] = t.roots[k];
    to.Set("roots", roots);
    threads.Set(static_cast<uint32_t>(i), to);
  }
  o.Set("threads", threads);

  auto sys = Napi::TypedArrayOf<int64_t>::New(env, r.syscalls.size() * 11);
  if (!r.syscalls.empty()) memcpy(sys.Data(), r.syscalls.data(), r.syscalls.size() * sizeof(SyscallRecord));
  o.Set("syscalls", sys);

  Napi::Array files = Napi::Array::New(env, r.files.size());
  for (size_t i = 0; i < r.files.size(); i++) {
    Napi::Object fo = Napi::Object::New(env);
    fo.Set("syscall", r.files[i].syscall);
    fo.Set("path", r.files[i].path);
    files.Set(static_cast<uint32_t>(i), fo);
  }
  o.Set("files", files);

  Napi::Array regions = Napi::Array::New(env, r.regions.size());
  uint32_t ri = 0;
  for (const auto& kv : r.regions) {
    const RegionStat& st = kv.second;
    Napi::Object ro = Napi::Object::New(env);
    ro.Set("kind", st.kind);
    ro.Set("id", st.id);
    ro.Set("calls", U64(env, st.calls));
    ro.Set("total", U64(env, st.total));
    ro.Set("min", U64(env, st.calls ? st.min : 0));
    ro.Set("max", U64(env, st.max));
    ro.Set("recursive", U64(env, st.recursive));
    regions.Set(ri++, ro);
  }
  o.Set("regions", regions);
  o.Set("markerNames", ToJs(env, r.marker_names));
  o.Set("breakpointHits", U64(env, r.breakpoint_hits));
  o.Set("resolves", U64(env, r.resolves));
  o.Set("attached", r.attached);
  o.Set("detached", r.detached);

  // The call tree, columnar.
  const std::vector<CallNode>& nodes = r.tree.nodes();
  size_t nn = nodes.size();
  Napi::Int32Array parent = Napi::Int32Array::New(env, nn);
  Napi::Int32Array image = Napi::Int32Array::New(env, nn);
  auto entry = Napi::TypedArrayOf<uint64_t>::New(env, nn);
  auto self = Napi::TypedArrayOf<uint64_t>::New(env, nn);
  auto calls = Napi::TypedArrayOf<uint64_t>::New(env, nn);
  for (size_t i = 0; i < nn; i++) {
    parent[i] = nodes[i].parent;
    image[i] = nodes[i].image;
    entry[i] = nodes[i].entry;
    self[i] = nodes[i].self;
    calls[i] = nodes[i].calls;
  }
  Napi::Object tree = Napi::Object::New(env);
  tree.Set("parent", parent);
  tree.Set("image", image);
  tree.Set("entry", entry);
  tree.Set("self", self);
  tree.Set("calls", calls);
  o.Set("tree", tree);
  return o;
}

Napi::Value Trace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object opts = info[0].As<Napi::Object>();
  TraceOptions to;
  to.spawn.file = opts.Get("file").As<Napi::String>().Utf8Value();
  to.spawn.argv = StringArray(opts.Get("argv"));
  to.spawn.env = StringArray(opts.Get("env"));
  to.spawn.cwd = opts.Get("cwd").As<Napi::String>().Utf8Value();
  to.spawn.stdin_path = opts.Get("stdin").As<Napi::String>().Utf8Value();
  to.spawn.disable_aslr = !opts.Get("aslr").As<Napi::Boolean>().Value();
  to.follow = opts.Get("follow").As<Napi::Boolean>().Value();
  to.pin = opts.Get("pin").As<Napi::Boolean>().Value();
  to.progress_ms = opts.Get("progressIntervalMs").As<Napi::Number>().Int32Value();
  to.region = opts.Get("region").As<Napi::Boolean>().Value();
  to.attach_pid = opts.Get("attachPid").As<Napi::Number>().Int32Value();
  to.duration_ms = static_cast<uint64_t>(opts.Get("durationMs").As<Napi::Number>().Int64Value());

  Napi::Function on_progress = info[1].IsFunction()
                                   ? info[1].As<Napi::Function>()
                                   : Napi::Function::New(env, [](const Napi::CallbackInfo&) {});

  auto* s = new Session(env);
  if (info.Length() > 2 && info[2].IsFunction()) {
    // resolve(pid, image, maps) -> number[] of [addr, kind, id] triples, called on the main
    // thread while the tracing thread waits (only at exec, attach and ld.so rendezvous).
    s->has_resolver = true;
    s->resolve_tsfn = Napi::ThreadSafeFunction::New(env, info[2].As<Napi::Function>(), "stepcount-resolve", 0, 1);
    to.resolve = [s](pid_t pid, int image, const std::string& maps, std::vector<BpSpec>* out) -> bool {
      struct Call {
        pid_t pid;
        int image;
        const std::string* maps;
        std::vector<BpSpec>* out;
        std::mutex mu;
        std::condition_variable cv;
        bool done = false, ok = false;
      } call{pid, image, &maps, out, {}, {}, false, false};
      napi_status st = s->resolve_tsfn.BlockingCall(&call, [](Napi::Env env, Napi::Function fn, Call* c) {
        bool ok = false;
        try {
          Napi::Value v = fn.Call({Napi::Number::New(env, c->pid), Napi::Number::New(env, c->image),
                                   Napi::String::New(env, *c->maps)});
          if (v.IsArray()) {
            Napi::Array a = v.As<Napi::Array>();
            for (uint32_t i = 0; i + 2 < a.Length(); i += 3) {
              BpSpec b;
              b.addr = static_cast<uint64_t>(a.Get(i).As<Napi::Number>().Int64Value());
              b.kind = a.Get(i + 1).As<Napi::Number>().Int32Value();
              b.id = a.Get(i + 2).As<Napi::Number>().Int32Value();
              c->out->push_back(b);
            }
            ok = true;
          }
        } catch (const Napi::Error&) {
          ok = false;
        }
        std::lock_guard<std::mutex> lock(c->mu);
        c->ok = ok;
        c->done = true;
        c->cv.notify_one();
      });
      if (st != napi_ok) return false;
      std::unique_lock<std::mutex> lock(call.mu);
      call.cv.wait(lock, [&] { return call.done; });
      return call.ok;
    };
  }
  s->tracer = std::make_unique<Tracer>(std::move(to));
  Napi::Promise promise = s->deferred.Promise();

  s->tsfn = Napi::ThreadSafeFunction::New(
      env, on_progress, "stepcount-trace", 2, 1, s,
      [](Napi::Env env, Session* s) {
        // Main thread, after the tracing thread released the function: hand the result over.
        s->thread.join();
        TraceResult& r = s->tracer->result();
        if (r.ok) {
          s->deferred.Resolve(BuildResult(env, r));
        } else {
          Napi::Error err = Napi::Error::New(env, r.message);
          err.Set("code", r.code);
          err.Set("errno", Napi::Number::New(env, -r.err));
          err.Set("syscall", r.syscall);
          s->deferred.Reject(err.Value());
        }
        delete s;
      });

  s->thread = std::thread([s]() {
    s->tracer->Run([s](const Progress& p) {
      auto* copy = new Progress(p);
      napi_status st = s->tsfn.NonBlockingCall(copy, [](Napi::Env env, Napi::Function fn, Progress* p) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("instructions", Napi::Number::New(env, static_cast<double>(p->steps)));
        o.Set("syscalls", Napi::Number::New(env, static_cast<double>(p->syscalls)));
        o.Set("processes", Napi::Number::New(env, p->alive));
        delete p;
        fn.Call({o});
      });
      if (st != napi_ok) delete copy;  // queue full: drop this report
    });
    if (s->has_resolver) s->resolve_tsfn.Release();
    s->tsfn.Release();
  });

  Tracer* tracer = s->tracer.get();
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("result", promise);
  // The session outlives every call of cancel() that can matter: the thread holds it until
  // the promise settles, and cancel() after that finds the trace finished.
  auto done = std::make_shared<bool>(false);
  promise.Get("then").As<Napi::Function>().Call(
      promise, {Napi::Function::New(env, [done](const Napi::CallbackInfo&) { *done = true; }),
                Napi::Function::New(env, [done](const Napi::CallbackInfo&) { *done = true; })});
  handle.Set("cancel", Napi::Function::New(env, [tracer, done](const Napi::CallbackInfo&) {
               if (!*done) tracer->Cancel();
             }));
  return handle;
}

// demangle(names: string[]): string[] -- Itanium C++ ABI names via the C++ runtime; names
// that are not mangled (or fail) come back unchanged.
Napi::Value Demangle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array in = info[0].As<Napi::Array>();
  Napi::Array out = Napi::Array::New(env, in.Length());
  for (uint32_t i = 0; i < in.Length(); i++) {
    std::string name = in.Get(i).As<Napi::String>().Utf8Value();
    int status = -1;
    char* d = name.compare(0, 2, "_Z") == 0 ? abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status) : nullptr;
    out.Set(i, status == 0 && d ? std::string(d) : name);
    free(d);
  }
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("trace", Napi::Function::New(env, Trace, "trace"));
  exports.Set("demangle", Napi::Function::New(env, Demangle, "demangle"));
  return exports;
}

}  // namespace

NODE_API_MODULE(stepcount, Init)
