/**
 * The public sample payloads in `../shared/fixtures`, read in place (never copied into the
 * project). CI clones the repository with `shared/` beside it; without that folder the suite
 * fails at import, naming where it looked, instead of passing on nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The directory holding package.json, found upwards from this file. */
function repositoryRoot(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`conformance: no package.json above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
  return directory;
}

function locateFixtures(): string {
  const root = path.resolve(repositoryRoot(), '../shared/fixtures');
  if (!existsSync(path.join(root, 'PROVENANCE.md'))) {
    throw new Error(
      `conformance: the public fixtures are missing: looked for ${root} (../shared/fixtures beside the repository root). ` +
        'Check out the shared reference folder next to the repository; the suite does not run without it.',
    );
  }
  return root;
}

const FIXTURES_ROOT = locateFixtures();

/** Absolute path of a fixture, given relative to the fixtures folder. */
function fixturePath(relativePath: string): string {
  return path.join(FIXTURES_ROOT, relativePath);
}

export function readFixture(relativePath: string): Buffer {
  return readFileSync(fixturePath(relativePath));
}

/** Fixture text without the UTF-8 byte-order mark some upstream files carry. */
export function readFixtureText(relativePath: string): string {
  return readFixture(relativePath)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

export function readFixtureJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFixtureText(relativePath)) as T;
}

/**
 * A JSON fixture that upstream left with a trailing comma (OCSF's v1.5.0 EKS sample). YAML 1.2
 * flow syntax is a superset of JSON that allows it, so the file is read as published.
 */
export function readFixtureJsonAllowingTrailingCommas<T = unknown>(relativePath: string): T {
  return parseYaml(readFixtureText(relativePath)) as T;
}

/** The non-blank lines of a JSON-lines fixture, exactly as written. */
export function readFixtureLines(relativePath: string): string[] {
  return readFixtureText(relativePath)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** Every file under a fixtures folder (default: all of them), as sorted relative paths. */
export function listFixtures(folder = ''): string[] {
  const walk = (relative: string): string[] =>
    readdirSync(fixturePath(relative)).flatMap((name) => {
      const child = path.posix.join(relative, name);
      return statSync(fixturePath(child)).isDirectory() ? walk(child) : [child];
    });
  return walk(folder).sort();
}
