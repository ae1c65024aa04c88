// Command-line options of the region and attach modes, shared by `run` and `attach`.
import { InvalidArgumentError, type Command } from 'commander';
import type { RecordOptions } from '../record.js';
import { isRegionSpecActive, type RegionSpec } from './spec.js';

export interface RegionCliOptions {
  function?: string[];
  startAt?: string;
  stopAt?: string;
  markers?: boolean;
  pid?: number;
  duration?: number;
}

export function parsePid(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n <= 0 || n >= 2 ** 31) throw new InvalidArgumentError('must be a process id');
  return n;
}

/** "5s", "500ms", "2m", "1.5" (seconds) -> milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('must be a duration like 5s, 500ms, 2m');
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  if (!(ms >= 1)) throw new InvalidArgumentError('must be at least 1ms');
  return Math.round(ms);
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addRegionOptions(cmd: Command, opts: { pid?: boolean } = {}): Command {
  cmd
    .option('--function <glob>', 'count only inside this function, per call (repeatable; globs like bench_*); runs natively elsewhere', collect)
    .option('--start-at <symbol>', 'count from the first call of this function (e.g. main) ...')
    .option('--stop-at <symbol>', '... to the first call of this one')
    .option('--markers', 'count only between stepcount_start() and stepcount_stop() (include/stepcount.h)');
  if (opts.pid !== false) cmd.option('-p, --pid <pid>', 'attach to this running process instead of starting a command', parsePid);
  return cmd.option('--duration <time>', 'attached: detach after this long (e.g. 5s; default: at Ctrl-C or when it exits)', parseDuration);
}

export function regionSpecOf(o: RegionCliOptions): RegionSpec | undefined {
  const spec: RegionSpec = { functions: o.function ?? [], startAt: o.startAt, stopAt: o.stopAt, markers: Boolean(o.markers) };
  return isRegionSpecActive(spec) ? spec : undefined;
}

/** What `run` passes on to recordProfile (spread it into the options). */
export function regionRecordOptions(opts: object): Pick<RecordOptions, 'regions' | 'attach'> {
  const o = opts as RegionCliOptions;
  return {
    regions: regionSpecOf(o),
    attach: o.pid ? { pid: o.pid, durationMs: o.duration ?? 0 } : undefined,
  };
}
