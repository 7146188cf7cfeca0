import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { ConfigError } from '../shared/config/env.js';
import { CredentialError } from '../shared/credentials/load-certificate.js';
import { readLogLevel } from '../shared/log/logger.js';
import { ServeLockError } from '../shared/registrations/data-dir-lock.js';
import { RegistrationsFileError } from '../shared/registrations/sqlite-schema.js';
import { addCredentialCommands } from './commands/credential.js';
import { addPushCommands } from './commands/push-test.js';
import { addRegistrationsCommands } from './commands/registrations.js';
import { addServeCommand } from './commands/serve.js';
import { CliError, type CliIo } from './io.js';

/** Builds the `xaps` command tree; output goes through `io`, never straight to the process. */
export function createProgram(io: CliIo): Command {
  const program = new Command('xaps')
    .description('iOS Mail push (XAPPLEPUSHSERVICE) for any IMAP server')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .version(packageJson.version, '-V, --version', 'print the xaps version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    // Every command stops on an invalid log level before doing anything.
    .hook('preAction', () => {
      readLogLevel(io.env);
    });

  addServeCommand(program, io);
  addRegistrationsCommands(program, io);
  addPushCommands(program, io);
  addCredentialCommands(program, io);
  return program;
}

/** Runs the CLI with `args` (without node and script) and returns the exit status. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help, with exit code 0).
      return error.exitCode;
    }
    io.err(`xaps: ${describeError(error)}\n`);
    return 1;
  }
}

function describeError(error: unknown): string {
  const known =
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof CredentialError ||
    error instanceof ServeLockError ||
    error instanceof RegistrationsFileError;
  if (known) {
    return error.message;
  }
  if (error instanceof Error) {
    return error.stack ?? error.message;
  }
  return String(error);
}
