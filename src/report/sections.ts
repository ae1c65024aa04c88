// The attribution sections of the report (objects, functions, lines, syscalls, files).
// Pure functions of a profile's attribution.
import type { ChalkInstance } from 'chalk';
import type { Attribution } from '../attribution-types.js';
import { int, percent, table } from '../format.js';
import { bar } from './bar.js';

export const SECTIONS = ['function', 'object', 'line', 'syscall', 'files'] as const;
export type Section = (typeof SECTIONS)[number];

export interface SectionOptions {
  c: ChalkInstance;
  top: number;
  total: number;
}

const BAR = 24;

function heading(c: ChalkInstance, text: string): string {
  return '\n' + c.bold(text);
}

function withBars(rows: string[][], fractions: number[], right: boolean[], c: ChalkInstance): string[] {
  const lines = table(rows, right, '  ', true);
  return lines.map((l, i) => (i === 0 ? c.dim(l.trimEnd()) : `${l}  ${c.cyan(bar(fractions[i - 1]!, BAR))}`.trimEnd()));
}

export function objectsSection(a: Attribution, o: SectionOptions): string[] {
  const rows = [['object', 'instructions', '%']];
  const fr: number[] = [];
  for (const obj of a.objects.slice(0, o.top)) {
    rows.push([obj.name, int(obj.self), percent(obj.self, o.total)]);
    fr.push(obj.self / o.total);
  }
  return [heading(o.c, 'By object'), ...withBars(rows, fr, [false, true, true], o.c)];
}

export function functionsSection(a: Attribution, o: SectionOptions): string[] {
  const out = [heading(o.c, `By function (self), top ${Math.min(o.top, a.functions.length)} of ${int(a.functions.length)}`)];
  const rows = [['instructions', '%', 'function', 'object']];
  const fr: number[] = [];
  for (const f of a.functions.slice(0, o.top)) {
    rows.push([int(f.self), percent(f.self, o.total), f.name, f.object]);
    fr.push(f.self / o.total);
  }
  out.push(...withBars(rows, fr, [true, true, false, false], o.c));

  const incl = [...a.functions].filter((f) => f.inclusive > 0).sort((x, y) => y.inclusive - x.inclusive || y.self - x.self);
  out.push(heading(o.c, `By function (inclusive), top ${Math.min(o.top, incl.length)}`));
  const irows = [['inclusive', '%', 'calls', 'function', 'object']];
  const ifr: number[] = [];
  for (const f of incl.slice(0, o.top)) {
    irows.push([int(f.inclusive), percent(f.inclusive, o.total), int(f.calls), f.name, f.object]);
    ifr.push(f.inclusive / o.total);
  }
  out.push(...withBars(irows, ifr, [true, true, true, false, false], o.c));
  return out;
}

export function linesSection(a: Attribution, o: SectionOptions): string[] {
  const out = [heading(o.c, 'By source line')];
  if (!a.lines || a.lines.length === 0) {
    out.push(`  line info ${a.lineInfo}`);
    return out;
  }
  out.push(o.c.dim(`  line info ${a.lineInfo}`));
  const rows = [['instructions', '%', 'line', 'function']];
  const fr: number[] = [];
  for (const l of a.lines.slice(0, o.top)) {
    rows.push([int(l.self), percent(l.self, o.total), `${l.file}:${l.line}`, l.function]);
    fr.push(l.self / o.total);
  }
  out.push(...withBars(rows, fr, [true, true, false, false], o.c));
  return out;
}

export function syscallsSection(a: Attribution, o: SectionOptions): string[] {
  const out = [heading(o.c, 'Syscalls (user instructions executed before each, per thread)')];
  if (a.syscalls.length === 0) return [...out, '  none'];
  const rows = [['syscall', 'calls', 'errors', 'instr before', 'mean']];
  for (const s of a.syscalls) {
    rows.push([s.name, int(s.calls), s.errors ? int(s.errors) : '', int(s.instructionsBefore), int(s.instructionsBefore / s.calls)]);
  }
  const totalCalls = a.syscalls.reduce((x, s) => x + s.calls, 0);
  const totalErr = a.syscalls.reduce((x, s) => x + s.errors, 0);
  const totalBefore = a.syscalls.reduce((x, s) => x + s.instructionsBefore, 0);
  rows.push(['total', int(totalCalls), totalErr ? int(totalErr) : '', int(totalBefore), int(totalBefore / Math.max(1, totalCalls))]);
  const lines = table(rows, [false, true, true, true, true]);
  out.push(o.c.dim(lines[0]!), ...lines.slice(1));

  if (a.phases.length) {
    out.push(heading(o.c, 'Phases (main thread: instructions between syscalls)'));
    const max = Math.max(...a.phases.map((p) => p.instructions));
    const prow = [['instructions', 'syscalls', 'phase']];
    const fr: number[] = [];
    for (const p of a.phases) {
      prow.push([int(p.instructions), int(p.syscalls), p.name]);
      fr.push(p.instructions / max);
    }
    out.push(...withBars(prow, fr, [true, true, false], o.c));
  }
  return out;
}

export function filesSection(a: Attribution, o: SectionOptions): string[] {
  const out = [heading(o.c, 'Files written')];
  if (a.files.length === 0) return [...out, '  none'];
  const rows = [['pid', 'syscall', 'result', 'path']];
  for (const f of a.files) rows.push([String(f.pid), f.syscall, f.result === 'ok' ? 'ok' : o.c.red(f.result), f.path]);
  const lines = table(rows, [true, false, false, false]);
  out.push(o.c.dim(lines[0]!), ...lines.slice(1));
  return out;
}
