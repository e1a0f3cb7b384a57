/**
 * Compressed envelopes that lie: corrupt gzip, base64 that is not, and a decompression bomb that
 * inflates to 2 GiB. Each is quarantined with a reason, and the bomb never gets past the limit.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { constants, createGzip, gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeFirehoseRecord } from '../../shared/sources/firehose/decode-firehose-record.ts';
import { auditEvent, cloudWatchPayload, DECODER_CONTEXT, firehoseRecord } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { MemoryObjectStore, temporaryFileStore } from '../helpers/lake.ts';
import { eksFunction, testRuntime } from '../reliability/helpers/platforms.ts';

const BOMB_BYTES = 2 * 1024 ** 3;

/** gzip of 2 GiB of spaces, streamed through zlib so that neither the test nor the bomb's maker holds it inflated. */
async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  // Run-length strategy: the fastest way to reach deflate's ~1000:1 ceiling on one repeated byte.
  const gzip = createGzip({ level: 9, strategy: constants.Z_RLE });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const block = Buffer.alloc(4 * 1024 * 1024, 0x20);
  for (let written = 0; written < inflatedBytes; written += block.length) {
    if (!gzip.write(block)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(chunks);
}

const MEBIBYTE = 1024 * 1024;
const measurements: string[] = [];
afterAll(() => console.log(`\nDecompression bomb (${BOMB_BYTES / 1024 ** 3} GiB inflated):\n${measurements.join('\n')}\n`));

/** Runs `work`, returning how far it raised the process's peak resident memory (MiB; 0 under an earlier peak) and how long it took (ms). */
async function measured<T>(work: () => Promise<T> | T): Promise<{ result: T; peakGrowthMiB: number; ms: number }> {
  const peakBefore = process.resourceUsage().maxRSS;
  const started = performance.now();
  const result = await work();
  const ms = Math.round(performance.now() - started);
  return { result, peakGrowthMiB: Math.round((process.resourceUsage().maxRSS - peakBefore) / 1024), ms };
}

describe('a decompression bomb', () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await gzipBomb(BOMB_BYTES);
  }, 120_000);

  it('is a tiny payload: about a thousandth of what it inflates to', () => {
    // Assess
    expect(bomb.length).toBeLessThan(BOMB_BYTES / 500);
  });

  it('in a CloudWatch subscription event is quarantined as limit_exceeded by the EKS function, with memory bounded by the limit', async () => {
    // Prepare
    const event = { awslogs: { data: bomb.toString('base64') } } as CloudWatchLogsEvent;
    const objects = new MemoryObjectStore();

    // Act
    const { result: summary, peakGrowthMiB, ms } = await measured(() => eksFunction(testRuntime(objects, 'eu-west-1'))(event, { awsRequestId: 'bomb' } as Context));

    // Assess
    measurements.push(`- EKS function: raised peak RSS by ${peakGrowthMiB} MiB (limit ${DEFAULT_LIMITS.maxDecodedBytes / MEBIBYTE} MiB), ${ms} ms`);
    expect(summary).toEqual({ received: 1, written: 0, duplicates: 0, skipped: 0, quarantined: 1, reasons: { limit_exceeded: 1 } });
    expect([...objects.objects.keys()]).toEqual([expect.stringMatching(/^quarantine\/v1\/dt=2026-11-20\/hour=14\/cwl-invalid-[0-9a-f]+\.ndjson\.gz$/)]);
    // Generous: the bomb is 2 GiB; anything near that would mean it was inflated.
    expect(peakGrowthMiB).toBeLessThan(1024);
  });

  it('names the limit in the quarantine detail', () => {
    // Act
    const batch = decodeCloudWatchSubscription({ awslogs: { data: bomb.toString('base64') } }, DECODER_CONTEXT);

    // Assess
    expect(batch.quarantined).toMatchObject([
      {
        reason: 'limit_exceeded',
        detail: expect.stringMatching(
          /^awslogs\.data could not be decompressed: decompressed size exceeds the limit of 67108864 bytes; raw is the text the data inflates to before that point \(\d+ bytes\), not the data \(raw cut to 1048576 of \d+ characters\)$/,
        ),
      },
    ]);
  });

  it('as a gzip input to kaudit ingest is refused with exit 2, naming the limit', async () => {
    // Prepare
    const directory = await temporaryFileStore();
    await writeFile(path.join(directory.root, 'bomb.json.gz'), bomb);

    try {
      // Act
      const { result: run, peakGrowthMiB, ms } = await measured(() => runKaudit(['ingest', '--store', directory.url, 'bomb.json.gz'], { cwd: directory.root }));

      // Assess
      measurements.push(`- kaudit ingest: raised peak RSS by ${peakGrowthMiB} MiB, ${ms} ms`);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(
        /^kaudit: bomb\.json\.gz: more than 67108864 bytes without a line that is a JSON document by itself: .* read whole up to 67108864 bytes \(KAUDIT_MAX_DECODED_BYTES\)\n$/,
      );
      expect(peakGrowthMiB).toBeLessThan(1024);
    } finally {
      await directory.cleanup();
    }
  });
});

describe('corrupt gzip in a CloudWatch subscription event', () => {
  const json = JSON.stringify(cloudWatchPayload({ events: [auditEvent()] }));
  const valid = gzipSync(json);

  it.each([
    ['a deflate stream with garbage in the middle', Buffer.concat([valid.subarray(0, 12), Buffer.alloc(16, 0xff), valid.subarray(28)])],
    ['a checksum that does not match', Buffer.concat([valid.subarray(0, -8), Buffer.from([0, 0, 0, 0]), valid.subarray(-4)])],
    ['a gzip header and nothing else', valid.subarray(0, 10)],
    ['a stream cut short', valid.subarray(0, Math.floor(valid.length / 2))],
  ])('quarantines %s as invalid_payload, keeping the text it inflates to and the hash of the data', (_name, data) => {
    // Prepare
    const base64 = data.toString('base64');

    // Act
    const batch = decodeCloudWatchSubscription({ awslogs: { data: base64 } }, DECODER_CONTEXT);

    // Assess
    expect(batch.records).toEqual([]);
    const [record] = batch.quarantined;
    expect(record).toMatchObject({
      reason: 'invalid_payload',
      detail: expect.stringMatching(/^awslogs\.data could not be decompressed: \S.*; raw is the text the data inflates to before that point \(\d+ bytes\), not the data$/),
      raw_sha256: createHash('sha256').update(base64).digest('hex'),
    });
    expect(json.startsWith(record?.raw as string)).toBe(true);
  });

  it('keeps all the text a stream with a bad checksum inflates to', () => {
    // Prepare
    const data = Buffer.concat([valid.subarray(0, -8), Buffer.from([0, 0, 0, 0]), valid.subarray(-4)]);

    // Act
    const batch = decodeCloudWatchSubscription({ awslogs: { data: data.toString('base64') } }, DECODER_CONTEXT);

    // Assess
    expect(batch.quarantined[0]?.raw).toBe(json);
  });
});

describe('base64 garbage in a CloudWatch subscription event', () => {
  it.each([
    ['characters outside the alphabet', 'H4sI$$$not*base64'],
    ['non-ASCII text', 'H4sIAAAAAAAAA€€€'],
    ['one character past a full quantum', 'H4sIA'],
    ['padding in the middle', 'H4sI==AAAA'],
  ])('quarantines %s as invalid_payload', (_name, data) => {
    // Act
    const batch = decodeCloudWatchSubscription({ awslogs: { data } }, DECODER_CONTEXT);

    // Assess
    expect(batch.quarantined).toMatchObject([{ reason: 'invalid_payload', raw: data }]);
    expect(batch.quarantined[0]?.detail).toMatch(/^awslogs\.data (is not base64|could not be decompressed: not gzip or zlib data)/);
  });
});

describe('base64 of data that is not compressed in a CloudWatch subscription event', () => {
  it.each([
    ['text', Buffer.from('kube-apiserver-audit: plain text').toString('base64'), 'kube-apiserver-audit: plain text'],
    ['nothing but whitespace', ' \n\t ', ''],
  ])('quarantines %s with its decoded text, which the scrub can read, rather than the base64', (_name, data, text) => {
    // Act
    const batch = decodeCloudWatchSubscription({ awslogs: { data } }, DECODER_CONTEXT);

    // Assess
    expect(batch.quarantined).toMatchObject([
      {
        reason: 'invalid_payload',
        raw: text,
        raw_sha256: createHash('sha256').update(data).digest('hex'),
        detail: expect.stringMatching(/; raw is the text of the data, not its base64$/),
      },
    ]);
  });
});

describe('corrupt gzip in a Firehose record', () => {
  it('is quarantined with the text it inflates to and the hash of the record data', () => {
    // Prepare
    const text = JSON.stringify(cloudWatchPayload({ events: [auditEvent()] }));
    const record = { ...firehoseRecord([text]), data: gzipSync(text).subarray(0, 200).toString('base64') };

    // Act
    const batch = decodeFirehoseRecord(record, DECODER_CONTEXT);

    // Assess
    const [quarantined] = batch.quarantined;
    expect(quarantined).toMatchObject({
      reason: 'invalid_payload',
      detail: expect.stringMatching(
        /: data could not be decompressed: unexpected end of file; raw is the text the data inflates to before that point \(\d+ bytes\), not the data$/,
      ),
      raw_sha256: createHash('sha256').update(record.data).digest('hex'),
    });
    expect(text.startsWith(quarantined?.raw as string)).toBe(true);
  });
});
