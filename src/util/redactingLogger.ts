// A logger that passes every line through `redact` first: whatever a module logs, a key echoed in
// it never reaches the log file.
import type { Logger } from './log';

export function redactingLogger(log: Logger, redact: (text: string) => string): Logger {
  return {
    trace: (message) => log.trace(redact(message)),
    debug: (message) => log.debug(redact(message)),
    info: (message) => log.info(redact(message)),
    warn: (message) => log.warn(redact(message)),
    error: (message) => log.error(redact(message)),
  };
}
