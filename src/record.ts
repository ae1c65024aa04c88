// Programmatic recording: trace one command and build its profile. Used by `run` and by
// anything that runs commands (suites, repeated runs).
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CliError, EXIT } from './errors.js';
import { isNativeError, trace, type RawTrace, type TraceHandle, type TraceProgress } from './native.js';
import { buildProfile, type Profile } from './profile.js';
import { checkPendingSymbols, checkRegionSymbols, objectsOfProcess, objectsOfProgram, type PendingSymbol } from './region/check.js';
import { regionsProfile } from './region/profile.js';
import { BreakpointResolver } from './region/resolve.js';
import { isRegionSpecActive, type RegionSpec } from './region/spec.js';
import { resolveCommand } from './resolve-command.js';

export const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface RecordOptions {
  /** The command and its arguments; argv[0] is looked up in PATH like execvp does. */
  argv: string[];
  /** Working directory (default: process.cwd()). */
  cwd?: string;
  /** A file the command reads as standard input (default: stepcount's own stdin). */
  stdinFile?: string;
  /** Environment of the command (default: process.env). */
  env?: Record<string, string | undefined>;
  follow?: boolean;
  aslr?: boolean;
  pin?: boolean;
  onProgress?: (p: TraceProgress) => void;
  /** Aborting kills the traced tree; the profile is then marked incomplete. (Attached: it
   * detaches instead, and the profile stays complete.) */
  signal?: AbortSignal;
  /** Count only inside these regions (the program runs natively outside them). */
  regions?: RegionSpec;
  /** Attach to this running process instead of starting `argv` (which must then be empty). */
  attach?: { pid: number; durationMs?: number };
}

function nativeToCli(e: unknown, command: string, attachPid = 0): never {
  if (!isNativeError(e)) throw e;
  if (attachPid > 0 && e.syscall === 'ptrace') {
    if (e.code === 'ESRCH') throw new CliError(`cannot attach: no process ${attachPid}`, EXIT.usage);
    if (e.code === 'EPERM' || e.code === 'EACCES') {
      throw new CliError(
        `cannot attach to process ${attachPid} (EPERM): it belongs to another user, is already traced (by a debugger or ` +
          'another stepcount), or Yama forbids it; fix: run stepcount as the same user (or root), set ' +
          '/proc/sys/kernel/yama/ptrace_scope to 0, or in a container add SYS_PTRACE (docker run --cap-add=SYS_PTRACE)',
        EXIT.noPerm,
      );
    }
  }
  if (e.syscall === 'ptrace' && (e.code === 'EPERM' || e.code === 'EACCES')) {
    throw new CliError(
      'ptrace is not permitted here (EPERM): set /proc/sys/kernel/yama/ptrace_scope to 0 or 1, ' +
        'or in a container add the SYS_PTRACE capability (docker run --cap-add=SYS_PTRACE)',
      EXIT.noPerm,
    );
  }
  if (e.syscall === 'open') throw new CliError(`cannot read the stdin file: ${e.message}`, EXIT.noInput);
  if (e.syscall === 'execve' || e.syscall === 'chdir') {
    if (e.code === 'ENOENT') throw new CliError(`command not found: ${command} (${e.message})`, EXIT.notFound);
    throw new CliError(`not executable: ${command} (${e.message})`, EXIT.notExecutable);
  }
  throw new CliError(`${e.syscall} failed: ${e.message} (${e.code})`, EXIT.software);
}

/** Waits for a trace; aborting `signal` cancels it (the tree is killed, the result partial). */
async function settle(handle: TraceHandle, signal: AbortSignal | undefined, onError: (e: unknown) => never): Promise<RawTrace> {
  const onAbort = () => handle.cancel();
  signal?.addEventListener('abort', onAbort);
  try {
    return await handle.result;
  } catch (e) {
    return onError(e);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Traces a command to completion (or until `signal` aborts) and returns its profile. */
export async function recordProfile(opts: RecordOptions): Promise<Profile> {
  if (opts.attach) return recordAttached(opts, opts.attach.pid, opts.attach.durationMs ?? 0);
  if (opts.argv.length === 0) throw new CliError('no command given (usage: stepcount run [options] -- CMD [ARGS...])', EXIT.usage);
  const cwd = opts.cwd ?? process.cwd();
  const envObj = opts.env ?? process.env;
  const env = Object.entries(envObj)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  if (opts.stdinFile) {
    try {
      accessSync(path.resolve(cwd, opts.stdinFile), constants.R_OK);
    } catch {
      throw new CliError(`cannot read the stdin file ${opts.stdinFile} (check the path; it is relative to the command's working directory)`, EXIT.noInput);
    }
  }
  const file = resolveCommand(opts.argv[0]!, cwd, envObj.PATH);
  const follow = opts.follow ?? true;
  const startTime = new Date();
  const region = isRegionSpecActive(opts.regions);
  let resolver: BreakpointResolver | undefined;
  let pending: PendingSymbol[] = [];
  if (region) {
    const objects = objectsOfProgram(file);
    // A dynamic program may dlopen the library that defines a --function: check those at the end.
    pending = checkRegionSymbols(opts.regions!, objects, `${file} or the libraries it links`, objects.length > 1);
    resolver = new BreakpointResolver(opts.regions!);
  }
  const handle = trace(
    { file, argv: opts.argv, env, cwd: opts.cwd ?? '', stdin: opts.stdinFile ? path.resolve(cwd, opts.stdinFile) : '', aslr: Boolean(opts.aslr), follow, pin: opts.pin ?? true, progressIntervalMs: 200,
      region, attachPid: 0, durationMs: 0 },
    opts.onProgress,
    resolver?.resolve,
  );
  const raw = await settle(handle, opts.signal, (e) => nativeToCli(e, opts.argv[0]!));
  const profile = buildProfile(raw, { version: VERSION, command: file, argv: opts.argv, cwd, env, startTime, follow });
  if (resolver) addRegions(profile, raw, resolver);
  if (!opts.signal?.aborted) checkPendingSymbols(pending, resolver?.regions ?? []);
  if (opts.signal?.aborted) {
    profile.complete = false;
    profile.exit.status = null;
  }
  return profile;
}

function addRegions(profile: Profile, raw: RawTrace, resolver: BreakpointResolver): void {
  profile.regions = regionsProfile(raw, resolver);
  if (resolver.error) profile.warnings.push(`breakpoint resolution failed: ${resolver.error.message}`);
}

/** Attaches to a running process (every thread), steps it until `signal` aborts, the
 * duration elapses or it exits, then detaches: it carries on where it was. */
async function recordAttached(opts: RecordOptions, pid: number, durationMs: number): Promise<Profile> {
  if (!Number.isInteger(pid) || pid <= 0) throw new CliError(`invalid pid '${pid}'`, EXIT.usage);
  let maps = '';
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`cannot attach: no process ${pid}`, EXIT.usage);
    // EACCES: another user's process; the attach itself reports it with the fix.
  }
  const region = isRegionSpecActive(opts.regions);
  let resolver: BreakpointResolver | undefined;
  if (region) {
    checkRegionSymbols(opts.regions!, objectsOfProcess(pid, maps), `process ${pid}`);
    resolver = new BreakpointResolver(opts.regions!);
  }
  const follow = opts.follow ?? true;
  const startTime = new Date();
  const handle = trace(
    { file: '', argv: [], env: [], cwd: '', stdin: '', aslr: true, follow, pin: false, progressIntervalMs: 200, region, attachPid: pid, durationMs },
    opts.onProgress,
    resolver?.resolve,
  );
  const raw = await settle(handle, opts.signal, (e) => nativeToCli(e, String(pid), pid));
  const img = raw.images[0];
  const argv = img?.argv.length ? img.argv : [String(pid)];
  const profile = buildProfile(raw, {
    version: VERSION, command: img?.exe ?? '', argv, cwd: '', env: [], startTime, follow,
  });
  if (resolver) addRegions(profile, raw, resolver);
  profile.attached = { pid, durationMs: profile.wallTimeMs, detached: raw.detached };
  // Detached: the process goes on; its exit status is not ours to report.
  if (raw.detached) profile.exit.status = 0;
  return profile;
}
