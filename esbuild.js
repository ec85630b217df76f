// Bundles the extension host code (Node, `vscode` external) and the webview script (browser).
// `--production` minifies and drops source maps; `--watch` rebuilds on change.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Prints errors in the form VS Code's `$esbuild-watch` problem matcher reads; the start and end
 * lines that matcher waits for only when watching.
 */
const problemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    if (watch) build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * axios ships its browser adapters (XMLHttpRequest and fetch) with its Node one; in the extension
 * host only the Node adapter is ever picked (it comes before fetch, and XMLHttpRequest does not
 * exist), so the other two are left out of the bundle: about 10 KB of code that never runs.
 */
const nodeOnlyAxiosPlugin = {
  name: 'axios-node-adapter-only',
  setup(build) {
    build.onResolve({ filter: /^\.\/(xhr|fetch)\.js$/ }, (args) =>
      /axios[\\/]lib[\\/]adapters$/.test(args.resolveDir) ? { path: args.path, namespace: 'axios-browser-adapter' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'axios-browser-adapter' }, (args) => ({
      contents: args.path.includes('xhr') ? 'export default false;' : 'export const getFetch = () => false;',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemMatcherPlugin],
};

const entries = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    alias: { 'form-data': './src/util/formData.ts', debug: './src/util/noDebug.ts' },
    plugins: [problemMatcherPlugin, nodeOnlyAxiosPlugin],
  },
  {
    ...common,
    entryPoints: ['media/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

async function main() {
  const contexts = await Promise.all(entries.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    return;
  }
  try {
    const results = await Promise.all(contexts.map((ctx) => ctx.rebuild()));
    if (results.some((r) => r.errors.length)) process.exitCode = 1;
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
