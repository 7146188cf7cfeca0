import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import { noCredentialWarning } from '../../../shim/credential-files.js';

async function help(...args: string[]): Promise<string> {
  let out = '';
  await runCli([...args, '--help'], {
    env: {},
    out: (text) => {
      out += text;
    },
    err: () => {},
  });
  // Commander wraps long descriptions; the checks read them as one line.
  return out.replace(/\s+/g, ' ');
}

describe('xaps credential help', () => {
  it('says where each subcommand works', async () => {
    const text = await help('credential');

    expect(text).toContain('inspect and request work on files');
    expect(text).toContain('import and status use the local data directory');
    expect(text).toContain('clear-block is for the AWS deployment only');
  });

  it.each(['inspect', 'import', 'request', 'status', 'clear-block'])(
    'lists the %s subcommand',
    async (name) => {
      expect(await help('credential')).toContain(` ${name} `);
    },
  );

  it('offers token key import options', async () => {
    const text = await help('credential', 'import');

    for (const option of ['--p8 <file>', '--key-id <id>', '--team-id <id>', '--topic']) {
      expect(text).toContain(option);
    }
  });

  it('marks clear-block as AWS only', async () => {
    expect(await help('credential', 'clear-block')).toContain('AWS deployment only');
  });
});

describe('no-credential warning', () => {
  it.each([undefined, 'com.apple.mail.XServer.known'])(
    'offers the import with topic %s',
    (known) => {
      const warning = noCredentialWarning(known);

      expect(warning).toContain('`xaps credential import`');
      expect(warning).toContain('XAPS_APNS_TOKEN_KEY');
    },
  );
});

describe('docs/credentials.md', () => {
  it('links the XServer route page', () => {
    const text = readFileSync(
      new URL('../../../docs/credentials.md', import.meta.url),
      'utf8',
    );

    expect(text).toContain('](xserver.md)');
  });
});
