// speedscope's file format (https://www.speedscope.app/file-format-schema.json).
//
// Layout chosen here: ONE "sampled" PROFILE PER THREAD ROOT of the call tree, named by the
// root's label ("pid/tid command"), so speedscope's profile selector switches threads. Each
// call-tree node with a non-zero self count becomes one sample: its stack (frame indices,
// outermost first, the root itself not included) weighted by that self count. unit is
// "none" (instruction counts), startValue 0 and endValue the thread's total, so the weights
// of all profiles together sum to the attribution's total. Instructions counted on a root
// itself (outside any function) are a sample with an empty stack. shared.frames is
// Attribution.functions in order (frame i = function i, file = object name), so frame
// indices equal function indices. activeProfileIndex opens the busiest thread. A tree with no
// roots still gets one empty profile so the file loads.
import type { Attribution } from '../attribution-types.js';
import { indexTree, nodeName, walkTree } from './tree.js';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

export interface SpeedscopeFrame {
  name: string;
  file?: string;
}

export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: 'none';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: typeof SPEEDSCOPE_SCHEMA;
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

export function speedscopeData(a: Attribution, name: string): SpeedscopeFile {
  const t = a.tree;
  const idx = indexTree(t);
  const frames: SpeedscopeFrame[] = a.functions.map((f) => (f.object ? { name: f.name, file: f.object } : { name: f.name }));
  const byRoot = new Map<number, SpeedscopeSampledProfile>();
  const profiles: SpeedscopeSampledProfile[] = idx.roots.map((r) => {
    const p: SpeedscopeSampledProfile = {
      type: 'sampled',
      name: nodeName(a, r),
      unit: 'none',
      startValue: 0,
      endValue: 0,
      samples: [],
      weights: [],
    };
    byRoot.set(r, p);
    return p;
  });
  walkTree(idx, (node, path) => {
    const self = t.self[node]!;
    if (self === 0) return;
    const p = byRoot.get(path[0]!)!;
    const stack: number[] = [];
    for (let k = 1; k < path.length; k++) {
      const f = t.func[path[k]!]!;
      if (f < 0 || f >= frames.length) throw new Error(`call tree: node ${path[k]} names no function (${f})`);
      stack.push(f);
    }
    p.samples.push(stack);
    p.weights.push(self);
    p.endValue += self;
  });
  if (profiles.length === 0) {
    profiles.push({ type: 'sampled', name, unit: 'none', startValue: 0, endValue: 0, samples: [], weights: [] });
  }
  let active = 0;
  profiles.forEach((p, i) => {
    if (p.endValue > profiles[active]!.endValue) active = i;
  });
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames },
    profiles,
    name,
    activeProfileIndex: active,
    exporter: 'stepcount',
  };
}

/** The speedscope JSON text of an attribution; `name` names the profile group. */
export function toSpeedscope(a: Attribution, name: string): string {
  return JSON.stringify(speedscopeData(a, name));
}
