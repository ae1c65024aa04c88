// Per-function deltas, from the self counts in `profile.attribution.functions` (added by the
// attribution work; profiles without it simply get no function rows).
import type { FunctionCount } from '../attribution-types.js';
import type { Profile } from '../profile.js';
import { percentChange } from './threshold.js';

export interface FunctionDelta {
  name: string;
  object: string;
  base: number;
  new: number;
  delta: number;
  /** null when the function did not run in the base. */
  percent: number | null;
}

function functionsOf(p: Profile): FunctionCount[] | undefined {
  const f = (p as { attribution?: { functions?: unknown } }).attribution?.functions;
  return Array.isArray(f) ? (f as FunctionCount[]) : undefined;
}

function selfByKey(list: FunctionCount[]): Map<string, { name: string; object: string; self: number }> {
  const m = new Map<string, { name: string; object: string; self: number }>();
  for (const f of list) {
    const key = `${f.object}\0${f.name}`;
    const e = m.get(key);
    if (e) e.self += f.self;
    else m.set(key, { name: f.name, object: f.object, self: f.self });
  }
  return m;
}

/** The `top` functions whose self count changed most (by absolute delta); null without attribution. */
export function functionDeltas(base: Profile, now: Profile, top: number): FunctionDelta[] | null {
  const a = functionsOf(base);
  const b = functionsOf(now);
  if (!a || !b) return null;
  const ma = selfByKey(a);
  const mb = selfByKey(b);
  const out: FunctionDelta[] = [];
  for (const key of new Set([...ma.keys(), ...mb.keys()])) {
    const x = ma.get(key);
    const y = mb.get(key);
    const baseSelf = x?.self ?? 0;
    const newSelf = y?.self ?? 0;
    if (baseSelf === newSelf) continue;
    const id = (x ?? y)!;
    out.push({ name: id.name, object: id.object, base: baseSelf, new: newSelf, delta: newSelf - baseSelf, percent: percentChange(baseSelf, newSelf) });
  }
  out.sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta) || p.name.localeCompare(q.name));
  return out.slice(0, Math.max(0, top));
}
