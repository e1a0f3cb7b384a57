/** See cli-bundle.mjs. */
export function prebuiltCli(root?: string, cache?: string): Promise<string | null>;
