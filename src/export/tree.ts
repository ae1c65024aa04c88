// Shared walking of the call tree for the exporters. The table is columnar and its node
// order is not assumed to be topological, so children lists are built explicitly and every
// walk is iterative (recursion thousands of frames deep must not overflow the JS stack).
import type { Attribution, CallTreeTable } from '../attribution-types.js';

export interface TreeIndex {
  /** Number of nodes in the table. */
  size: number;
  /** Thread roots (parent -1), in table order. */
  roots: number[];
  /** Children of each node, in table order. */
  children: number[][];
}

export function indexTree(t: CallTreeTable): TreeIndex {
  const size = t.parent.length;
  for (const [col, arr] of [['func', t.func], ['self', t.self], ['calls', t.calls], ['label', t.label]] as const) {
    if (arr.length !== size) throw new Error(`call tree: column ${col} has ${arr.length} rows, parent has ${size}`);
  }
  const roots: number[] = [];
  const children: number[][] = Array.from({ length: size }, () => []);
  for (let i = 0; i < size; i++) {
    const p = t.parent[i]!;
    if (p === -1) roots.push(i);
    else if (Number.isInteger(p) && p >= 0 && p < size && p !== i) children[p]!.push(i);
    else throw new Error(`call tree: node ${i} has invalid parent ${p}`);
  }
  return { size, roots, children };
}

/**
 * Depth-first pre-order walk from the roots, children in table order. `visit` gets the node
 * and the stack of node ids from its root down to it (inclusive; the array is reused, copy it
 * to keep it). Nodes on a parent cycle (unreachable from any root) are never visited.
 */
export function walkTree(idx: TreeIndex, visit: (node: number, stack: readonly number[]) => void): void {
  const path: number[] = [];
  // Work list of [node, depth]; a node's depth is the length of `path` above it.
  const work: Array<[number, number]> = [];
  for (let r = idx.roots.length - 1; r >= 0; r--) work.push([idx.roots[r]!, 0]);
  while (work.length > 0) {
    const [node, depth] = work.pop()!;
    path.length = depth;
    path.push(node);
    visit(node, path);
    const kids = idx.children[node]!;
    for (let k = kids.length - 1; k >= 0; k--) work.push([kids[k]!, depth + 1]);
  }
}

/** Inclusive count of every node (self plus all descendants). */
export function inclusiveCounts(t: CallTreeTable, idx: TreeIndex): number[] {
  const order: number[] = [];
  walkTree(idx, (n) => order.push(n));
  const incl = t.self.slice();
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const p = t.parent[n]!;
    if (p >= 0) incl[p]! += incl[n]!;
  }
  return incl;
}

/** Display name of a node: the root's label, or its function's name. */
export function nodeName(a: Attribution, node: number): string {
  const f = a.tree.func[node]!;
  if (f < 0) return a.tree.label[node] || `[root ${node}]`;
  return a.functions[f]?.name || '[unknown]';
}

/** Object name of a node's function ("" for roots). */
export function nodeObject(a: Attribution, node: number): string {
  const f = a.tree.func[node]!;
  return f < 0 ? '' : (a.functions[f]?.object ?? '');
}

/** Sum of self over all nodes reachable from a root. */
export function treeTotal(a: Attribution, idx: TreeIndex): number {
  let total = 0;
  walkTree(idx, (n) => (total += a.tree.self[n]!));
  return total;
}

/** The function with the highest self count (first on ties), or null when there is none. */
export function hottestFunction(a: Attribution): { name: string; object: string; self: number } | null {
  let best: { name: string; object: string; self: number } | null = null;
  for (const f of a.functions) if (best === null || f.self > best.self) best = f;
  return best && { name: best.name, object: best.object, self: best.self };
}
