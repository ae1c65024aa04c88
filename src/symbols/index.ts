// Symbolization of a profile: runtime address -> (object, ELF vaddr, function). Each image's
// maps snapshots give the mapping of an address; the mapped object's load segments give its
// ELF virtual address; the object's symbol table (shared by every process that maps it)
// names the function.
import type { ImageProfile, Profile } from '../profile.js';
import { demangle, demangleAll } from './demangle.js';
import { AddressSpace, type Mapping } from './maps.js';
import { fileOffsetToVaddr, loadObject, unusableObject, type LoadedObject } from './objects.js';
import { parseVdso, VDSO, type Vdso } from './vdso.js';

export { hasLineInfo, sourceLines, type SourceLine, type SourceLinesOptions, type SourceLinesResult } from './lines.js';
export { demangleRustLegacy } from './demangle.js';

export interface Location {
  /** Basename of the object, "[vdso]" or "[unknown]". */
  object: string;
  /** Full path of the object; "" for [vdso] and [unknown]. */
  objectPath: string;
  /** Demangled function name, "func@plt", or "object+0xVADDR" where no symbol covers it. */
  func: string;
  /** ELF vaddr of the function start, or -1 when no symbol covers the address. */
  funcStart: number;
  /** ELF vaddr of the address (for [unknown]: the address itself). */
  vaddr: number;
}

export const UNKNOWN = '[unknown]';

interface ImageState {
  space: AddressSpace;
  vdso: Vdso | null;
  /** Objects of this image by path (the file is looked at once per image). */
  objects: Map<string, LoadedObject>;
  cache: Map<number, Location>;
}

/** Where an address is, before naming: the object, its vaddr and symbol index. */
interface Place {
  obj: LoadedObject;
  vaddr: number;
  sym: number;
}

const hex = (n: number) => '0x' + n.toString(16);

/**
 * The exit snapshot of each image, unless it was read after the image's execve: it then
 * equals the start snapshot of the program exec'd, and describes that program, not this one.
 */
function exitMaps(profile: Profile): Map<number, string> {
  const successor = new Map<number, ImageProfile>();
  for (const j of profile.images) if (j.fromExec && j.parent !== null) successor.set(j.parent, j);
  const out = new Map<number, string>();
  for (const img of profile.images) {
    const next = successor.get(img.id);
    out.set(img.id, next && next.pid === img.pid && next.maps.start === img.maps.exit ? '' : img.maps.exit);
  }
  return out;
}

export class Symbolizer {
  private readonly images = new Map<number, ImageState>();
  /** Locations shared by every image that maps the same object: by object, then vaddr. */
  private readonly shared = new Map<LoadedObject, Map<number, Location>>();
  private readonly warned = new Set<string>();
  /** Objects that could not be read or have changed since the trace, one line each. */
  readonly warnings: string[] = [];

  private constructor(profile: Profile) {
    const exits = exitMaps(profile);
    for (const img of profile.images) {
      this.images.set(img.id, {
        space: new AddressSpace(exits.get(img.id)!, img.maps.start),
        vdso: img.vdso ? parseVdso(img.vdso) : null,
        objects: new Map(),
        cache: new Map(),
      });
    }
  }

  /** A symbolizer for `profile`, with every executed address of every image resolved. */
  static async forProfile(profile: Profile): Promise<Symbolizer> {
    const s = new Symbolizer(profile);
    // Name every symbol the profile hits in one batch through the C++ demangler.
    const names = new Set<string>();
    for (const img of profile.images) {
      const st = s.images.get(img.id)!;
      for (const pc of img.pcs) {
        const p = s.place(st, pc);
        if (p && p.sym >= 0) names.add(p.obj.symbols.names[p.sym]);
      }
    }
    demangleAll([...names]);
    for (const img of profile.images) for (const pc of img.pcs) s.lookup(img.id, pc);
    return s;
  }

  /** The location of runtime address `pc` in image `imageId` (cached, shared: read-only). */
  lookup(imageId: number, pc: number): Location {
    const st = this.images.get(imageId);
    if (!st) throw new RangeError(`symbolize: no image ${imageId} in the profile`);
    let loc = st.cache.get(pc);
    if (!loc) {
      loc = this.locate(st, pc);
      st.cache.set(pc, loc);
    }
    return loc;
  }

  private warn(msg: string): void {
    if (!this.warned.has(msg)) {
      this.warned.add(msg);
      this.warnings.push(msg);
    }
  }

  private fileObject(st: ImageState, m: Mapping): LoadedObject {
    let obj = st.objects.get(m.path);
    if (obj) return obj;
    if (m.deleted) {
      obj = unusableObject(m.path, `${m.path} was deleted or replaced during the trace`);
    } else {
      obj = loadObject(m.path);
      if (!obj.error && m.inode !== 0 && obj.inode !== 0 && obj.inode !== m.inode) {
        this.warn(`${m.path} has changed since the trace (inode ${m.inode}, now ${obj.inode}): its names may be wrong`);
      }
    }
    if (obj.error) this.warn(obj.error);
    st.objects.set(m.path, obj);
    return obj;
  }

  private place(st: ImageState, pc: number): Place | null {
    const m = st.space.find(pc);
    const v = st.vdso;
    if (v && (m ? m.path === VDSO : pc >= v.base && pc < v.base + v.size)) {
      const vaddr = fileOffsetToVaddr(v.object, pc - v.base, true);
      return { obj: v.object, vaddr, sym: v.object.symbols.find(vaddr) };
    }
    if (!m || !m.path.startsWith('/')) return null;
    const obj = this.fileObject(st, m);
    const vaddr = fileOffsetToVaddr(obj, pc - m.start + m.offset, m.exec);
    return { obj, vaddr, sym: obj.symbols.find(vaddr) };
  }

  private locate(st: ImageState, pc: number): Location {
    const p = this.place(st, pc);
    if (!p) return Object.freeze({ object: UNKNOWN, objectPath: '', func: `${UNKNOWN}+${hex(pc)}`, funcStart: -1, vaddr: pc });
    let byVaddr = this.shared.get(p.obj);
    if (!byVaddr) this.shared.set(p.obj, (byVaddr = new Map()));
    let loc = byVaddr.get(p.vaddr);
    if (!loc) {
      const { obj, vaddr, sym } = p;
      loc = Object.freeze({
        object: obj.name,
        objectPath: obj.path,
        func: sym >= 0 ? demangle(obj.symbols.names[sym]) : `${obj.name}+${hex(vaddr)}`,
        funcStart: sym >= 0 ? obj.symbols.starts[sym] : -1,
        vaddr,
      });
      byVaddr.set(vaddr, loc);
    }
    return loc;
  }
}
