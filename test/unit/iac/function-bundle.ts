import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LOCAL_HEADER = 0x04034b50;

/**
 * Reads the first entry of a function zip written by scripts/package-zip.mjs, which
 * stores the sizes in the local header and deflates every entry.
 */
export async function firstZipEntry(
  zipPath: string,
): Promise<{ name: string; data: Buffer }> {
  const zip = await readFile(join(ROOT, zipPath));
  if (zip.readUInt32LE(0) !== LOCAL_HEADER) {
    throw new Error(`${zipPath} does not start with a zip local file header`);
  }
  const compressedSize = zip.readUInt32LE(18);
  const nameLength = zip.readUInt16LE(26);
  const extraLength = zip.readUInt16LE(28);
  const start = 30 + nameLength + extraLength;
  return {
    name: zip.subarray(30, 30 + nameLength).toString('utf8'),
    data: inflateRawSync(zip.subarray(start, start + compressedSize)),
  };
}

/**
 * Imports a bundle in a fresh Node process with no AWS settings, as Lambda's runtime
 * would at cold start, and returns the type of each named export.
 */
export async function exportTypes(
  code: Buffer,
  names: string[],
): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'xaps-bundle-'));
  try {
    const file = join(dir, 'index.mjs');
    await writeFile(file, code);
    const script =
      'const m = await import(process.argv[1]);' +
      'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(2).map((n) => [n, typeof m[n]]))));';
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, file, ...names],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(`importing the bundle failed:\n${result.stderr}`);
    }
    return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<
      string,
      string
    >;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
