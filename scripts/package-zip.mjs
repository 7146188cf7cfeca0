// Writes zip archives whose bytes depend only on the files' names and contents: fixed
// timestamps and permissions, so an unchanged bundle keeps its hash and osls skips
// uploading and updating that function.
import { writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const DEFLATE = 8;
/** Version 2.0 (deflate) made by Unix (3), so readers apply the mode bits below. */
const MADE_BY_UNIX = (3 << 8) | 20;
const NEEDED_VERSION = 20;
/** 1980-01-01 00:00:00, the earliest DOS date a zip entry can carry. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Regular file, rw-r--r--: Lambda's runtime user only needs to read the code. */
const FILE_MODE = 0o100644;

/**
 * Writes a zip of `entries` ({ name, data: Buffer }) to `path`, deflated, in the given
 * order. Names use forward slashes. Archives stay below 4 GiB (no zip64).
 */
export async function writeZip(path, entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;

  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const fields = {
      crc: crc32(entry.data),
      compressedSize: compressed.length,
      size: entry.data.length,
    };

    const local = Buffer.concat([localHeader(name, fields), name, compressed]);
    centrals.push(Buffer.concat([centralHeader(name, fields, offset), name]));
    locals.push(local);
    offset += local.length;
  }

  const central = Buffer.concat(centrals);
  await writeFile(
    path,
    Buffer.concat([
      ...locals,
      central,
      endRecord(entries.length, central.length, offset),
    ]),
  );
}

function localHeader(name, fields) {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(NEEDED_VERSION, 4);
  header.writeUInt16LE(0x0800, 6); // bit 11: the name is UTF-8
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  header.writeUInt32LE(fields.crc, 14);
  header.writeUInt32LE(fields.compressedSize, 18);
  header.writeUInt32LE(fields.size, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  return header;
}

function centralHeader(name, fields, localOffset) {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(MADE_BY_UNIX, 4);
  header.writeUInt16LE(NEEDED_VERSION, 6);
  header.writeUInt16LE(0x0800, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(fields.crc, 16);
  header.writeUInt32LE(fields.compressedSize, 20);
  header.writeUInt32LE(fields.size, 24);
  header.writeUInt16LE(name.length, 28);
  // Extra field, comment, disk number and internal attributes stay zero.
  header.writeUInt32LE(FILE_MODE * 0x10000, 38);
  header.writeUInt32LE(localOffset, 42);
  return header;
}

function endRecord(count, centralSize, centralOffset) {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(END_OF_CENTRAL, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(centralSize, 12);
  record.writeUInt32LE(centralOffset, 16);
  return record;
}
