// Stands in for the `debug` package inside the bundle: follow-redirects (axios's redirect
// following, used by downloads) and the proxy agents log through it when the DEBUG environment
// variable names them.
// The extension logs to its own output channel instead, so the stand-in is a logger that writes
// nothing, and about 10 KB (debug and its colour detection) stay out of the extension.
function createDebug(): (...args: unknown[]) => void {
  return () => undefined;
}

// CommonJS, as follow-redirects require()s it and calls what it gets.
export = createDebug;
