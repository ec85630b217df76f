// The layering the lint enforces, checked against the real eslint.config.mjs: a rule that stopped
// firing (a renamed folder, a pattern typo) would let a layer quietly import what it must not.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../../..');

async function importErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layers the lint enforces', function () {
  this.timeout(60_000);

  for (const folder of ['jobs', 'onemin', 'files', 'util', 'shared']) {
    it(`src/${folder}/ may not import vscode`, async () => {
      const errors = await importErrors(`src/${folder}/probe.ts`, "import * as vscode from 'vscode';\nexport const w = vscode;\n");
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], /without VS Code|imports nothing/);
    });
  }

  it('the host side may import vscode', async () => {
    assert.deepEqual(await importErrors('src/host/probe.ts', "import * as vscode from 'vscode';\nexport const w = vscode;\n"), []);
  });

  it('util/ and files/ import nothing from the HTTP client', async () => {
    for (const file of ['src/util/probe.ts', 'src/files/probe.ts']) {
      const errors = await importErrors(file, "import { httpError } from '../onemin/errors';\nexport const e = httpError;\n");
      assert.equal(errors.length, 1, `${file}: ${errors.join('\n')}`);
    }
  });

  it('the webview imports only src/shared/', async () => {
    const bad = await importErrors('media/probe.ts', "import { JobMachine } from '../src/jobs/machine';\nexport const m = JobMachine;\n");
    assert.equal(bad.length, 1, bad.join('\n'));
    assert.match(bad[0], /only src\/shared/);
    assert.deepEqual(
      await importErrors('media/probe.ts', "import { VIEW_TYPE } from '../src/shared/messages';\nexport const v = VIEW_TYPE;\n"),
      [],
    );
  });

  it('shared/ imports nothing outside itself', async () => {
    const errors = await importErrors(
      'src/shared/probe.ts',
      "import { LumaError } from '../util/lumaError';\nexport const e = LumaError;\n",
    );
    assert.equal(errors.length, 1, errors.join('\n'));
  });

  it('the job machine imports no host code', async () => {
    const errors = await importErrors(
      'src/jobs/probe.ts',
      "import { readSettings } from '../host/settings';\nexport const r = readSettings;\n",
    );
    assert.equal(errors.length, 1, errors.join('\n'));
  });
});
