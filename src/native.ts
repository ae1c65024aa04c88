// The whole native binding, typed. The addon (addon/binding.cc) trusts these types: every
// option is validated here before it crosses into C++.
import { createRequire } from 'node:module';
import { projectRoot } from './paths.js';

export interface TraceOptions {
  /** Absolute path of the executable (PATH lookup is done by the caller). */
  file: string;
  /** argv[0..] as the program will see it. */
  argv: string[];
  /** Environment as "KEY=VALUE" strings. */
  env: string[];
  /** Working directory of the command; '' inherits stepcount's. */
  cwd: string;
  /** File the command reads as standard input; '' inherits stepcount's. */
  stdin: string;
  /** Keep ASLR on (default off: reproducible addresses and counts). */
  aslr: boolean;
  /** Trace child processes (threads are always traced). */
  follow: boolean;
  /** Pin the tracing thread and the command to one CPU. */
  pin: boolean;
  /** Interval between progress callbacks, in milliseconds. */
  progressIntervalMs: number;
  /** Region mode: run natively, single-step only inside regions (breakpoints from `resolve`). */
  region: boolean;
  /** > 0: attach to this running process instead of starting `file` (then file/argv are unused). */
  attachPid: number;
  /** Attach mode: detach after this many milliseconds (0: at cancel() or when it exits). */
  durationMs: number;
}

/** Breakpoint kinds of the region mode (addon/tracer.h BpKind). */
export const BP = { rendezvous: 0, function: 1, startAt: 2, stopAt: 3, markStart: 4, markStop: 5 } as const;

/**
 * Region mode: called on the main thread (the tracing thread waits) at exec, at attach and at
 * every ld.so rendezvous (after dlopen/dlclose), with the process's /proc/PID/maps. Returns
 * every breakpoint the process should have now, as flat [address, BP kind, region id] triples.
 * Must not throw (a throw counts as "no breakpoints").
 */
export type ResolveBreakpoints = (pid: number, image: number, maps: string) => number[];

/** Per-region totals (region mode), per (kind, id). */
export interface RawRegion {
  kind: number;
  /** Region id given by the resolver; for markers, an index into markerNames. */
  id: number;
  calls: bigint;
  total: bigint;
  min: bigint;
  max: bigint;
  /** Entries while the same region was already open on the thread (recursion). */
  recursive: bigint;
}

export interface TraceProgress {
  instructions: number;
  syscalls: number;
  processes: number;
}

/** One program image: a process from exec (or fork) to exit or its next exec. */
export interface RawImage {
  id: number;
  pid: number;
  parentImage: number;
  fromExec: boolean;
  exe: string;
  argv: string[];
  mapsAtStart: string;
  mapsAtExit: string;
  vdso: Buffer;
  vdsoBase: bigint;
  instructions: bigint;
  /** Distinct instruction addresses executed, and how many times each (same order). */
  pcs: BigUint64Array;
  counts: BigUint64Array;
}

export interface RawProcess {
  pid: number;
  ppid: number;
  image: number;
  exited: boolean;
  exitCode: number;
  exitSignal: number;
  coreDumped: boolean;
  signals: number;
}

export interface RawThread {
  tid: number;
  pid: number;
  instructions: bigint;
  syscalls: bigint;
  /** Call-tree root nodes of this thread (one per program it ran). */
  roots: Int32Array;
}

/** The exact call tree, columnar: node i was entered at entry[i] (in image[i]) from parent[i]. */
export interface RawCallTree {
  parent: Int32Array;
  image: Int32Array;
  entry: BigUint64Array;
  self: BigUint64Array;
  calls: BigUint64Array;
}

/** Fields of one syscall record in RawTrace.syscalls (SYSCALL_STRIDE int64 each). */
export const SYSCALL_FIELDS = ['tid', 'nr', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'ret', 'threadIndex', 'globalIndex'] as const;
export const SYSCALL_STRIDE = SYSCALL_FIELDS.length;
/** `ret` of a syscall that never returned (exit, exit_group, killed inside a syscall). */
export const NO_RETURN = -(2n ** 63n);

export interface RawTrace {
  complete: boolean;
  aslrDisabled: boolean;
  pinnedCpu: number;
  warnings: string[];
  rootPid: number;
  instructions: bigint;
  elapsedNs: bigint;
  images: RawImage[];
  processes: RawProcess[];
  threads: RawThread[];
  syscalls: BigInt64Array;
  /** Files opened for writing: index of the syscall record and the absolute path. */
  files: { syscall: number; path: string }[];
  tree: RawCallTree;
  regions: RawRegion[];
  markerNames: string[];
  breakpointHits: bigint;
  resolves: bigint;
  attached: boolean;
  /** Attach mode: detached while the process was still alive. */
  detached: boolean;
}

export interface TraceHandle {
  result: Promise<RawTrace>;
  /** Kills the traced tree; `result` then resolves with complete: false. */
  cancel(): void;
}

/** Errors from the engine carry the failing syscall, like Node's own system errors. */
export interface NativeError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

interface Binding {
  trace(options: TraceOptions, onProgress?: (p: TraceProgress) => void, resolve?: ResolveBreakpoints): TraceHandle;
  demangle(names: string[]): string[];
}

const require = createRequire(import.meta.url);
let binding: Binding | undefined;

function load(): Binding {
  binding ??= (require('node-gyp-build') as (dir: string) => Binding)(projectRoot);
  return binding;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new TypeError(`trace options: ${what}`);
}

export function validateTraceOptions(o: TraceOptions): void {
  const isStr = (v: unknown): v is string => typeof v === 'string' && !v.includes('\0');
  check(typeof o.region === 'boolean', 'region must be a boolean');
  check(Number.isInteger(o.attachPid) && o.attachPid >= 0 && o.attachPid < 2 ** 31, 'attachPid must be a pid or 0');
  check(Number.isInteger(o.durationMs) && o.durationMs >= 0 && o.durationMs < 2 ** 53, 'durationMs must be a whole number of milliseconds');
  const attach = o.attachPid > 0;
  check(isStr(o.file) && (attach || o.file.startsWith('/')), 'file must be an absolute path');
  check(Array.isArray(o.argv) && (attach || o.argv.length > 0) && o.argv.every(isStr), 'argv must be a non-empty array of strings');
  check(Array.isArray(o.env) && o.env.every((e) => isStr(e) && e.includes('=')), 'env must be KEY=VALUE strings');
  check(isStr(o.cwd), 'cwd must be a string');
  check(isStr(o.stdin), 'stdin must be a string');
  for (const k of ['aslr', 'follow', 'pin'] as const) check(typeof o[k] === 'boolean', `${k} must be a boolean`);
  check(Number.isInteger(o.progressIntervalMs) && o.progressIntervalMs >= 10 && o.progressIntervalMs <= 60_000,
    'progressIntervalMs must be an integer from 10 to 60000');
}

export function trace(options: TraceOptions, onProgress?: (p: TraceProgress) => void, resolve?: ResolveBreakpoints): TraceHandle {
  validateTraceOptions(options);
  if (options.region && typeof resolve !== 'function') throw new TypeError('trace options: region mode needs a resolve function');
  return load().trace(options, onProgress, resolve);
}

export function isNativeError(e: unknown): e is NativeError {
  return e instanceof Error && typeof (e as NativeError).code === 'string' && typeof (e as NativeError).syscall === 'string';
}

/** Demangles Itanium C++ ABI names (`_Z...`); other names come back unchanged. */
export function demangleCxx(names: string[]): string[] {
  if (!names.every((n) => typeof n === 'string')) throw new TypeError('demangle: names must be strings');
  return load().demangle(names);
}
