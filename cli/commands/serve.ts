import type { Command } from 'commander';
import { createLogger } from '../../shared/log/logger.js';
import { startAwsMode } from '../../shim/aws/aws-mode.js';
import { loadShimConfig } from '../../shim/config.js';
import { startLocalMode } from '../../shim/local-mode.js';
import type { CliIo } from '../io.js';

/**
 * Adds `xaps serve`: the HTTP server for the Dovecot xaps plugin, pushing in-process
 * (XAPS_MODE=local) or through DynamoDB and SNS to the push function (XAPS_MODE=aws).
 */
export function addServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'run the HTTP server that the Dovecot xaps plugin talks to, and push new mail to ' +
        'APNs from this process, or with XAPS_MODE=aws hand registrations and new mail ' +
        'to DynamoDB and SNS (settings come from XAPS_* environment variables)',
    )
    .action(async () => {
      const config = loadShimConfig(io.env);
      const logger = createLogger('xaps-shim');
      const mode =
        config.mode === 'aws'
          ? await startAwsMode(config, logger)
          : await startLocalMode(config, logger);

      const signal = await waitForStopSignal();
      logger.info('stop signal received', { signal });
      await mode.stop();
    });
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
