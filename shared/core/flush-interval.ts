import { SETTINGS } from './settings.ts';

const DEFAULT_FLUSH_SECONDS = 5;

/** How often a command reading a growing input stores what it holds, in milliseconds (`KAUDIT_FLUSH_SECONDS`). */
export function flushIntervalMsFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env[SETTINGS.flushSeconds];
  if (text === undefined || text === '') return DEFAULT_FLUSH_SECONDS * 1000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
    throw new Error(`${SETTINGS.flushSeconds} must be a number of seconds from 0 to 3600 (not 0), got ${JSON.stringify(text)}`);
  return Math.round(seconds * 1000);
}
