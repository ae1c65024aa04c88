// stepcount's own exit statuses (the traced command's status passes through unchanged).
// They follow sysexits.h and the shell's 126/127 convention; the README lists them.
export const EXIT = {
  usage: 64, // unknown option, missing command, bad option value
  dataErr: 65, // the input file is not a stepcount profile (or not one this version reads)
  noInput: 66, // the input file cannot be read
  software: 70, // internal error (a bug: please report it)
  cantCreate: 73, // the output file cannot be written
  noPerm: 77, // ptrace is not permitted here
  notExecutable: 126,
  notFound: 127,
  sigint: 130,
  sigterm: 143,
} as const;

/** An error the CLI prints as one line ("stepcount: <message>") and exits with `status`. */
export class CliError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'CliError';
  }
}
