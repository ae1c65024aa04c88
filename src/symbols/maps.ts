// /proc/PID/maps snapshots: parsing, and finding the mapping that held an address.

export interface Mapping {
  start: number;
  end: number;
  perms: string;
  /** File offset of `start`. */
  offset: number;
  dev: string;
  inode: number;
  /** File path, a pseudo name like "[vdso]" / "[heap]", or "" for anonymous memory. */
  path: string;
  /** The file was deleted (or replaced) while mapped: `path` no longer names it. */
  deleted: boolean;
  exec: boolean;
}

const LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/i;
const DELETED = ' (deleted)';

export function parseMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    let path = m[7];
    const deleted = path.endsWith(DELETED);
    if (deleted) path = path.slice(0, -DELETED.length);
    out.push({
      start: parseInt(m[1], 16),
      end: parseInt(m[2], 16),
      perms: m[3],
      offset: parseInt(m[4], 16),
      dev: m[5],
      inode: Number(m[6]),
      path,
      deleted,
      exec: m[3][2] === 'x',
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

function find(list: Mapping[], pc: number): Mapping | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = list[mid];
    if (pc < m.start) hi = mid - 1;
    else if (pc >= m.end) lo = mid + 1;
    else return m;
  }
  return undefined;
}

/**
 * The address space of one image, from its two maps snapshots. The exit snapshot wins (it
 * has the libraries loaded later, e.g. by dlopen); the start snapshot covers what was
 * unmapped before exit. Executable mappings are preferred over non-executable ones.
 */
export class AddressSpace {
  readonly exit: Mapping[];
  readonly start: Mapping[];

  constructor(exitText: string, startText: string) {
    this.exit = parseMaps(exitText);
    this.start = parseMaps(startText);
  }

  find(pc: number): Mapping | undefined {
    const e = find(this.exit, pc);
    if (e?.exec) return e;
    const s = find(this.start, pc);
    if (s?.exec) return s;
    return e ?? s;
  }

  /** Every mapping of both snapshots (exit first). */
  all(): Mapping[] {
    return [...this.exit, ...this.start];
  }
}
