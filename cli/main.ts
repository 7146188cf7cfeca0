// Entry point of the `xaps` command; `npm start` runs `xaps serve`.
import { ignoreClosedPipe } from './closed-pipe.js';
import { runCli } from './program.js';

ignoreClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
