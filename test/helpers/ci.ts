// Helpers for the CI tests (compare, bench, merge): hand-made profiles and results files built
// from a real saved profile, and a test-only CLI with just the CI commands registered.
import { Command, CommanderError } from 'commander';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FunctionCount } from '../../src/attribution-types.js';
import { makeResults, serializeResults, type BenchResult, type ResultsFile } from '../../src/ci/results.js';
import { register as registerBench } from '../../src/commands/bench.js';
import { register as registerCompare } from '../../src/commands/compare.js';
import { register as registerMerge } from '../../src/commands/merge.js';
import { CliError } from '../../src/errors.js';
import { loadProfile } from '../../src/load-profile.js';
import type { Profile } from '../../src/profile.js';
import { projectRoot } from './fixtures.js';

/** A real profile (fork+exec demo, with its attribution), loaded fresh each time. */
export function realProfile(): Profile {
  return loadProfile(path.join(projectRoot, 'test', 'golden', 'forkexec.profile.json'));
}

/** A copy of the real profile with `total` instructions and (optionally) per-function self counts. */
export function handMade(total: number, functions?: Record<string, number>, edit?: (p: Profile) => void): Profile {
  const p = realProfile();
  p.totals.instructions = total;
  delete p.attribution; // only the function counts given here, if any
  if (functions) {
    const list: FunctionCount[] = Object.entries(functions).map(([name, self]) => ({ name, object: 'forkexec', self, inclusive: self, calls: 1 }));
    (p as { attribution?: unknown }).attribution = { functions: list.sort((a, b) => b.self - a.self) };
  }
  edit?.(p);
  return p;
}

export function results(entries: [string, Profile][]): ResultsFile {
  const list: BenchResult[] = entries.map(([name, profile]) => ({ name, runs: [profile.totals.instructions], profile }));
  return makeResults(list);
}

export function writeJson(dir: string, name: string, data: ResultsFile | Profile): string {
  const file = path.join(dir, name);
  writeFileSync(file, 'format' in data ? serializeResults(data) : JSON.stringify(data));
  return file;
}

export interface CliOutcome {
  status: number;
  message: string;
}

/** Runs `stepcount ARGS` with only the CI commands, in-process: the status main() would exit with. */
export async function ciCli(args: string[]): Promise<CliOutcome> {
  const program = new Command('stepcount').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  registerCompare(program);
  registerBench(program);
  registerMerge(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { status: 0, message: '' };
  } catch (e) {
    if (e instanceof CliError) return { status: e.status, message: e.message };
    if (e instanceof CommanderError) return { status: e.code === 'commander.helpDisplayed' ? 0 : 64, message: e.message };
    throw e;
  }
}
