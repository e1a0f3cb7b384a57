import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A zip archive of a directory, written with node built-ins only (no zip tool needed where the
 * packaging runs). Deflate, UTF-8 names, no zip64 (a function bundle is far below 4 GiB), and a
 * fixed timestamp so the same files always give the same bytes.
 */
export function zipDirectory(directory: string): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const path of filesUnder(directory)) {
    const entry = zipEntry(relative(directory, path).split(sep).join('/'), readFileSync(path), offset);
    locals.push(entry.local);
    centrals.push(entry.central);
    offset += entry.local.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  return Buffer.concat([...locals, centralDirectory, endOfCentralDirectory(centrals.length, centralDirectory.length, offset)]);
}

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY_UNIX = (3 << 8) | VERSION_NEEDED;
const FLAG_UTF8_NAME = 0x0800;
const METHOD_DEFLATE = 8;
const DOS_DATE_1980_01_01 = (1 << 5) | 1;
const REGULAR_FILE_RW_R_R = (0o100644 << 16) >>> 0;
const MAX_UINT32 = 0xffffffff;

function zipEntry(name: string, data: Buffer, offset: number): { local: Buffer; central: Buffer } {
  const compressed = deflateRawSync(data, { level: 9 });
  if (data.length > MAX_UINT32 || offset > MAX_UINT32) throw new Error(`${name}: too large for a zip without zip64`);
  const nameBytes = Buffer.from(name, 'utf8');
  const shared = { crc: crc32(data), compressedSize: compressed.length, size: data.length, nameLength: nameBytes.length };

  const local = Buffer.alloc(30);
  local.writeUInt32LE(LOCAL_FILE_HEADER, 0);
  local.writeUInt16LE(VERSION_NEEDED, 4);
  writeCommonFields(local, 6, shared);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(CENTRAL_DIRECTORY_HEADER, 0);
  central.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
  central.writeUInt16LE(VERSION_NEEDED, 6);
  writeCommonFields(central, 8, shared);
  // Comment length, disk number and internal attributes stay zero.
  central.writeUInt32LE(REGULAR_FILE_RW_R_R, 38);
  central.writeUInt32LE(offset, 42);

  return { local: Buffer.concat([local, nameBytes, compressed]), central: Buffer.concat([central, nameBytes]) };
}

/** The fields local and central headers share, from "general purpose flags" to "extra length". */
function writeCommonFields(header: Buffer, at: number, entry: { crc: number; compressedSize: number; size: number; nameLength: number }): void {
  header.writeUInt16LE(FLAG_UTF8_NAME, at);
  header.writeUInt16LE(METHOD_DEFLATE, at + 2);
  header.writeUInt16LE(0, at + 4); // time 00:00:00
  header.writeUInt16LE(DOS_DATE_1980_01_01, at + 6);
  header.writeUInt32LE(entry.crc, at + 8);
  header.writeUInt32LE(entry.compressedSize, at + 12);
  header.writeUInt32LE(entry.size, at + 16);
  header.writeUInt16LE(entry.nameLength, at + 20);
  header.writeUInt16LE(0, at + 22); // no extra field
}

function endOfCentralDirectory(entries: number, size: number, offset: number): Buffer {
  if (entries > 0xffff || offset > MAX_UINT32) throw new Error('too many files for a zip without zip64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return end;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((item) => {
      const path = join(directory, item.name);
      return item.isDirectory() ? filesUnder(path) : [path];
    });
}
