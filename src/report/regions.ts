// Report section of the region and attach modes: what was counted, per region.
import type { ChalkInstance } from 'chalk';
import { duration, int, table } from '../format.js';
import type { Profile } from '../profile.js';

export function regionsSection(p: Profile, c: ChalkInstance): string[] {
  const out: string[] = [];
  if (p.attached) {
    out.push('', c.bold(`Attached to process ${p.attached.pid} for ${duration(p.attached.durationMs)}`) +
      (p.attached.detached ? ', then detached (it kept running)' : ' (it exited meanwhile)'));
  }
  const r = p.regions;
  if (!r) return out;
  const what = [
    ...r.spec.functions.map((f) => `--function ${f}`),
    ...(r.spec.startAt ? [`--start-at ${r.spec.startAt}`] : []),
    ...(r.spec.stopAt ? [`--stop-at ${r.spec.stopAt}`] : []),
    ...(r.spec.markers ? ['--markers'] : []),
  ].join(' ');
  out.push('', c.bold(`Regions (${what}): only these were single-stepped; every count above is restricted to them`));
  const rows = [['region', 'calls', 'total', 'min', 'mean', 'max', 'object']];
  for (const x of r.list) {
    const name = x.kind === 'marker' ? `marker ${x.name ? JSON.stringify(x.name) : '(unnamed)'}` : x.name;
    rows.push([
      name + (x.recursive ? ` (+${int(x.recursive)} recursive)` : ''),
      int(x.calls),
      int(x.total),
      x.calls ? int(x.min) : '-',
      x.calls ? (x.total / x.calls).toFixed(1).replace(/\.0$/, '') : '-',
      x.calls ? int(x.max) : '-',
      x.object,
    ]);
  }
  const lines = table(rows, [false, true, true, true, true, true, false]);
  out.push(c.dim(lines[0]!.trimEnd()), ...lines.slice(1).map((l) => l.trimEnd()));
  return out;
}
