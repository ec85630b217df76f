// @vscode/test-cli's configuration: `npx vscode-test` (or the Testing view, with the Extension
// Test Runner) runs the integration suites in a desktop VS Code it downloads: in English, then in
// Spanish with Microsoft's Spanish language pack installed from the Marketplace. Where neither can
// be downloaded, `npm run test:integration` runs the same files in a served VS Code instead.
import { defineConfig } from '@vscode/test-cli';

const common = {
  workspaceFolder: 'test/fixtures/workspace',
  mocha: { ui: 'bdd', timeout: 60_000, color: true },
};

export default defineConfig([
  {
    ...common,
    label: 'integration',
    files: 'out/test/integration/*.test.js',
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  },
  {
    ...common,
    label: 'integration-es',
    files: 'out/test/integration/spanish/*.test.js',
    installExtensions: ['ms-ceintl.vscode-language-pack-es'],
    // No --disable-extensions here: it would turn the language pack off too.
    launchArgs: ['--locale', 'es', '--disable-workspace-trust'],
  },
]);
