// The logging surface the Node-only modules write to. The extension passes its
// LogOutputChannel, which has these methods; tests pass an array-backed logger.
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
