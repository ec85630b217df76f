// Runs the same integration suites in a desktop VS Code via @vscode/test-electron, on machines
// that can download one: `npm run build && npm run compile-tests && node out/test/integration/runElectron.js`.
// First in English, then in Spanish with Microsoft's Spanish language pack from the Marketplace.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const workspace = path.join(root, 'test/fixtures/workspace');
  const vscodeExecutablePath = await downloadAndUnzipVSCode();
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
  const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
  const installed = spawnSync(cli, [...cliArgs, '--install-extension', 'ms-ceintl.vscode-language-pack-es'], { stdio: 'inherit' });
  if (installed.status !== 0) throw new Error('could not install the Spanish language pack');
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'spanish', 'index.js'),
    // No --disable-extensions: it would turn the language pack off too.
    launchArgs: [workspace, '--locale', 'es', '--disable-workspace-trust'],
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
