// Writes luma-image-to-video.vsix with @vscode/vsce, offline: everything is bundled by esbuild,
// so no node_modules go in (--no-dependencies). vsce runs the production build first
// (vscode:prepublish). The README it packages is made from README.md (scripts/package-readme.mjs).
// There is no public repository yet, hence --allow-missing-repository; vsce prints no warning.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { root, VSIX as out } from './code-server.mjs';
import { writePackagedReadme } from './package-readme.mjs';

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const readme = writePackagedReadme(root);
execFileSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--readme-path', readme, '--out', out],
  {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
console.log(`package: ${path.basename(out)} (${Math.round(statSync(out).size / 1024)} KB)`);
