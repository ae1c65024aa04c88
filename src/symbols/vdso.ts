// The [vdso]: an ELF image the kernel maps into every process. It has no file, so the
// profile saves its bytes; symbols come from its .dynsym, addresses relative to its base.
import type { ImageProfile } from '../profile.js';
import { loadImage, type LoadedObject } from './objects.js';

export const VDSO = '[vdso]';

export interface Vdso {
  /** Runtime address of the first byte. */
  base: number;
  size: number;
  object: LoadedObject;
}

export function parseVdso(saved: NonNullable<ImageProfile['vdso']>): Vdso {
  const bytes = Buffer.from(saved.bytes, 'base64');
  return { base: parseInt(saved.base, 16), size: bytes.length, object: loadImage(bytes, VDSO, saved.bytes) };
}
