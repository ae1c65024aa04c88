// Programmatic recording: trace one command and build its profile. Used by `run` and by
// anything that runs commands (suites, repeated runs).
import { createRequire } from 'node:module';
import { CliError, EXIT } from './errors.js';
import { isNativeError, trace, type TraceProgress, type RawTrace } from './native.js';
import { buildProfile, type Profile } from './profile.js';
import { resolveCommand } from './resolve-command.js';

export const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface RecordOptions {
  /** The command and its arguments; argv[0] is looked up in PATH like execvp does. */
  argv: string[];
  /** Working directory (default: process.cwd()). */
  cwd?: string;
  /** Environment of the command (default: process.env). */
  env?: Record<string, string | undefined>;
  follow?: boolean;
  aslr?: boolean;
  pin?: boolean;
  onProgress?: (p: TraceProgress) => void;
  /** Aborting kills the traced tree; the profile is then marked incomplete. */
  signal?: AbortSignal;
}

function nativeToCli(e: unknown, command: string): never {
  if (!isNativeError(e)) throw e;
  if (e.syscall === 'ptrace' && (e.code === 'EPERM' || e.code === 'EACCES')) {
    throw new CliError(
      'ptrace is not permitted here (EPERM): set /proc/sys/kernel/yama/ptrace_scope to 0 or 1, ' +
        'or in a container add the SYS_PTRACE capability (docker run --cap-add=SYS_PTRACE)',
      EXIT.noPerm,
    );
  }
  if (e.syscall === 'execve' || e.syscall === 'chdir') {
    if (e.code === 'ENOENT') throw new CliError(`command not found: ${command} (${e.message})`, EXIT.notFound);
    throw new CliError(`not executable: ${command} (${e.message})`, EXIT.notExecutable);
  }
  throw new CliError(`${e.syscall} failed: ${e.message} (${e.code})`, EXIT.software);
}

/** Traces a command to completion (or until `signal` aborts) and returns its profile. */
export async function recordProfile(opts: RecordOptions): Promise<Profile> {
  if (opts.argv.length === 0) throw new CliError('no command given (usage: stepcount run [options] -- CMD [ARGS...])', EXIT.usage);
  const cwd = opts.cwd ?? process.cwd();
  const envObj = opts.env ?? process.env;
  const env = Object.entries(envObj)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  const file = resolveCommand(opts.argv[0]!, cwd, envObj.PATH);
  const follow = opts.follow ?? true;
  const startTime = new Date();
  const handle = trace(
    { file, argv: opts.argv, env, cwd: opts.cwd ?? '', aslr: Boolean(opts.aslr), follow, pin: opts.pin ?? true, progressIntervalMs: 200 },
    opts.onProgress,
  );
  const onAbort = () => handle.cancel();
  opts.signal?.addEventListener('abort', onAbort);
  let raw: RawTrace;
  try {
    raw = await handle.result;
  } catch (e) {
    nativeToCli(e, opts.argv[0]!);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const profile = buildProfile(raw, { version: VERSION, command: file, argv: opts.argv, cwd, env, startTime, follow, aslrRequested: Boolean(opts.aslr) });
  if (opts.signal?.aborted) {
    profile.complete = false;
    profile.exit.status = null;
  }
  return profile;
}
