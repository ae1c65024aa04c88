// Minimal ELF64 little-endian reader: headers, program headers, section headers, symbol
// tables, RELA relocations and notes. Reads only the parts it is asked for, from a file
// descriptor (files) or a Buffer (the [vdso] image saved in the profile).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_NOTE = 4;
export const PF_X = 1;
export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHF_EXECINSTR = 4;
export const STT_NOTYPE = 0;
export const STT_FUNC = 2;
export const STT_GNU_IFUNC = 10;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;

export interface Segment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface Section {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface RawSymbol {
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  shndx: number;
}

export interface Rela {
  offset: number;
  sym: number;
  type: number;
  addend: number;
}

/** Random access to the bytes of an ELF image. */
interface Source {
  size: number;
  read(offset: number, length: number): Buffer;
  close(): void;
}

function fileSource(path: string): Source {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return done === length ? buf : buf.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

function bufferSource(bytes: Buffer): Source {
  return { size: bytes.length, read: (o, l) => bytes.subarray(o, o + l), close() {} };
}

/** An unsigned 64-bit little-endian field as a Number (exact below 2^53). */
export function u64(b: Buffer, o: number): number {
  return b.readUInt32LE(o) + b.readUInt32LE(o + 4) * 0x1_0000_0000;
}

export class ElfError extends Error {}

export class Elf {
  readonly type: number;
  readonly segments: Segment[] = [];
  readonly sections: Section[] = [];
  private readonly src: Source;

  private constructor(src: Source, what: string) {
    this.src = src;
    const h = src.read(0, 64);
    if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46) throw new ElfError(`${what}: not an ELF file`);
    if (h[4] !== 2) throw new ElfError(`${what}: not a 64-bit ELF file (only ELF64 little-endian is supported)`);
    if (h[5] !== 1) throw new ElfError(`${what}: big-endian ELF (only ELF64 little-endian is supported)`);
    this.type = h.readUInt16LE(16);
    const phoff = u64(h, 32);
    const shoff = u64(h, 40);
    const phentsize = h.readUInt16LE(54);
    let phnum = h.readUInt16LE(56);
    const shentsize = h.readUInt16LE(58);
    let shnum = h.readUInt16LE(60);
    let shstrndx = h.readUInt16LE(62);
    if (shoff && shentsize >= 64) {
      // Extended numbering: the real counts live in section header 0.
      const s0 = src.read(shoff, 64);
      if (s0.length === 64) {
        if (shnum === 0) shnum = u64(s0, 32);
        if (shstrndx === 0xffff) shstrndx = s0.readUInt32LE(40);
        if (phnum === 0xffff) phnum = s0.readUInt32LE(44);
      }
    }
    if (phoff && phentsize >= 56) {
      const ph = src.read(phoff, phnum * phentsize);
      for (let i = 0; (i + 1) * phentsize <= ph.length; i++) {
        const o = i * phentsize;
        this.segments.push({
          type: ph.readUInt32LE(o),
          flags: ph.readUInt32LE(o + 4),
          offset: u64(ph, o + 8),
          vaddr: u64(ph, o + 16),
          filesz: u64(ph, o + 32),
          memsz: u64(ph, o + 40),
        });
      }
    }
    if (shoff && shentsize >= 64 && shnum > 0 && shnum < 0x10000) {
      const sh = src.read(shoff, shnum * shentsize);
      const raw: (Section & { nameOff: number })[] = [];
      for (let i = 0; (i + 1) * shentsize <= sh.length; i++) {
        const o = i * shentsize;
        raw.push({
          nameOff: sh.readUInt32LE(o),
          name: '',
          type: sh.readUInt32LE(o + 4),
          flags: u64(sh, o + 8),
          addr: u64(sh, o + 16),
          offset: u64(sh, o + 24),
          size: u64(sh, o + 32),
          link: sh.readUInt32LE(o + 40),
          info: sh.readUInt32LE(o + 44),
          entsize: u64(sh, o + 56),
        });
      }
      const strtab = raw[shstrndx];
      const names = strtab && strtab.type !== SHT_NOBITS ? src.read(strtab.offset, strtab.size) : Buffer.alloc(0);
      for (const { nameOff, ...s } of raw) this.sections.push({ ...s, name: cstr(names, nameOff) });
    }
  }

  static open(path: string): Elf {
    const src = fileSource(path);
    try {
      return new Elf(src, path);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  static fromBytes(bytes: Buffer, what: string): Elf {
    return new Elf(bufferSource(bytes), what);
  }

  close(): void {
    this.src.close();
  }

  get fileSize(): number {
    return this.src.size;
  }

  section(name: string): Section | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Contents of a section (empty for SHT_NOBITS). */
  contents(s: Section): Buffer {
    return s.type === SHT_NOBITS ? Buffer.alloc(0) : this.src.read(s.offset, s.size);
  }

  read(offset: number, length: number): Buffer {
    return this.src.read(offset, length);
  }

  /**
   * Entries of a SYMTAB/DYNSYM section, names resolved through its linked string table.
   * `keep` filters before the (costly) name decoding; filtered entries come back as null
   * so that indexes still match the table.
   */
  symbols(s: Section, keep?: SymbolFilter): (RawSymbol | null)[] {
    const strs = this.sections[s.link];
    return parseSymbols(this.contents(s), strs ? this.contents(strs) : Buffer.alloc(0), keep);
  }

  /** Entries of a RELA section. */
  relocations(s: Section): Rela[] {
    const b = this.contents(s);
    const out: Rela[] = [];
    for (let o = 0; o + 24 <= b.length; o += 24) {
      out.push({
        offset: u64(b, o),
        type: b.readUInt32LE(o + 8),
        sym: b.readUInt32LE(o + 12),
        addend: Number(b.readBigInt64LE(o + 16)),
      });
    }
    return out;
  }

  /** The GNU build-id (hex), from a note section or PT_NOTE segment; '' if none. */
  buildId(): string {
    const notes = this.sections.filter((s) => s.type === 7 /* SHT_NOTE */).map((s) => this.contents(s));
    if (notes.length === 0) {
      for (const p of this.segments) if (p.type === PT_NOTE) notes.push(this.src.read(p.offset, p.filesz));
    }
    for (const b of notes) {
      for (let o = 0; o + 12 <= b.length; ) {
        const nsz = b.readUInt32LE(o);
        const dsz = b.readUInt32LE(o + 4);
        const type = b.readUInt32LE(o + 8);
        const name = b.toString('latin1', o + 12, o + 12 + nsz).replace(/\0+$/, '');
        const desc = o + 12 + align4(nsz);
        if (type === 3 /* NT_GNU_BUILD_ID */ && name === 'GNU') return b.toString('hex', desc, desc + dsz);
        o = desc + align4(dsz);
      }
    }
    return '';
  }
}

const align4 = (n: number) => (n + 3) & ~3;

export function cstr(b: Buffer, off: number): string {
  if (off >= b.length) return '';
  const end = b.indexOf(0, off);
  return b.toString('utf8', off, end < 0 ? b.length : end);
}

export type SymbolFilter = (type: number, shndx: number, value: number) => boolean;

export function parseSymbols(syms: Buffer, strs: Buffer, keep?: SymbolFilter): (RawSymbol | null)[] {
  const out: (RawSymbol | null)[] = [];
  for (let o = 0; o + 24 <= syms.length; o += 24) {
    const info = syms[o + 4];
    const type = info & 0xf;
    const shndx = syms.readUInt16LE(o + 6);
    const value = u64(syms, o + 8);
    if (keep && !keep(type, shndx, value)) {
      out.push(null);
      continue;
    }
    out.push({ name: cstr(strs, syms.readUInt32LE(o)), type, bind: info >> 4, shndx, value, size: u64(syms, o + 16) });
  }
  return out;
}
