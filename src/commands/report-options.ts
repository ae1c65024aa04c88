// Options shared by `run` and `report`: which sections, how many rows, which extra outputs.
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_SECTIONS } from '../report/index.js';
import { SECTIONS, type Section } from '../report/sections.js';

export interface DisplayOptions {
  by?: Section[];
  top: number;
  lines?: boolean;
  folded?: string;
  speedscope?: string;
  pprof?: string;
  color?: boolean;
}

export function parseSections(value: string): Section[] {
  const out: Section[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const s = raw === 'functions' ? 'function' : raw === 'objects' || raw === 'library' ? 'object' : raw === 'lines' ? 'line' : raw === 'syscalls' ? 'syscall' : raw;
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new InvalidArgumentError(`unknown section '${raw}' (choose from ${SECTIONS.join(', ')})`);
    }
    out.push(s as Section);
  }
  return out;
}

export function parseTop(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

export function addDisplayOptions(cmd: Command): Command {
  return cmd
    .option('--by <sections>', `report sections, comma-separated: ${SECTIONS.join(',')} (default: object,function,syscall,files; with --lines also line)`, parseSections)
    .option('--top <n>', 'rows per histogram', parseTop, 20)
    .option('--lines', 'resolve source lines (needs debug info; uses llvm-symbolizer or addr2line)')
    .option('--folded <file>', 'write folded stacks (flamegraph.pl, inferno)')
    .option('--speedscope <file>', 'write a speedscope JSON profile (speedscope.app)')
    .option('--pprof <file>', 'write a gzipped pprof profile (go tool pprof, Pyroscope, Grafana)')
    .option('--no-color', 'no colour in the report');
}

/** Sections to print: --by as given, else the defaults (with the line histogram under --lines). */
export function sectionsFor(o: DisplayOptions): Section[] {
  if (o.by) return o.by;
  return o.lines ? [...DEFAULT_SECTIONS.slice(0, 2), 'line', ...DEFAULT_SECTIONS.slice(2)] : DEFAULT_SECTIONS;
}

/** Source lines are resolved when asked for, directly or through --by line. */
export const wantsLines = (o: DisplayOptions): boolean => Boolean(o.lines) || Boolean(o.by?.includes('line'));
