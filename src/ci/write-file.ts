// Writing an output file: atomically (temp file + rename) for ordinary paths, but in place for
// an existing device, FIFO or socket (/dev/stdout, /dev/null, a pipe): renaming onto those
// would replace the device node itself.
import { statSync, writeFileSync } from 'node:fs';
import { CliError, EXIT } from '../errors.js';
import { writeAtomic } from '../output-file.js';

export function writeOutput(file: string, data: string): void {
  let special = false;
  try {
    special = !statSync(file).isFile();
  } catch {
    /* does not exist yet: an ordinary file */
  }
  if (!special) return writeAtomic(file, data);
  try {
    writeFileSync(file, data);
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`, EXIT.cantCreate);
  }
}
