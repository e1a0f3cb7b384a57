import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Keeps paths inside a directory by where they really lead: every symbolic link on the way is
 * followed and the result checked against the directory's own real path. A lexical check alone
 * lets a linked directory inside the tree (`events -> /etc`) carry writes anywhere.
 *
 * What stays open is a race: a directory swapped for a link between the check and the write. It
 * needs write access to a directory inside the tree; the store creates its directories for its
 * own user only, so only that user (or root) can make the swap.
 */

/** A path leads out of the confined directory; the message says which component and where to. */
class OutsideDirectoryError extends Error {
  override name = 'OutsideDirectoryError';
}

/** The real path of `file`, or undefined when it does not exist (a missing component, or a file where a directory belongs). */
export async function realPathIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.realpath(file);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * The real path of `relative` (components separated by `path.sep`, already normalized) under the
 * real directory `realRoot`, creating the missing directories with `mode`. A component that exists
 * is followed wherever it leads and must stay inside `realRoot`; a component it creates is a plain
 * directory (mkdir never follows a link), chmod-ed to `mode` so that the umask has no say.
 * `shownRoot` is the root as the user named it, for messages.
 */
export async function confinedDirectory(realRoot: string, shownRoot: string, relative: string, mode: number): Promise<string> {
  let current = realRoot;
  let shown = shownRoot;
  for (const component of relative.split(path.sep).filter((part) => part !== '' && part !== '.')) {
    const next = path.join(current, component);
    shown = path.join(shown, component);
    if (await createdDirectory(next, mode)) {
      current = next;
      continue;
    }
    current = await fs.realpath(next);
    assertInside(realRoot, shownRoot, shown, current);
  }
  return current;
}

/** The real path of an existing `relative` under `realRoot`, which must stay inside it. Throws ENOENT when missing. */
export async function confinedExisting(realRoot: string, shownRoot: string, relative: string): Promise<string> {
  const real = await fs.realpath(path.join(realRoot, relative));
  assertInside(realRoot, shownRoot, path.join(shownRoot, relative), real);
  return real;
}

/** As {@link confinedExisting}, but undefined when `relative` does not exist. */
export async function confinedIfExists(realRoot: string, shownRoot: string, relative: string): Promise<string | undefined> {
  const real = await realPathIfExists(path.join(realRoot, relative));
  if (real !== undefined) assertInside(realRoot, shownRoot, path.join(shownRoot, relative), real);
  return real;
}

/** True when `candidate` is `parent` or below it. */
export function isInside(parent: string, candidate: string): boolean {
  return candidate === parent || candidate.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

function assertInside(realRoot: string, shownRoot: string, shown: string, real: string): void {
  if (!isInside(realRoot, real)) throw new OutsideDirectoryError(`${shown} leads to ${real}, outside the store directory ${shownRoot}`);
}

/** Creates `directory` with exactly `mode`; false when something already stands there. */
async function createdDirectory(directory: string, mode: number): Promise<boolean> {
  try {
    await fs.mkdir(directory, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await fs.chmod(directory, mode);
  return true;
}
