import { describe, expect, it } from 'vitest';
import { parseSettingsFile } from '../../shared/config/settings-file.ts';

describe('parseSettingsFile', () => {
  it('reads each value as its environment variable would hold it, a mapping as its JSON text', async () => {
    // Prepare
    const yaml = 'KAUDIT_STORE_URL: s3://audit-lake/k8s\nKAUDIT_MAX_EVENT_BYTES: 1048576\nKAUDIT_S3_FORCE_PATH_STYLE: true\nKAUDIT_APPROVED_NETWORKS:\n  prod-eu: [10.20.0.0/16]\n';

    // Act
    const file = await parseSettingsFile(yaml, 'prod.yaml');

    // Assess
    expect(file).toEqual({
      file: 'prod.yaml',
      values: {
        KAUDIT_STORE_URL: 's3://audit-lake/k8s',
        KAUDIT_MAX_EVENT_BYTES: '1048576',
        KAUDIT_S3_FORCE_PATH_STYLE: 'true',
        KAUDIT_APPROVED_NETWORKS: '{"prod-eu":["10.20.0.0/16"]}',
      },
    });
  });

  it('refuses a name that is no kaudit setting, so a typo is not ignored', async () => {
    // Act
    const file = await parseSettingsFile('{"KAUDIT_STORE_ULR": "s3://audit-lake/k8s"}', 'prod.json');

    // Assess
    expect(file).toEqual({ problems: ['prod.json: "KAUDIT_STORE_ULR" is not a kaudit setting (the settings are listed in docs/configuration.md)'] });
  });

  it('refuses a document that is not a mapping', async () => {
    // Act
    const file = await parseSettingsFile('- KAUDIT_STORE_URL\n', 'prod.yaml');

    // Assess
    expect(file).toEqual({ problems: ['prod.yaml: expected a mapping of setting names to values, e.g. KAUDIT_STORE_URL: s3://audit-lake/prod'] });
  });
});
