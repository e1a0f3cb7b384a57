/**
 * The generated module holding the built-in rule files is the files themselves. Run with -u after
 * changing a rule file to regenerate it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRulePackModule } from '../../shared/transforms/detection/rule-pack-module.ts';

const PACK = new URL('../../shared/transforms/detection/pack/', import.meta.url);

describe('the built-in rule pack module', () => {
  it('holds every rule file of pack/, as it is', async () => {
    // Prepare
    const files = readdirSync(PACK)
      .filter((name) => name.endsWith('.yml'))
      .map((name) => ({ name, text: readFileSync(new URL(name, PACK), 'utf8') }));

    // Act
    const module = renderRulePackModule(files);

    // Assess
    await expect(module).toMatchFileSnapshot(new URL('built-in-rules.generated.ts', PACK).pathname);
  });
});
