// Folded stacks, the input format of flamegraph.pl and inferno: one line per unique stack,
// "root;caller;callee COUNT", where COUNT is the stack's exact self instruction count.
import type { Attribution } from '../attribution-types.js';
import { indexTree, nodeName, walkTree } from './tree.js';

/**
 * Makes a frame name safe for the format: ';' separates frames (replaced by ','), a line
 * break would split the record and other control characters confuse the tools (replaced by
 * a space). Spaces are fine: the count is what follows the last space.
 */
export function foldedFrame(name: string): string {
  const s = name.replace(/;/g, ',').replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
  return s.trim() === '' ? '[unknown]' : s;
}

/**
 * One line per unique stack with a non-zero self count, the thread root's label first and
 * frames named by function name. Lines come in depth-first order of the call tree (children
 * in table order); stacks that print the same (e.g. one name in two objects) are merged into
 * the first line. Ends with a newline unless empty.
 */
export function toFolded(a: Attribution): string {
  const t = a.tree;
  const idx = indexTree(t);
  const names = new Map<number, string>();
  const nameOf = (n: number) => {
    let s = names.get(n);
    if (s === undefined) names.set(n, (s = foldedFrame(nodeName(a, n))));
    return s;
  };
  const stacks = new Map<string, number>();
  walkTree(idx, (node, path) => {
    const self = t.self[node]!;
    if (self === 0) return;
    const key = path.map(nameOf).join(';');
    stacks.set(key, (stacks.get(key) ?? 0) + self);
  });
  let out = '';
  for (const [stack, count] of stacks) out += `${stack} ${count}\n`;
  return out;
}
