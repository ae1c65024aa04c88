// --threshold: how much a benchmark may change before it counts as a regression (or a
// notable improvement): a percentage of the base count ("0.5%") or an instruction count ("2000").
import { InvalidArgumentError } from 'commander';

export interface Threshold {
  kind: 'percent' | 'absolute';
  value: number;
  /** As the user wrote it, normalised ("1%", "2000"). */
  text: string;
}

export const DEFAULT_THRESHOLD = '1%';

export function parseThreshold(text: string): Threshold {
  const s = text.trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (pct) return { kind: 'percent', value: Number(pct[1]), text: `${Number(pct[1])}%` };
  if (/^\d+$/.test(s.replace(/[_,]/g, ''))) {
    const value = Number(s.replace(/[_,]/g, ''));
    if (Number.isSafeInteger(value)) return { kind: 'absolute', value, text: String(value) };
  }
  throw new InvalidArgumentError(`expected a percentage like 0.5% or an instruction count like 2000, got "${text}"`);
}

/** Percentage change from base to new; null when the base is 0 (any growth is infinite). */
export function percentChange(base: number, now: number): number | null {
  if (base === 0) return now === 0 ? 0 : null;
  return (100 * (now - base)) / base;
}

/** True when the change from base to new is strictly beyond the threshold (either way). */
export function beyond(t: Threshold, base: number, now: number): boolean {
  const delta = Math.abs(now - base);
  if (t.kind === 'absolute') return delta > t.value;
  if (base === 0) return delta > 0;
  return 100 * delta > t.value * base; // no division: 1% of 100000 is exactly 1000
}
