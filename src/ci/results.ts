// The results file of `stepcount bench` (and `merge`): every benchmark's profile, with a
// summary first so that people and tools can read the numbers without the profiles.
import { CliError, EXIT } from '../errors.js';
import { loadProfile, readJsonFile } from '../load-profile.js';
import { commandLine } from '../format.js';
import { SCHEMA_VERSION, type Profile } from '../profile.js';
import { VERSION } from '../record.js';
import { runStats, type RunStats } from './runs.js';

export const RESULTS_FORMAT = 'stepcount-results';
export const RESULTS_SCHEMA = 1;

export interface BenchResult {
  name: string;
  /** Instruction count of every run, in run order (one entry without --runs). */
  runs: number[];
  /** The median run's profile. */
  profile: Profile;
}

export interface SummaryRow {
  name: string;
  instructions: number;
  runs: number;
  min: number;
  median: number;
  max: number;
  stable: boolean;
  exitStatus: number | null;
}

export interface ResultsFile {
  format: typeof RESULTS_FORMAT;
  schema: number;
  tool: { name: 'stepcount'; version: string };
  createdAt: string;
  summary: SummaryRow[];
  benchmarks: BenchResult[];
}

export function summaryRow(b: BenchResult): SummaryRow {
  const s: RunStats = runStats(b.runs);
  return {
    name: b.name,
    instructions: b.profile.totals.instructions,
    runs: s.counts.length,
    min: s.min,
    median: s.median,
    max: s.max,
    stable: s.stable,
    exitStatus: b.profile.exit.status,
  };
}

export function makeResults(benchmarks: BenchResult[]): ResultsFile {
  return {
    format: RESULTS_FORMAT,
    schema: RESULTS_SCHEMA,
    tool: { name: 'stepcount', version: VERSION },
    createdAt: new Date().toISOString(),
    summary: benchmarks.map(summaryRow),
    benchmarks,
  };
}

export const serializeResults = (r: ResultsFile) => JSON.stringify(r) + '\n';

/** A set of named benchmarks to compare: a results file, or a single profile (one unnamed benchmark). */
export interface BenchSet {
  file: string;
  kind: 'results' | 'profile';
  benchmarks: BenchResult[];
}

function bad(file: string, why: string): never {
  throw new CliError(`${file} is not a valid stepcount results file: ${why}`, EXIT.dataErr);
}

/** Checks a parsed results file, including every embedded profile's schema version. */
export function checkResults(data: unknown, file: string): ResultsFile {
  const r = data as Partial<ResultsFile>;
  if (r.schema !== RESULTS_SCHEMA) {
    throw new CliError(`${file} has results schema ${String(r.schema)}; this stepcount reads schema ${RESULTS_SCHEMA} (use a matching stepcount version)`, EXIT.dataErr);
  }
  if (!Array.isArray(r.benchmarks) || !Array.isArray(r.summary)) bad(file, 'no benchmarks or summary list');
  if (r.summary.length !== r.benchmarks.length) bad(file, 'summary and benchmarks differ in length (edited by hand?)');
  r.benchmarks.forEach((b, i) => {
    if (!b || typeof b.name !== 'string' || !Array.isArray(b.runs) || !b.runs.length || !b.runs.every(Number.isSafeInteger) || !b.profile || typeof b.profile !== 'object') bad(file, `benchmark #${i + 1} lacks name, runs or profile`);
    const p = b.profile;
    if (p.tool?.name !== 'stepcount' || typeof p.schema !== 'number') bad(file, `benchmark "${b.name}": its profile is not a stepcount profile`);
    if (p.schema !== SCHEMA_VERSION) {
      throw new CliError(`${file}: benchmark "${b.name}" has profile schema ${p.schema}; this stepcount reads schema ${SCHEMA_VERSION}`, EXIT.dataErr);
    }
    const s = r.summary![i]!;
    if (s?.name !== b.name || s.instructions !== p.totals?.instructions) {
      bad(file, `summary of "${b.name}" disagrees with its profile (edited by hand? the profile counts ${p.totals?.instructions})`);
    }
  });
  return r as ResultsFile;
}

export function loadResults(file: string): ResultsFile {
  const data = readJsonFile(file, 'results file', 'a stepcount results file') as { format?: unknown } | null;
  if (!data || typeof data !== 'object' || data.format !== RESULTS_FORMAT) {
    bad(file, `no "format": "${RESULTS_FORMAT}" (written by stepcount bench or merge?)`);
  }
  return checkResults(data, file);
}

/** A profile (stepcount run -o) or a results file (stepcount bench / merge), for compare. */
export function loadBenchSet(file: string): BenchSet {
  const data = readJsonFile(file, 'profile or results file', 'a stepcount profile or results file') as { format?: unknown } | null;
  if (data && typeof data === 'object' && data.format === RESULTS_FORMAT) {
    return { file, kind: 'results', benchmarks: checkResults(data, file).benchmarks };
  }
  const profile = loadProfile(file);
  return { file, kind: 'profile', benchmarks: [{ name: commandLine(profile.argv), runs: [profile.totals.instructions], profile }] };
}
