// execvp-style lookup of the command, done before tracing so "not found" and "not executable"
// are reported clearly instead of as a traced program that failed.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from './errors.js';

function kind(file: string): 'missing' | 'dir' | 'noexec' | 'ok' {
  let st;
  try {
    st = statSync(file);
  } catch {
    return 'missing';
  }
  if (st.isDirectory()) return 'dir';
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'noexec';
  }
  return st.isFile() ? 'ok' : 'noexec';
}

/** Absolute path of the executable `command` names, or a CliError saying why there is none. */
export function resolveCommand(command: string, cwd: string, pathEnv: string | undefined): string {
  if (command === '') throw new CliError('empty command name', EXIT.usage);
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    const k = kind(file);
    if (k === 'ok') return file;
    if (k === 'missing') throw new CliError(`command not found: ${command} (no such file; check the path)`, EXIT.notFound);
    if (k === 'dir') throw new CliError(`not executable: ${command} is a directory`, EXIT.notExecutable);
    throw new CliError(`not executable: ${command} (permission denied; try chmod +x ${command})`, EXIT.notExecutable);
  }
  let sawNoExec: string | undefined;
  for (const dir of (pathEnv ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const file = path.resolve(cwd, dir || '.', command);
    const k = kind(file);
    if (k === 'ok') return file;
    if (k === 'noexec') sawNoExec ??= file;
  }
  if (sawNoExec) throw new CliError(`not executable: ${sawNoExec} (permission denied; try chmod +x ${sawNoExec})`, EXIT.notExecutable);
  throw new CliError(`command not found: ${command} (not in PATH; give its path, e.g. ./${command})`, EXIT.notFound);
}
