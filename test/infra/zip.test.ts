import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipDirectory } from '../../infra/packaging/zip.ts';

interface ZipEntry {
  name: string;
  content: Buffer;
  crcMatches: boolean;
}

/** Reads an archive the way unzip does: from the end-of-central-directory record backwards. */
function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const content = inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize));
    entries.push({ name, content, crcMatches: crc32(content) === crc });
    at += 46 + nameLength;
  }
  return entries;
}

describe('zipDirectory', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'kaudit-zip-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('archives every file under the directory with its relative path and content', () => {
    // Prepare
    writeFileSync(join(directory, 'index.mjs'), 'export const handler = () => 1;\n'.repeat(100));
    mkdirSync(join(directory, 'nested'));
    writeFileSync(join(directory, 'nested', 'host.json'), '{"version":"2.0"}');

    // Act
    const entries = readZip(zipDirectory(directory));

    // Assess
    expect(entries.map((entry) => entry.name)).toEqual(['index.mjs', 'nested/host.json']);
    expect(entries[0]?.content.toString()).toBe('export const handler = () => 1;\n'.repeat(100));
    expect(entries[1]?.content.toString()).toBe('{"version":"2.0"}');
    expect(entries.every((entry) => entry.crcMatches)).toBe(true);
  });

  it('gives the same bytes for the same files, so a rebuilt bundle has the same hash', () => {
    // Prepare
    writeFileSync(join(directory, 'index.mjs'), 'export {};');

    // Act
    const first = zipDirectory(directory);
    const second = zipDirectory(directory);

    // Assess
    expect(second.equals(first)).toBe(true);
  });
});
