// `stepcount run [options] -- CMD [ARGS...]`: trace a command, print the report on stderr,
// optionally save the profile, and exit with the command's own exit status.
import { createRequire } from 'node:module';
import { useColor } from '../color.js';
import { CliError, EXIT } from '../errors.js';
import { isNativeError, trace, type RawTrace } from '../native.js';
import { checkWritable, writeAtomic } from '../output-file.js';
import { buildProfile, type Profile } from '../profile.js';
import { ProgressLine } from '../progress-line.js';
import { renderSummary } from '../report/summary.js';
import { resolveCommand } from '../resolve-command.js';

export interface RunOptions {
  output?: string;
  quiet?: boolean;
  pin: boolean;
  aslr?: boolean;
  follow: boolean;
  color?: boolean;
}

const version = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

const SIGNAL_STATUS: Record<string, number> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm, SIGHUP: 129 };

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

/** Traces the command; resolves with the profile and the status stepcount should exit with. */
export async function runCommand(argv: string[], opts: RunOptions): Promise<{ profile: Profile; status: number }> {
  if (argv.length === 0) throw new CliError('no command given (usage: stepcount run [options] -- CMD [ARGS...])', EXIT.usage);
  if (opts.output) checkWritable(opts.output);
  const cwd = process.cwd();
  const file = resolveCommand(argv[0]!, cwd, process.env.PATH);
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const startTime = new Date();

  const showProgress = !opts.quiet && Boolean(process.stderr.isTTY);
  const line = showProgress ? new ProgressLine(process.stderr) : undefined;
  const handle = trace(
    { file, argv, env, cwd: '', aslr: Boolean(opts.aslr), follow: opts.follow, pin: opts.pin, progressIntervalMs: 200 },
    line ? (p) => line.update(p) : undefined,
  );
  let interrupted: string | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
    handle.cancel();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  let raw: RawTrace;
  try {
    raw = await handle.result;
  } catch (e) {
    nativeToCli(e, argv[0]!);
  } finally {
    for (const s of signals) process.off(s, onSignal);
    line?.clear();
  }

  const profile = buildProfile(raw, {
    version,
    command: file,
    argv,
    cwd,
    env,
    startTime,
    follow: opts.follow,
    aslrRequested: Boolean(opts.aslr),
  });
  if (interrupted) profile.complete = false;
  if (opts.output) writeAtomic(opts.output, JSON.stringify(profile) + '\n');
  if (!opts.quiet) process.stderr.write(renderSummary(profile, { color: useColor(process.stderr, opts.color) }));
  else for (const w of profile.warnings) process.stderr.write(`stepcount: warning: ${w}\n`);

  const status = interrupted ? SIGNAL_STATUS[interrupted]! : (profile.exit.status ?? EXIT.software);
  return { profile, status };
}
