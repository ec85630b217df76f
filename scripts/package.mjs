// Writes luma-image-to-video.vsix with @vscode/vsce, offline: everything is bundled by esbuild,
// so no node_modules go in (--no-dependencies). vsce runs the production build first
// (vscode:prepublish).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { root, VSIX as out } from './code-server.mjs';

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
  {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
console.log(`package: ${path.basename(out)} (${Math.round(statSync(out).size / 1024)} KB)`);
