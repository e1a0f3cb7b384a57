/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a file could not be read or written: the system's code (`ENOENT`) when it gave one, else the message. */
export function fileErrorOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? messageOf(error);
}
