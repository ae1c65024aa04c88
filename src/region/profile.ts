// The `regions` part of a region-mode profile, from the engine's per-region totals.
import { BP, type RawTrace } from '../native.js';
import type { RegionProfile, RegionsProfile } from '../profile.js';
import type { BreakpointResolver } from './resolve.js';

export function regionsProfile(raw: RawTrace, resolver: BreakpointResolver): RegionsProfile {
  const n = Number;
  const list: RegionProfile[] = raw.regions.map((r) => {
    const base = { calls: n(r.calls), total: n(r.total), min: n(r.min), max: n(r.max), recursive: n(r.recursive) };
    if (r.kind === BP.markStart) return { kind: 'marker', name: raw.markerNames[r.id] ?? '', object: '', ...base };
    const info = resolver.regions[r.id];
    return { kind: info?.kind ?? 'function', name: info?.name ?? `region ${r.id}`, object: info?.object ?? '', ...base };
  });
  // Regions asked for but never entered are listed with zero calls.
  for (const info of resolver.regions) {
    if (!list.some((r) => r.kind === info.kind && r.name === info.name && r.object === info.object)) {
      list.push({ kind: info.kind, name: info.name, object: info.object, calls: 0, total: 0, min: 0, max: 0, recursive: 0 });
    }
  }
  list.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
  const s = resolver.spec;
  return {
    spec: { functions: s.functions, startAt: s.startAt ?? null, stopAt: s.stopAt ?? null, markers: s.markers },
    breakpointHits: n(raw.breakpointHits),
    resolves: n(raw.resolves),
    list,
  };
}
