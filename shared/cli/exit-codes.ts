/**
 * The exit codes every command uses (docs/contracts.md#exit-codes): one table, so a script can tell a
 * typo (2, fix the command) from a failure of a store or cloud service (3, run it again).
 */
export const EXIT = { ok: 0, quarantined: 1, usage: 2, failed: 3 } as const;

export type ExitName = keyof typeof EXIT;

/** What each code means when a command says no more. */
const EXIT_MEANINGS: Readonly<Record<ExitName, string>> = {
  ok: 'done: everything read was stored, found already stored, or skipped by design',
  quarantined: 'done, but some records were quarantined',
  usage: 'usage error or unreadable input (a flag, a file, a setting): nothing stored',
  failed: 'a store, queue or cloud service failed after retries: nothing or part stored, safe to run again',
};

/**
 * The `Exit status:` lines of a command's --help: the codes it can end with, each with the table's
 * meaning (`true`) or the command's own words for it.
 */
export function exitStatusHelp(codes: Partial<Record<ExitName, true | string>>): string {
  const lines = (Object.keys(EXIT) as ExitName[])
    .filter((name) => codes[name] !== undefined)
    .map((name) => `  ${EXIT[name]}  ${codes[name] === true ? EXIT_MEANINGS[name] : codes[name]}`);
  return `\nExit status:\n${lines.join('\n')}`;
}
