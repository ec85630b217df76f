// The compiled simulator (out/test/simulator), for the demo and the UI tests, which run as ES modules.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';

const compiled = path.resolve(import.meta.dirname, '../out/test/simulator/simulator.js');
if (!existsSync(compiled)) throw new Error('The simulator is not compiled yet: run "npm run compile-tests" first.');
export const { Simulator } = createRequire(import.meta.url)(compiled);
