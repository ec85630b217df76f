// @vscode/test-cli's configuration: `npx vscode-test` (or the Testing view, with the Extension
// Test Runner) runs the integration suite in a desktop VS Code it downloads. Where none can be
// downloaded, `npm run test:integration` runs the same files in a served VS Code instead.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  workspaceFolder: 'test/fixtures/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60_000, color: true },
});
