// Readable names: C++ (Itanium) through the addon's demangler, in batches; Rust legacy
// symbols (`_ZN...17h<hash>E`) decoded here. Rust v0 (`_R...`) and C names pass unchanged.
// Suffixes after '@' (symbol versions, "@plt") are kept as they are.
import { demangleCxx } from '../native.js';

const cache = new Map<string, string>();

const RUST_ESCAPES: Record<string, string> = {
  SP: '@',
  BP: '*',
  RF: '&',
  LT: '<',
  GT: '>',
  LP: '(',
  RP: ')',
  C: ',',
};

function rustIdent(id: string): string | null {
  if (id.startsWith('_$')) id = id.slice(1);
  let out = '';
  for (let i = 0; i < id.length; ) {
    const c = id[i];
    if (c === '$') {
      const end = id.indexOf('$', i + 1);
      if (end < 0) return null;
      const esc = id.slice(i + 1, end);
      if (esc in RUST_ESCAPES) out += RUST_ESCAPES[esc];
      else if (/^u[0-9a-f]{1,6}$/.test(esc)) out += String.fromCodePoint(parseInt(esc.slice(1), 16));
      else return null;
      i = end + 1;
    } else if (c === '.') {
      if (id[i + 1] === '.') {
        out += '::';
        i += 2;
      } else {
        out += '.';
        i += 1;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Decodes a Rust legacy symbol, or returns null if `name` is not one. */
export function demangleRustLegacy(name: string): string | null {
  if (!name.startsWith('_ZN')) return null;
  const parts: string[] = [];
  let i = 3;
  while (i < name.length && name[i] !== 'E') {
    const m = /^\d+/.exec(name.slice(i, i + 12));
    if (!m) return null;
    const len = Number(m[0]);
    i += m[0].length;
    if (len === 0 || i + len > name.length) return null;
    parts.push(name.slice(i, i + len));
    i += len;
  }
  if (name[i] !== 'E' || parts.length < 2) return null;
  const hash = parts[parts.length - 1];
  if (!/^h[0-9a-f]{16}$/.test(hash)) return null;
  const idents = parts.slice(0, -1).map(rustIdent);
  if (idents.some((p) => p === null)) return null;
  // Keep clone suffixes like ".cold", drop LLVM's ".llvm.<digits>" uniquifier.
  const suffix = name.slice(i + 1).replace(/\.llvm\.[0-9a-f.]+$/i, '');
  return idents.join('::') + suffix;
}

function split(name: string): [string, string] {
  const at = name.indexOf('@');
  return at > 0 ? [name.slice(0, at), name.slice(at)] : [name, ''];
}

/** Readable forms of `names` (same order); one call into the C++ demangler for all of them. */
export function demangleAll(names: string[]): string[] {
  const cxx: string[] = [];
  for (const n of names) {
    if (cache.has(n)) continue;
    const [base, suffix] = split(n);
    const rust = demangleRustLegacy(base);
    if (rust !== null) cache.set(n, rust + suffix);
    else if (base.startsWith('_Z')) cxx.push(n);
    else cache.set(n, n);
  }
  if (cxx.length > 0) {
    const unique = [...new Set(cxx)];
    const out = demangleCxx(unique.map((n) => split(n)[0]));
    unique.forEach((n, k) => cache.set(n, (out[k] || split(n)[0]) + split(n)[1]));
  }
  return names.map((n) => cache.get(n) ?? n);
}

export function demangle(name: string): string {
  return cache.get(name) ?? demangleAll([name])[0];
}
