// Output files: checked before the trace starts, written atomically (temp file + rename), so
// a failed or interrupted run never leaves a half-written file behind.
import { accessSync, constants, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from './errors.js';

export function checkWritable(file: string): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new CliError(`cannot write ${file}: it is a directory (give a file name)`, EXIT.cantCreate);
  try {
    if (st) accessSync(abs, constants.W_OK);
    else accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'its directory does not exist' : 'permission denied';
    throw new CliError(`cannot write ${file}: ${why} (choose another path with -o)`, EXIT.cantCreate);
  }
}

export function writeAtomic(file: string, data: string | Buffer): void {
  const abs = path.resolve(file);
  let existing;
  try {
    existing = statSync(abs);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) {
    // /dev/null, a FIFO, /dev/stdout: write into it; renaming over it would replace it.
    try {
      writeFileSync(abs, data);
      return;
    } catch (e) {
      throw new CliError(`cannot write ${file}: ${(e as Error).message}`, EXIT.cantCreate);
    }
  }
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, abs);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`, EXIT.cantCreate);
  }
}
