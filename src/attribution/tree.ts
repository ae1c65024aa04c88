// Names the call-tree nodes and derives inclusive counts and call counts per function.
import type { CallTreeTable } from '../attribution-types.js';
import { commandLine } from '../format.js';
import type { Profile } from '../profile.js';
import type { Symbolizer } from '../symbols/index.js';
import type { FunctionIndex } from './build.js';

export function buildTree(p: Profile, sym: Symbolizer, functions: FunctionIndex): CallTreeTable {
  const t = p.callTree;
  const n = t.parent.length;
  const func = new Array<number>(n);
  const label = new Array<string>(n).fill('');
  for (const proc of p.processes) {
    for (const th of proc.threads) {
      for (const root of th.roots) {
        const img = p.images[t.image[root]!];
        const cmd = img ? commandLine(img.argv.length ? img.argv.slice(0, 1) : [img.exe]) : '';
        label[root] = th.tid === proc.pid ? `${proc.pid} ${cmd}` : `${proc.pid}/${th.tid} ${cmd}`;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    func[i] = t.parent[i]! < 0 ? -1 : functions.of(sym.lookup(t.image[i]!, t.entry[i]!));
  }
  // Parents are always created before their children, so one backward pass sums subtrees.
  const inclusive = t.self.slice();
  for (let i = n - 1; i >= 0; i--) {
    const parent = t.parent[i]!;
    if (parent >= 0) inclusive[parent]! += inclusive[i]!;
  }
  for (let i = 0; i < n; i++) {
    const f = func[i]!;
    if (f < 0) continue;
    const fc = functions.list[f]!;
    fc.calls += t.calls[i]!;
    // Recursion: count a subtree once, at the outermost frame of the function.
    let a = t.parent[i]!;
    let nested = false;
    while (a >= 0) {
      if (func[a] === f) {
        nested = true;
        break;
      }
      a = t.parent[a]!;
    }
    if (!nested) fc.inclusive += inclusive[i]!;
  }
  return { parent: t.parent.slice(), func, self: t.self.slice(), calls: t.calls.slice(), label };
}
