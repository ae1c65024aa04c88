// Builds the Attribution of a profile: symbolizes every executed address and call-tree node,
// and aggregates counts by object, function, line, syscall and phase. Runs once, when the
// profile is recorded (the binaries must be present); the result is saved in the profile.
import type { Attribution, FunctionCount, LineCount, ObjectCount } from '../attribution-types.js';
import type { Profile } from '../profile.js';
import { sourceLines, Symbolizer, type Location } from '../symbols/index.js';
import { filesWritten } from './files.js';
import { buildTree } from './tree.js';
import { phases, syscallTable } from './syscalls.js';

export interface AttributionOptions {
  /** Resolve source lines (slower: runs llvm-symbolizer or addr2line). */
  lines: boolean;
}

/** Interns functions by (object path, name), keeping their counts. */
export class FunctionIndex {
  readonly list: FunctionCount[] = [];
  private readonly byKey = new Map<string, number>();

  of(loc: Location): number {
    const key = `${loc.objectPath}\0${loc.object}\0${loc.func}`;
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.list.push({ name: loc.func, object: loc.object, self: 0, inclusive: 0, calls: 0 });
      this.byKey.set(key, i);
    }
    return i;
  }
}

export async function buildAttribution(p: Profile, opts: AttributionOptions): Promise<Attribution> {
  const sym = await Symbolizer.forProfile(p);
  const functions = new FunctionIndex();
  const objects = new Map<string, ObjectCount>();
  const lineReqs: { objectPath: string; vaddr: number; count: number; func: string; object: string }[] = [];

  for (const img of p.images) {
    for (let i = 0; i < img.pcs.length; i++) {
      const count = img.counts[i]!;
      const loc = sym.lookup(img.id, img.pcs[i]!);
      const okey = loc.objectPath || loc.object;
      const o = objects.get(okey) ?? { name: loc.object, path: loc.objectPath, self: 0 };
      o.self += count;
      objects.set(okey, o);
      functions.list[functions.of(loc)]!.self += count;
      if (opts.lines && loc.objectPath) lineReqs.push({ objectPath: loc.objectPath, vaddr: loc.vaddr, count, func: loc.func, object: loc.object });
    }
  }

  const tree = buildTree(p, sym, functions);

  let lines: LineCount[] | null = null;
  let lineInfo = 'not requested (use --lines)';
  if (opts.lines) {
    const res = await sourceLines(lineReqs);
    const byLine = new Map<string, LineCount>();
    res.lines.forEach((l, i) => {
      if (!l) return;
      const r = lineReqs[i]!;
      const key = `${l.file}:${l.line}\0${r.func}\0${r.object}`;
      const row = byLine.get(key) ?? { file: l.file, line: l.line, function: r.func, object: r.object, self: 0 };
      row.self += r.count;
      byLine.set(key, row);
    });
    lines = [...byLine.values()].sort((a, b) => b.self - a.self);
    const covered = lines.reduce((a, l) => a + l.self, 0);
    lineInfo =
      lines.length === 0
        ? `unavailable: no debug line info${res.unavailable.length ? ` in ${res.unavailable.map(baseName).join(', ')}` : ''} (build with -g)`
        : `ok: ${((100 * covered) / Math.max(1, p.totals.instructions)).toFixed(1)}% of instructions have a source line` +
          (res.unavailable.length ? `; no debug info in ${res.unavailable.map(baseName).join(', ')}` : '');
  }

  return {
    objects: [...objects.values()].sort((a, b) => b.self - a.self),
    functions: functions.list.map((f, i) => ({ f, i })).sort((a, b) => b.f.self - a.f.self || b.f.inclusive - a.f.inclusive).map(({ f }) => f),
    lines,
    lineInfo,
    tree: remapTree(tree, functions.list),
    syscalls: syscallTable(p),
    phases: phases(p),
    files: filesWritten(p),
  };
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The function list gets sorted; the tree's func indices follow it. */
function remapTree(tree: Attribution['tree'], list: FunctionCount[]): Attribution['tree'] {
  const order = list.map((f, i) => ({ f, i })).sort((a, b) => b.f.self - a.f.self || b.f.inclusive - a.f.inclusive);
  const newIndex = new Array<number>(list.length);
  order.forEach(({ i }, k) => (newIndex[i] = k));
  return { ...tree, func: tree.func.map((f) => (f < 0 ? f : newIndex[f]!)) };
}
