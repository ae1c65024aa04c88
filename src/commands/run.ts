// `stepcount run [options] -- CMD [ARGS...]`: trace a command, print the report on stderr,
// optionally save the profile, and exit with the command's own exit status.
import { ensureAttribution } from '../attribution/ensure.js';
import { buildEnv } from '../ci/env.js';
import { finishRuns, type RunCiOptions } from '../ci/run-options.js';
import { runRepeated, type RunStats } from '../ci/runs.js';
import { useColor } from '../color.js';
import { EXIT } from '../errors.js';
import { writeAtomic } from '../output-file.js';
import { checkOutputs, writeOutputs } from '../outputs.js';
import type { Profile } from '../profile.js';
import { commandLine } from '../format.js';
import { ProgressLine } from '../progress-line.js';
import { regionRecordOptions } from '../region/cli-options.js';
import { renderReport } from '../report/index.js';
import { Interrupts } from '../interrupts.js';
import { sectionsFor, wantsLines, type DisplayOptions } from './report-options.js';

export interface RunOptions extends DisplayOptions, RunCiOptions {
  output?: string;
  quiet?: boolean;
  pin: boolean;
  aslr?: boolean;
  follow: boolean;
}

/** Traces the command; resolves with the profile and the status stepcount should exit with. */
export async function runCommand(argv: string[], opts: RunOptions): Promise<{ profile: Profile; status: number }> {
  checkOutputs(opts);
  // The live line goes on stderr when it is a terminal, but not when stdout is one too: the
  // command's own output would interleave with it and redrawing would overwrite that output.
  const line = !opts.quiet && process.stderr.isTTY && !process.stdout.isTTY ? new ProgressLine(process.stderr) : undefined;
  const interrupts = new Interrupts();
  let profile: Profile;
  let stats: RunStats;
  try {
    const repeated = await runRepeated(
      {
        argv,
        env: buildEnv(opts),
        follow: opts.follow,
        aslr: opts.aslr,
        pin: opts.pin,
        onProgress: line && ((p) => line.update(p)),
        signal: interrupts.signal,
        ...regionRecordOptions(opts),
      },
      opts.runs ?? 1,
    );
    profile = repeated.profile;
    stats = repeated.stats;
    await ensureAttribution(profile, { lines: wantsLines(opts) });
  } finally {
    interrupts.dispose();
    line?.clear();
  }
  if (opts.output) writeAtomic(opts.output, JSON.stringify(profile) + '\n');
  await writeOutputs(profile, profile.attribution!, opts);
  if (!opts.quiet) {
    process.stderr.write(renderReport(profile, { color: useColor(process.stderr, opts.color), sections: sectionsFor(opts), top: opts.top }));
  } else {
    for (const w of profile.warnings) process.stderr.write(`stepcount: warning: ${w}\n`);
  }
  if (!interrupts.received) finishRuns(stats, opts, commandLine(argv));
  const status = interrupts.status ?? profile.exit.status ?? EXIT.software;
  return { profile, status };
}
