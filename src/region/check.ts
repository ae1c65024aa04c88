// Before a region-mode run: every --function / --start-at / --stop-at must name a symbol of
// the program or of a library it links (a typo would otherwise count nothing, silently).
import { spawnSync } from 'node:child_process';
import { demangle } from '../symbols/demangle.js';
import { parseMaps } from '../symbols/maps.js';
import { loadObject } from '../symbols/objects.js';
import { CliError } from '../errors.js';
import { globToRegExp, MARK_START, matchNames, type RegionSpec } from './spec.js';

/** Exit status of an unknown symbol (sysexits EX_UNAVAILABLE): distinct from usage (64). */
export const EXIT_NO_SYMBOL = 69;

/** The executable and the shared libraries it links (as ldd lists them). */
export function objectsOfProgram(file: string): string[] {
  const out = [file];
  const r = spawnSync('ldd', [file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.status === 0) {
    for (const line of r.stdout.split('\n')) {
      const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
      if (m) out.push(m[1]!);
    }
  }
  return out;
}

/** The file-backed executable objects of a running process. */
export function objectsOfProcess(pid: number, maps: string): string[] {
  const seen = new Set<string>();
  for (const m of parseMaps(maps)) if (m.exec && m.path.startsWith('/') && !m.deleted) seen.add(m.path);
  return seen.size ? [...seen] : [`/proc/${pid}/exe`];
}

function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to 5 names close to `pattern` (edit distance, or containing it). */
export function closeMatches(pattern: string, names: Iterable<string>): string[] {
  const plain = pattern.replace(/[*?]/g, '');
  const lower = plain.toLowerCase();
  const limit = Math.max(2, Math.floor(plain.length / 3));
  const scored: [number, string][] = [];
  for (const n of names) {
    if (Math.abs(n.length - plain.length) > limit && !(lower.length >= 3 && n.toLowerCase().includes(lower))) continue;
    const d = lower.length >= 3 && n.toLowerCase().includes(lower) ? 1 : distance(plain, n);
    if (d <= limit) scored.push([d, n]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].length - b[1].length || (a[1] < b[1] ? -1 : 1));
  return [...new Set(scored.map((s) => s[1]))].slice(0, 5);
}

/** A --function pattern no object defines yet: a library loaded later (dlopen) may. */
export interface PendingSymbol {
  pattern: string;
  /** The one-line error to give if no library loaded during the run defines it either. */
  error: CliError;
}

/**
 * Throws a one-line CliError (EXIT_NO_SYMBOL) for a pattern that names no symbol. With
 * `laterLoads` (a dynamic program, which may dlopen more libraries), --function patterns that
 * are not found yet are returned instead, to be checked once the run is over.
 */
export function checkRegionSymbols(spec: RegionSpec, objects: string[], where: string, laterLoads = false): PendingSymbol[] {
  const pending: PendingSymbol[] = [];
  const names = new Set<string>();
  for (const file of objects) {
    const obj = loadObject(file);
    for (const raw of obj.symbols.names) {
      if (raw.endsWith('@plt')) continue;
      for (const n of matchNames(raw, raw.startsWith('_Z') || raw.startsWith('_R') ? demangle(raw) : raw)) names.add(n);
    }
  }
  const check = (what: string, pattern: string, deferrable = false) => {
    const re = globToRegExp(pattern);
    for (const n of names) if (re.test(n)) return;
    const close = closeMatches(pattern, names);
    const error = new CliError(
      `unknown ${what} '${pattern}': no such symbol in ${where}${deferrable ? ' or any library it loaded' : ''}` +
        (close.length ? ` (close matches: ${close.join(', ')})` : ' (no close match; is it static inline, or stripped?)'),
      EXIT_NO_SYMBOL,
    );
    if (!deferrable) throw error;
    pending.push({ pattern, error });
  };
  for (const f of spec.functions) check('function', f, laterLoads);
  if (spec.startAt) check('--start-at symbol', spec.startAt);
  if (spec.stopAt) check('--stop-at symbol', spec.stopAt);
  if (spec.markers && !names.has(MARK_START)) {
    throw new CliError(`--markers: no stepcount markers in ${where} (build it with include/stepcount.h and call stepcount_start())`, EXIT_NO_SYMBOL);
  }
  return pending;
}

/** After the run: a pending pattern that no loaded library defined either is an error. */
export function checkPendingSymbols(pending: PendingSymbol[], resolved: { kind: string; name: string }[]): void {
  for (const p of pending) {
    const re = globToRegExp(p.pattern);
    if (!resolved.some((r) => r.kind === 'function' && re.test(r.name))) throw p.error;
  }
}
