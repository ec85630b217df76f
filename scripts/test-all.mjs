// `npm test`: lint and the format check, then the plain-Node suite, the integration suite in a real extension host, the UI suite
// in a real browser, and a quick run of the benchmark (that it runs and prints every figure), one
// after the other; ends with one "N passed, N failed" line.
import { spawn } from 'node:child_process';

// Lint and the format check first: they take seconds, and a red CI on either says what to fix
// before the long suites run. Then the setup: it installs what even the plain-Node suite uses (a
// FAT file system for the crash test), once.
const stages = ['lint', 'format:check', 'setup', 'test:unit', 'test:integration', 'test:ui', 'test:bench'];
let passed = 0;
let failed = 0;
let exitCode = 0;

for (const stage of stages) {
  const code = await new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', stage], { stdio: ['ignore', 'pipe', 'inherit'] });
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const match = /^\s*(\d+) (passing|failing)\b/.exec(line);
        if (match?.[2] === 'passing') passed += Number(match[1]);
        if (match?.[2] === 'failing') failed += Number(match[1]);
      }
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    exitCode = code;
    console.error(`${stage} failed (exit ${code}).`);
    if (failed === 0) failed = 1; // a stage that died before mocha reported still counts as a failure
    break;
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(exitCode);
