// Command-line entry: argument parsing (commander) and the one-line error convention.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { addRunOptions } from './ci/run-options.js';
import { register as registerBench } from './commands/bench.js';
import { register as registerCompare } from './commands/compare.js';
import { flameCommand } from './commands/flame.js';
import { register as registerMerge } from './commands/merge.js';
import { reportCommand } from './commands/report.js';
import { addDisplayOptions } from './commands/report-options.js';
import { runCommand } from './commands/run.js';
import { CliError, EXIT } from './errors.js';
import { addRegionOptions, parsePid } from './region/cli-options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

function fail(message: string, status: number): never {
  process.stderr.write(`stepcount: ${message}\n`);
  process.exit(status);
}

export function buildProgram(): Command {
  const program = new Command('stepcount')
    .description('Exact instruction counts for any Linux x86-64 command, by ptrace single-stepping.')
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} }); // errors are printed by main(), on one line

  const run = program
    .command('run')
    .description('run a command, count every instruction it executes, report on stderr')
    .argument('[command...]', 'the command and its arguments (put -- before it)')
    .option('-o, --output <file>', 'write the full profile as JSON (atomically)')
    .option('-q, --quiet', 'no progress line and no report (use with -o)')
    .option('--no-follow', 'trace only the first process (child processes run untraced)')
    .option('--aslr', 'keep address-space randomisation on (default: off, for reproducible counts)')
    .option('--no-pin', 'do not pin stepcount and the command to one CPU');
  addRunOptions(run);
  addRegionOptions(run);
  addDisplayOptions(run)
    .passThroughOptions()
    .exitOverride()
    .action(async (argv: string[], opts) => {
      const { status } = await runCommand(argv, opts);
      process.exitCode = status;
    });

  const attach = program
    .command('attach')
    .description('attach to a running process, count what it executes until Ctrl-C / --duration / its exit, then detach')
    .argument('<pid>', 'the process id', parsePid)
    .option('-o, --output <file>', 'write the full profile as JSON (atomically)')
    .option('-q, --quiet', 'no progress line and no report (use with -o)')
    .option('--no-follow', 'do not trace processes it forks meanwhile');
  addRegionOptions(attach, { pid: false });
  addDisplayOptions(attach)
    .exitOverride()
    .action(async (pid: number, opts) => {
      const { status } = await runCommand([], { ...opts, pid, pin: false });
      process.exitCode = status;
    });

  addDisplayOptions(
    program
      .command('report')
      .description('print the report of a saved profile (from run -o), or export it')
      .argument('<profile>', 'profile JSON written by stepcount run -o'),
  )
    .exitOverride()
    .action((file: string, opts) => reportCommand(file, opts));

  program
    .command('flame')
    .description('write a self-contained HTML flame graph of a saved profile')
    .argument('<profile>', 'profile JSON written by stepcount run -o')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .exitOverride()
    .action((file: string, opts) => flameCommand(file, opts));

  registerCompare(program);
  registerBench(program);
  registerMerge(program);
  return program;
}

export async function main(args: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        process.exit(0);
      }
      if (e.code === 'commander.executeSubCommandAsync') process.exit(e.exitCode);
      fail(e.message.replace(/^error: /, '').replace(/\n+/g, ' ').replace(/\(Did you mean/, '(did you mean'), EXIT.usage);
    }
    if (e instanceof CliError) fail(e.message, e.status);
    const detail = process.env.STEPCOUNT_DEBUG ? ((e as Error).stack ?? String(e)) : (e as Error).message;
    fail(`internal error: ${detail.replace(/\n+/g, ' ')} (please report this; STEPCOUNT_DEBUG=1 shows the stack)`, EXIT.software);
  }
}
