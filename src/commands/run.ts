// `stepcount run [options] -- CMD [ARGS...]`: trace a command, print the report on stderr,
// optionally save the profile, and exit with the command's own exit status.
import { useColor } from '../color.js';
import { EXIT } from '../errors.js';
import { checkWritable, writeAtomic } from '../output-file.js';
import type { Profile } from '../profile.js';
import { ProgressLine } from '../progress-line.js';
import { recordProfile } from '../record.js';
import { renderSummary } from '../report/summary.js';

export interface RunOptions {
  output?: string;
  quiet?: boolean;
  pin: boolean;
  aslr?: boolean;
  follow: boolean;
  color?: boolean;
}

const SIGNAL_STATUS: Record<string, number> = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm, SIGHUP: 129 };

/** Traces the command; resolves with the profile and the status stepcount should exit with. */
export async function runCommand(argv: string[], opts: RunOptions): Promise<{ profile: Profile; status: number }> {
  if (opts.output) checkWritable(opts.output);
  const line = !opts.quiet && process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  const abort = new AbortController();
  let interrupted: string | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
    abort.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  let profile: Profile;
  try {
    profile = await recordProfile({
      argv,
      follow: opts.follow,
      aslr: opts.aslr,
      pin: opts.pin,
      onProgress: line && ((p) => line.update(p)),
      signal: abort.signal,
    });
  } finally {
    for (const s of signals) process.off(s, onSignal);
    line?.clear();
  }
  if (opts.output) writeAtomic(opts.output, JSON.stringify(profile) + '\n');
  if (!opts.quiet) process.stderr.write(renderSummary(profile, { color: useColor(process.stderr, opts.color) }));
  else for (const w of profile.warnings) process.stderr.write(`stepcount: warning: ${w}\n`);

  const status = interrupted ? SIGNAL_STATUS[interrupted]! : (profile.exit.status ?? EXIT.software);
  return { profile, status };
}
