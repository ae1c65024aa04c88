// One object's function symbols, sorted once, looked up by binary search on ELF virtual
// addresses (so one table serves the object at any load address, in every process).

export interface SymbolCandidate {
  /** ELF virtual address of the first byte. */
  start: number;
  /** 0: unknown size, the symbol covers up to the next symbol start (at most `limit`). */
  size: number;
  /** Raw (mangled) name. */
  name: string;
  /** Preference among symbols at the same address: higher wins. */
  rank: number;
  /** End of the section (or segment) holding the symbol. */
  limit: number;
}

export class SymbolTable {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Index of the nearest earlier symbol whose range contains this one's start, or -1. */
  private readonly parent: Int32Array;
  readonly names: string[];

  private constructor(starts: Float64Array, ends: Float64Array, parent: Int32Array, names: string[]) {
    this.starts = starts;
    this.ends = ends;
    this.parent = parent;
    this.names = names;
  }

  static build(cands: SymbolCandidate[]): SymbolTable {
    const sorted = cands
      .filter((c) => Number.isFinite(c.start) && c.name !== '')
      .sort((a, b) => a.start - b.start || b.rank - a.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // One entry per address: the best-ranked name, the largest size and limit.
    const merged: SymbolCandidate[] = [];
    for (const c of sorted) {
      const last = merged[merged.length - 1];
      if (last && last.start === c.start) {
        last.size = Math.max(last.size, c.size);
        last.limit = Math.max(last.limit, c.limit);
      } else {
        merged.push({ ...c });
      }
    }
    const n = merged.length;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const parent = new Int32Array(n);
    const names = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const c = merged[i];
      starts[i] = c.start;
      names[i] = c.name;
      if (c.size > 0) ends[i] = c.start + c.size;
      else {
        const next = i + 1 < n ? merged[i + 1].start : Infinity;
        ends[i] = Math.max(c.start + 1, Math.min(next, c.limit));
      }
    }
    for (let i = 0; i < n; i++) {
      let j = i - 1;
      while (j >= 0 && ends[j] <= starts[i]) j = parent[j];
      parent[i] = j;
    }
    return new SymbolTable(starts, ends, parent, names);
  }

  get length(): number {
    return this.starts.length;
  }

  /** Index of the symbol covering `vaddr`, or -1. */
  find(vaddr: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= vaddr) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    while (i >= 0 && vaddr >= this.ends[i]) i = this.parent[i];
    return i;
  }
}
