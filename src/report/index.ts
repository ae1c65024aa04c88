// The full text report: the summary, then the chosen attribution sections.
import { Chalk } from 'chalk';
import type { Profile } from '../profile.js';
import { filesSection, functionsSection, linesSection, objectsSection, syscallsSection, type Section } from './sections.js';
import { regionsSection } from './regions.js';
import { renderSummary } from './summary.js';

export interface ReportOptions {
  color: boolean;
  /** Sections after the summary, in this order. */
  sections: Section[];
  /** Rows per histogram. */
  top: number;
}

export const DEFAULT_SECTIONS: Section[] = ['object', 'function', 'syscall', 'files'];

export function renderReport(p: Profile, opts: ReportOptions): string {
  let text = renderSummary(p, { color: opts.color });
  if (p.regions || p.attached) text += regionsSection(p, new Chalk({ level: opts.color ? 1 : 0 })).join('\n') + '\n';
  const a = p.attribution;
  if (!a || opts.sections.length === 0) return text;
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const o = { c, top: opts.top, total: Math.max(1, p.totals.instructions) };
  const lines: string[] = [];
  for (const s of opts.sections) {
    if (s === 'object') lines.push(...objectsSection(a, o));
    if (s === 'function') lines.push(...functionsSection(a, o));
    if (s === 'line') lines.push(...linesSection(a, o));
    if (s === 'syscall') lines.push(...syscallsSection(a, o));
    if (s === 'files') lines.push(...filesSection(a, o));
  }
  text += lines.join('\n') + '\n';
  return text;
}
