import pkg from '../../package.json' with { type: 'json' };

/** Package version, stamped into every event as `normalizer_version`. */
export const KAUDIT_VERSION: string = pkg.version;
