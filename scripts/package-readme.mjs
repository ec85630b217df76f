// The README packaged into the .vsix, made from the repository's README.md at package time, so
// there is one text to keep up to date. VS Code's Extensions view shows it, and that view shows a
// README image only from an https address: a path into the package and a data: URL are both
// dropped (a broken-image mark is all that is left). So:
// - parts between `<!-- developers -->` and `<!-- /developers -->` are left out (the commands
//   for contributors, links to CONTRIBUTING.md and other files that are not shipped);
// - as long as the manifest names no repository, the pictures are left out too: there is no https
//   address they could be shown from. With a `repository`, they stay, and vsce points them at it.
// Whatever relative link is left makes vsce stop with an error, so nothing broken gets packaged.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DEVELOPERS = /^<!-- developers -->\n[\s\S]*?^<!-- \/developers -->\n/gm;
const PICTURE = /^!\[[^\]]*\]\([^)]*\)\n(\n|$)/gm;

/** The packaged README's text, from the repository README's text. */
export function packagedReadme(markdown, { keepPictures }) {
  let text = markdown.replace(/\r\n/g, '\n').replace(DEVELOPERS, '');
  if (!keepPictures) text = text.replace(PICTURE, '');
  return text.replace(/\n{3,}/g, '\n\n');
}

/** Writes the packaged README under out/ and returns its path relative to `root`, for `--readme-path`. */
export function writePackagedReadme(root) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const text = packagedReadme(readFileSync(path.join(root, 'README.md'), 'utf8'), { keepPictures: Boolean(manifest.repository) });
  const file = path.join('out', 'package', 'README.md');
  mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  return file;
}
