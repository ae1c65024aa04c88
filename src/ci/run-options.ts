// The CI options of `stepcount run` (--runs, --require-stable, --env-clear, --env), kept here
// so that src/cli.ts and src/commands/run.ts wire them in with a few lines.
import { InvalidArgumentError, type Command } from 'commander';
import { collectEnvOption, type EnvOptions } from './env.js';
import { checkStable, describeRuns, type RunStats } from './runs.js';

export interface RunCiOptions extends EnvOptions {
  runs?: number;
  requireStable?: boolean;
}

export function parseRuns(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of runs (1 or more), got "${value}"`);
  }
  return n;
}

/** Adds --runs, --require-stable, --env-clear and --env to a command (`run` or `bench`). */
export function addRunOptions(cmd: Command, envHelp = true): Command {
  cmd
    .option('--runs <n>', 'trace the command N times; report min/median/max and whether all runs counted the same', parseRuns)
    .option('--require-stable', 'with --runs: fail (status 3) unless every run counted exactly the same');
  if (envHelp) {
    cmd
      .option('--env-clear', 'run the command with an empty environment (add variables with --env)')
      .option('--env <NAME=VALUE>', 'set a variable for the command; NAME alone copies it from this environment (repeatable)', collectEnvOption);
  }
  return cmd;
}

/**
 * After a repeated run: the runs line on stderr (unless quiet or a single run), then the
 * --require-stable check (throws CliError with CI_EXIT.unstable).
 */
export function finishRuns(stats: RunStats, opts: RunCiOptions & { quiet?: boolean }, what: string): void {
  if (stats.counts.length > 1 && !opts.quiet) process.stderr.write(`  ${describeRuns(stats)}\n`);
  if (opts.requireStable) checkStable(stats, what);
}
