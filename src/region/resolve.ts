// Breakpoint addresses for the region mode, from ELF symbols: called by the engine (blocking
// round trip, see addon/binding.cc) at exec, at attach and at each ld.so rendezvous, with the
// process's current /proc/PID/maps. Library loads are rare: this is never per step.
import { BP, type ResolveBreakpoints } from '../native.js';
import { PF_X, PT_LOAD } from '../symbols/elf.js';
import { demangle } from '../symbols/demangle.js';
import { parseMaps } from '../symbols/maps.js';
import { loadObject, type LoadedObject } from '../symbols/objects.js';
import { globToRegExp, MARK_START, MARK_STOP, matchNames, RENDEZVOUS, type RegionSpec } from './spec.js';

export interface RegionInfo {
  kind: 'function' | 'span';
  name: string;
  /** Basename of the object holding the function ('' for the span). */
  object: string;
}

interface Wanted {
  vaddr: number;
  kind: number;
  id: number;
}

export class BreakpointResolver {
  /** Region id -> what it is (function regions and the start/stop span). */
  readonly regions: RegionInfo[] = [];
  /** First error thrown while resolving (the engine then got no breakpoints for that call). */
  error: Error | null = null;
  private readonly ids = new Map<string, number>();
  private readonly perObject = new Map<LoadedObject, Wanted[]>();
  private readonly patterns: RegExp[];
  private readonly startAt: RegExp | null;
  private readonly stopAt: RegExp | null;
  private readonly spanId: number;

  constructor(readonly spec: RegionSpec) {
    this.patterns = spec.functions.map(globToRegExp);
    this.startAt = spec.startAt ? globToRegExp(spec.startAt) : null;
    this.stopAt = spec.stopAt ? globToRegExp(spec.stopAt) : null;
    this.spanId = spec.startAt || spec.stopAt ? this.idOf('span', `${spec.startAt ?? '(start)'} .. ${spec.stopAt ?? '(end)'}`, '') : -1;
  }

  private idOf(kind: RegionInfo['kind'], name: string, object: string): number {
    const key = `${kind}\0${object}\0${name}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.regions.length;
      this.regions.push({ kind, name, object });
      this.ids.set(key, id);
    }
    return id;
  }

  private wanted(obj: LoadedObject): Wanted[] {
    let list = this.perObject.get(obj);
    if (list) return list;
    list = [];
    const { names, starts } = obj.symbols;
    for (let i = 0; i < names.length; i++) {
      const raw = names[i]!;
      if (raw.endsWith('@plt')) continue;
      const vaddr = starts[i]!;
      if (raw === RENDEZVOUS) list.push({ vaddr, kind: BP.rendezvous, id: 0 });
      if (this.spec.markers && raw === MARK_START) list.push({ vaddr, kind: BP.markStart, id: 0 });
      if (this.spec.markers && raw === MARK_STOP) list.push({ vaddr, kind: BP.markStop, id: 0 });
      const cands = matchNames(raw, raw.startsWith('_Z') || raw.startsWith('_R') ? demangle(raw) : raw);
      const hit = (re: RegExp | null) => !!re && cands.some((n) => re.test(n));
      if (this.patterns.some((re) => cands.some((n) => re.test(n)))) {
        list.push({ vaddr, kind: BP.function, id: this.idOf('function', cands[cands.length - 1]!, obj.name) });
      }
      if (hit(this.startAt)) list.push({ vaddr, kind: BP.startAt, id: this.spanId });
      if (hit(this.stopAt)) list.push({ vaddr, kind: BP.stopAt, id: this.spanId });
    }
    this.perObject.set(obj, list);
    return list;
  }

  /** The engine's callback: every breakpoint the process wants, as [addr, kind, id] triples. */
  readonly resolve: ResolveBreakpoints = (_pid, _image, maps) => {
    try {
      return this.addresses(maps);
    } catch (e) {
      this.error ??= e as Error;
      return [];
    }
  };

  addresses(mapsText: string): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (const m of parseMaps(mapsText)) {
      if (!m.exec || !m.path.startsWith('/') || m.deleted) continue;
      const obj = loadObject(m.path);
      if (obj.error) continue;
      for (const w of this.wanted(obj)) {
        const seg = obj.loads.find((p) => p.type === PT_LOAD && (p.flags & PF_X) !== 0 && w.vaddr >= p.vaddr && w.vaddr < p.vaddr + p.memsz);
        if (!seg) continue;
        const off = w.vaddr - seg.vaddr + seg.offset;
        if (off < m.offset || off >= m.offset + (m.end - m.start)) continue;
        const addr = m.start + off - m.offset;
        if (seen.has(addr)) continue;
        seen.add(addr);
        out.push(addr, w.kind, w.id);
      }
    }
    return out;
  }
}
