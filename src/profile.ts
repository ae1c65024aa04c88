// The profile: what `stepcount run` records, as saved by `-o FILE` (schema 1, documented in
// the README). Every report is a pure function of a Profile.
import { createHash } from 'node:crypto';
import os from 'node:os';
import { NO_RETURN, SYSCALL_STRIDE, type RawTrace } from './native.js';

export const SCHEMA_VERSION = 1;

export interface ExitInfo {
  /** Exit code if the process exited normally, else null. */
  code: number | null;
  /** Signal number if it was killed by a signal, else null. */
  signal: number | null;
  coreDumped: boolean;
}

export interface ThreadProfile {
  tid: number;
  instructions: number;
  syscalls: number;
  /** Call-tree root nodes of the thread (one per program it ran). */
  roots: number[];
}

/** The exact call tree, columnar. Node i: entered at address entry[i] of image image[i], from
 * node parent[i] (-1: a thread root, entry 0); self[i] instructions ran with it on top of the
 * stack; it was entered calls[i] times. */
export interface CallTreeProfile {
  parent: number[];
  image: number[];
  entry: number[];
  self: number[];
  calls: number[];
}

export interface ProcessProfile {
  pid: number;
  ppid: number;
  /** Command line of the program the process ran last (after its last exec). */
  argv: string[];
  exe: string;
  instructions: number;
  syscalls: number;
  /** Signals delivered to the process (each passed on unchanged). */
  signals: number;
  /** null while the process had not exited (incomplete profile). */
  exit: ExitInfo | null;
  /** Images (exec'd programs) of this process, in order. */
  images: number[];
  threads: ThreadProfile[];
}

export interface ImageProfile {
  id: number;
  pid: number;
  exe: string;
  argv: string[];
  /** true: started by execve; false: a forked copy of image `parent`. */
  fromExec: boolean;
  parent: number | null;
  instructions: number;
  /** /proc/PID/maps when the image started and just before it ended (for symbolization). */
  maps: { start: string; exit: string };
  /** The [vdso] has no file: its bytes are saved from the tracee (base64). */
  vdso: { base: string; bytes: string } | null;
  /** Distinct instruction addresses (ascending) and how often each executed. */
  pcs: number[];
  counts: number[];
}

/** Field order of each entry of `syscalls.records`. */
export const SYSCALL_RECORD_FIELDS = ['tid', 'nr', 'ret', 'threadIndex', 'globalIndex', 'args'] as const;
/** [tid, nr, ret (null: never returned), threadIndex, globalIndex, [6 args as hex]] */
export type SyscallRecord = [number, number, number | null, number, number, string[]];

export interface Profile {
  schema: number;
  tool: { name: 'stepcount'; version: string };
  /** false when the trace was interrupted: counts cover only what ran until then. */
  complete: boolean;
  /** Resolved path of the executable, and argv as given. */
  command: string;
  argv: string[];
  cwd: string;
  env: { count: number; sha256: string };
  startTime: string;
  /** Wall time of the traced part, in milliseconds. */
  wallTimeMs: number;
  host: { kernel: string; cpu: string; arch: string };
  /** true when ASLR was on during the trace (--aslr, or it could not be disabled). */
  aslr: boolean;
  options: { follow: boolean; pinnedCpu: number | null };
  warnings: string[];
  totals: {
    instructions: number;
    syscalls: number;
    processes: number;
    threads: number;
    stepsPerSecond: number;
  };
  /** How the root process ended; `status` is what `stepcount run` exits with. */
  exit: ExitInfo & { status: number | null };
  processes: ProcessProfile[];
  images: ImageProfile[];
  syscalls: { fields: typeof SYSCALL_RECORD_FIELDS; records: SyscallRecord[] };
  /** Files opened for writing (or created, renamed onto, linked, truncated): index into
   * syscalls.records, and the absolute path as resolved when the call was made. */
  files: { syscall: number; path: string }[];
  callTree: CallTreeProfile;
  /** Symbolized view, computed when the profile was recorded (see attribution-types.ts). */
  attribution?: import('./attribution-types.js').Attribution;
  /** Region mode (--function, --start-at/--stop-at, --markers): only these regions were
   * single-stepped; every count above (totals, per address, call tree, syscalls) is restricted
   * to them. Absent for a full trace. */
  regions?: RegionsProfile;
  /** Attach mode (run -p / attach): the process was already running. */
  attached?: { pid: number; durationMs: number; detached: boolean };
}

/** One region: a function (per call, outermost call only under recursion), the start/stop
 * span, or a marked region (stepcount_start(name) .. stepcount_stop()). */
export interface RegionProfile {
  kind: 'function' | 'span' | 'marker';
  name: string;
  /** Object holding the function ('' for span and markers). */
  object: string;
  calls: number;
  total: number;
  min: number;
  max: number;
  /** Recursive entries (inside an open call of the same function; counted in that call). */
  recursive: number;
}

export interface RegionsProfile {
  spec: { functions: string[]; startAt: string | null; stopAt: string | null; markers: boolean };
  /** Breakpoint hits (region entries, rendezvous) and symbol resolutions (exec, dlopen). */
  breakpointHits: number;
  resolves: number;
  list: RegionProfile[];
}

export interface RunMeta {
  version: string;
  command: string;
  argv: string[];
  cwd: string;
  env: string[];
  startTime: Date;
  follow: boolean;
}

export function envHash(env: string[]): string {
  const h = createHash('sha256');
  for (const e of env) h.update(e).update('\0');
  return h.digest('hex');
}

/** Exit status as a shell reports it: code, or 128 + signal. */
export function shellStatus(e: ExitInfo | null): number | null {
  if (!e) return null;
  if (e.signal !== null) return 128 + e.signal;
  return e.code;
}

const hex = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16);

export function buildProfile(raw: RawTrace, meta: RunMeta): Profile {
  const n = Number;
  const records: SyscallRecord[] = [];
  const s = raw.syscalls;
  for (let i = 0; i < s.length; i += SYSCALL_STRIDE) {
    const tid = n(s[i]);
    const args = [2, 3, 4, 5, 6, 7].map((k) => hex(s[i + k]));
    records.push([tid, n(s[i + 1]), s[i + 8] === NO_RETURN ? null : n(s[i + 8]), n(s[i + 9]), n(s[i + 10]), args]);
  }

  const images: ImageProfile[] = raw.images.map((img) => {
    const order = Array.from(img.pcs.keys()).sort((a, b) => (img.pcs[a] < img.pcs[b] ? -1 : 1));
    return {
      id: img.id,
      pid: img.pid,
      exe: img.exe,
      argv: img.argv,
      fromExec: img.fromExec,
      parent: img.parentImage >= 0 ? img.parentImage : null,
      instructions: n(img.instructions),
      maps: { start: img.mapsAtStart, exit: img.mapsAtExit },
      vdso: img.vdso.length ? { base: hex(img.vdsoBase), bytes: img.vdso.toString('base64') } : null,
      pcs: order.map((k) => n(img.pcs[k])),
      counts: order.map((k) => n(img.counts[k])),
    };
  });

  const processes: ProcessProfile[] = raw.processes.map((p) => {
    const threads = raw.threads
      .filter((t) => t.pid === p.pid)
      .map((t) => ({ tid: t.tid, instructions: n(t.instructions), syscalls: n(t.syscalls), roots: Array.from(t.roots) }));
    const mine = images.filter((i) => i.pid === p.pid);
    const last = p.image >= 0 ? images[p.image] : undefined;
    return {
      pid: p.pid,
      ppid: p.ppid,
      argv: last?.argv ?? meta.argv,
      exe: last?.exe ?? meta.command,
      instructions: threads.reduce((a, t) => a + t.instructions, 0),
      syscalls: threads.reduce((a, t) => a + t.syscalls, 0),
      signals: p.signals,
      exit: p.exited
        ? { code: p.exitSignal ? null : p.exitCode, signal: p.exitSignal || null, coreDumped: p.coreDumped }
        : null,
      images: mine.map((i) => i.id),
      threads,
    };
  });

  const root = processes.find((p) => p.pid === raw.rootPid);
  const rootExit: ExitInfo = root?.exit ?? { code: null, signal: null, coreDumped: false };
  const wallTimeMs = Number(raw.elapsedNs) / 1e6;
  const instructions = n(raw.instructions);
  return {
    schema: SCHEMA_VERSION,
    tool: { name: 'stepcount', version: meta.version },
    complete: raw.complete,
    command: meta.command,
    argv: meta.argv,
    cwd: meta.cwd,
    env: { count: meta.env.length, sha256: envHash(meta.env) },
    startTime: meta.startTime.toISOString(),
    wallTimeMs: Math.round(wallTimeMs * 1000) / 1000,
    host: { kernel: os.release(), cpu: os.cpus()[0]?.model ?? 'unknown', arch: os.arch() },
    aslr: !raw.aslrDisabled,
    options: { follow: meta.follow, pinnedCpu: raw.pinnedCpu >= 0 ? raw.pinnedCpu : null },
    warnings: raw.warnings,
    totals: {
      instructions,
      syscalls: records.length,
      processes: processes.length,
      threads: raw.threads.length,
      stepsPerSecond: wallTimeMs > 0 ? Math.round(instructions / (wallTimeMs / 1000)) : 0,
    },
    exit: { ...rootExit, status: raw.complete ? shellStatus(rootExit) : null },
    processes,
    images,
    syscalls: { fields: SYSCALL_RECORD_FIELDS, records },
    files: raw.files,
    callTree: {
      parent: Array.from(raw.tree.parent),
      image: Array.from(raw.tree.image),
      entry: Array.from(raw.tree.entry, n),
      self: Array.from(raw.tree.self, n),
      calls: Array.from(raw.tree.calls, n),
    },
  };
}
