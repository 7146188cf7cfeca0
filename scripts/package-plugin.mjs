// osls plugin (listed in serverless.yml): bundles the Lambda functions with esbuild before
// osls packages or deploys them, so `osls package`, `osls deploy` and
// `osls deploy function -f push` never ship a stale zip.
import { buildFunctions } from './build-functions.mjs';

export default class BuildFunctionsPlugin {
  /**
   * Registers the build before osls reads the artifacts. `log` comes from osls for
   * plugins it loads by name; a local plugin may get none, so stderr is the fallback.
   */
  constructor(_serverless, options, utils = {}) {
    const log = utils.log?.notice ?? ((text) => process.stderr.write(`${text}\n`));
    const run = async (names) => {
      const started = performance.now();
      const zips = await buildFunctions(names);
      const ms = Math.round(performance.now() - started);
      log(`Bundled ${zips.join(', ')} with esbuild in ${ms} ms`);
    };

    this.hooks = {
      'before:package:createDeploymentArtifacts': () => run([]),
      'before:deploy:function:packageFunction': () => run([options.function]),
    };
  }
}
