// Loaded objects: one parsed ELF file (or the [vdso] image) with its load segments, its
// function symbol table and whether it has line info. Parsed once per run: cached by path
// and the file's identity (device, inode, mtime, size).
import { statSync } from 'node:fs';
import path from 'node:path';
import { findDebugFile } from './debug-file.js';
import {
  Elf,
  PF_X,
  PT_LOAD,
  SHF_EXECINSTR,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_DYNSYM,
  SHT_SYMTAB,
  STT_FUNC,
  STT_GNU_IFUNC,
  STT_NOTYPE,
  type RawSymbol,
  type Section,
  type Segment,
} from './elf.js';
import { pltSymbols } from './plt.js';
import { SymbolTable, type SymbolCandidate } from './symbol-table.js';

const PAGE = 4096;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const EMPTY = SymbolTable.build([]);

export interface LoadedObject {
  /** Path as given ("" for [vdso]). */
  path: string;
  /** Short name: basename, or "[vdso]". */
  name: string;
  /** Why the file could not be used (then there are no symbols), else null. */
  error: string | null;
  /** Inode of the file that was parsed (0 if unknown). */
  inode: number;
  loads: Segment[];
  symbols: SymbolTable;
  /** Separate debug file used for symbols / lines, or null. */
  debugFile: string | null;
  /** .debug_line present in the object or its debug file. */
  hasLineInfo: boolean;
}

/** ELF virtual address of a file offset, as mapped by a mapping that is (not) executable. */
export function fileOffsetToVaddr(obj: LoadedObject, off: number, exec: boolean): number {
  let best: Segment | undefined;
  for (const p of obj.loads) {
    const lo = p.offset - (p.offset % PAGE);
    if (off < lo || off >= p.offset + Math.max(p.filesz, 1)) continue;
    if (!best || ((p.flags & PF_X) !== 0) === exec) best = p;
  }
  return best ? off - best.offset + best.vaddr : off;
}

// Which symbol names an address when several start there: functions over untyped labels
// over PLT stubs; exported (global or weak) over local; fewer leading underscores (memcpy
// rather than __new_memcpy); then global over weak.
function rank(s: RawSymbol): number {
  const type = s.type === STT_NOTYPE ? 1 : 2;
  const exported = s.bind === STB_LOCAL ? 0 : 1;
  const underscores = Math.min(3, /^_*/.exec(s.name)![0].length);
  return type * 1000 + exported * 100 + (3 - underscores) * 10 + (s.bind === STB_GLOBAL ? 1 : 0);
}
const PLT_RANK = 0;

function symbolCandidates(elf: Elf, tables: Section[], sections: Section[], loads: Segment[]): SymbolCandidate[] {
  const isExec = (shndx: number) => shndx < sections.length && (sections[shndx].flags & SHF_EXECINSTR) !== 0;
  const segEnd = (v: number) => {
    for (const p of loads) if (v >= p.vaddr && v < p.vaddr + p.memsz) return p.vaddr + p.memsz;
    return Infinity;
  };
  const limit = (s: RawSymbol) =>
    s.shndx !== SHN_UNDEF && s.shndx < SHN_LORESERVE && s.shndx < sections.length && sections[s.shndx].size > 0
      ? sections[s.shndx].addr + sections[s.shndx].size
      : segEnd(s.value);
  const funcs: SymbolCandidate[] = [];
  const labels: RawSymbol[] = [];
  for (const t of tables) {
    const keep = (type: number, shndx: number, value: number) =>
      value !== 0 && shndx !== SHN_UNDEF && (type === STT_FUNC || type === STT_GNU_IFUNC || (type === STT_NOTYPE && isExec(shndx)));
    for (const s of elf.symbols(t, keep)) {
      if (!s || s.name === '') continue;
      if (s.type === STT_NOTYPE) {
        if (!s.name.startsWith('.L') && !s.name.startsWith('$')) labels.push(s);
      } else funcs.push({ start: s.value, size: s.size, name: s.name, rank: rank(s), limit: limit(s) });
    }
  }
  if (labels.length === 0) return funcs;
  // Untyped labels (hand-written assembly) name code that no function covers.
  const covered = SymbolTable.build(funcs.map((c) => ({ ...c })));
  for (const s of labels) {
    if (covered.find(s.value) < 0) funcs.push({ start: s.value, size: s.size, name: s.name, rank: rank(s), limit: limit(s) });
  }
  return funcs;
}

function build(elf: Elf, file: string, name: string, inode: number): LoadedObject {
  const loads = elf.segments.filter((p) => p.type === PT_LOAD);
  let symtabs = elf.sections.filter((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM);
  let debugFile: string | null = null;
  let hasLineInfo = elf.sections.some((s) => s.name === '.debug_line' || s.name === '.zdebug_line');
  let cands: SymbolCandidate[];
  const needDebug = file !== '' && (!hasLineInfo || !symtabs.some((s) => s.type === SHT_SYMTAB));
  const dbgPath = needDebug ? findDebugFile(elf, file) : null;
  let dbg: Elf | null = null;
  try {
    if (dbgPath) dbg = Elf.open(dbgPath);
  } catch {
    dbg = null;
  }
  try {
    cands = symbolCandidates(elf, symtabs, elf.sections, loads);
    if (dbg) {
      debugFile = dbgPath;
      hasLineInfo ||= dbg.sections.some((s) => s.name === '.debug_line' || s.name === '.zdebug_line');
      symtabs = dbg.sections.filter((s) => s.type === SHT_SYMTAB);
      // The debug file's section headers carry the same addresses as the object's.
      cands.push(...symbolCandidates(dbg, symtabs, dbg.sections, loads));
    }
  } finally {
    dbg?.close();
  }
  const primary = SymbolTable.build(cands.map((c) => ({ ...c })));
  const symbolAt = (v: number) => {
    const i = primary.find(v);
    return i >= 0 && primary.starts[i] === v ? primary.names[i] : null;
  };
  const plt = pltSymbols(elf, name, PLT_RANK, symbolAt);
  const symbols = plt.length ? SymbolTable.build([...cands, ...plt]) : primary;
  return { path: file, name, error: null, inode, loads, symbols, debugFile, hasLineInfo };
}

function failed(file: string, error: string, inode = 0): LoadedObject {
  return { path: file, name: path.basename(file), error, inode, loads: [], symbols: EMPTY, debugFile: null, hasLineInfo: false };
}

const files = new Map<string, LoadedObject>();
const images = new Map<string, LoadedObject>();

/** The object at `file`, parsed once per identity of the file. Never throws. */
export function loadObject(file: string): LoadedObject {
  let key: string;
  let inode = 0;
  try {
    const st = statSync(file);
    inode = st.ino;
    key = `${file}\0${st.dev}:${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch (e) {
    return failed(file, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let obj = files.get(key);
  if (!obj) {
    let elf: Elf | undefined;
    try {
      elf = Elf.open(file);
      obj = build(elf, file, path.basename(file), inode);
    } catch (e) {
      const msg = (e as Error).message;
      obj = failed(file, msg.startsWith(file) ? msg : `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? msg}`, inode);
    } finally {
      elf?.close();
    }
    files.set(key, obj);
  }
  return obj;
}

/** An ELF image held in memory (the [vdso]), parsed once per distinct content. */
export function loadImage(bytes: Buffer, name: string, key: string): LoadedObject {
  const k = `${name}\0${key}`;
  let obj = images.get(k);
  if (!obj) {
    try {
      obj = build(Elf.fromBytes(bytes, name), '', name, 0);
    } catch (e) {
      obj = { ...failed('', (e as Error).message), name };
    }
    images.set(k, obj);
  }
  return obj;
}

/** A file mapping that cannot be trusted (deleted or replaced file): no symbols. */
export function unusableObject(file: string, why: string): LoadedObject {
  return failed(file, why);
}
