// The service's HTTP answers, and the client's own failures, turned into what the person reads.
import { l10n } from '../shared/l10n';
import { uiNames } from '../shared/uiNames';
import axios, { AxiosError } from 'axios';
import { cancelled, LumaError } from '../util/lumaError';
import { redactSecrets } from '../util/redact';

/** Removes the key, in any form text can hold it, from text that may echo a request. */
export function redact(text: string, secret: string | undefined): string {
  return redactSecrets(text, [secret]);
}

/** The service's own words from an error body, if it sent any, trimmed for a message. */
function serviceMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text && text.length <= 300 && !text.startsWith('<') ? text : undefined;
  }
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'error', 'detail']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 300);
      if (typeof value === 'object' && value !== null) {
        const nested = serviceMessage(value);
        if (nested) return nested;
      }
    }
  }
  return undefined;
}

/**
 * Turns an HTTP status and body from the API into what the person reads. `during` names the step
 * ("uploading the image") so the message says where it happened.
 */
export function httpError(status: number, body: unknown, during: string): LumaError {
  const said = serviceMessage(body);
  const detail = `HTTP ${status} while ${during}${said ? `: ${said}` : ''}`;
  const step = doing(during);
  if (status === 401 || status === 403) {
    return new LumaError(
      'auth',
      said
        ? l10n.t('1min.ai did not accept your API key ("{0}"). Set a valid key with "{1}" and try again.', said, uiNames.setApiKeyCommand())
        : l10n.t('1min.ai did not accept your API key. Set a valid key with "{0}" and try again.', uiNames.setApiKeyCommand()),
      { remedy: 'setApiKey', status, detail },
    );
  }
  if (status === 406) {
    const numbers = said?.match(/requires\s+(\d+)\s+credits.*?only has\s+(-?\d+)/i);
    const message = numbers
      ? l10n.t(
          'Not enough 1min.ai credits: this video needs {0} and your team has {1}. Add credits at 1min.ai, or choose 5 s, then try again.',
          Number(numbers[1]).toLocaleString('en-US'),
          Number(numbers[2]).toLocaleString('en-US'),
        )
      : said
        ? l10n.t('Not enough 1min.ai credits ("{0}"). Add credits at 1min.ai and try again.', said)
        : l10n.t('Not enough 1min.ai credits. Add credits at 1min.ai and try again.');
    return new LumaError('credits', message, { status, detail });
  }
  if (status === 413) {
    const message = said
      ? l10n.t('1min.ai refused the image as too large ("{0}"). Use an image under 10 MB.', said)
      : l10n.t('1min.ai refused the image as too large. Use an image under 10 MB.');
    return new LumaError('tooLarge', message, {
      status,
      detail,
    });
  }
  if (status === 429) {
    return new LumaError('rateLimited', l10n.t('1min.ai is rate-limiting requests right now. Wait a minute and try again.'), {
      status,
      detail,
      remedy: 'retry',
    });
  }
  if (status >= 500) {
    const gateway = [502, 503, 504, 520, 522, 524].includes(status);
    return new LumaError(
      'server',
      gateway
        ? l10n.t("1min.ai's gateway did not answer in time (HTTP {0}) while {1}. Try again in a few minutes.", status, step)
        : l10n.t('1min.ai had an internal error (HTTP {0}) while {1}. Try again in a few minutes.', status, step),
      { status, detail, remedy: 'retry' },
    );
  }
  if (status === 404) {
    const message = l10n.t('1min.ai answered "not found" (HTTP 404) while {0}. Check the "lumaVideo.apiBaseUrl" setting.', step);
    return new LumaError('notFound', message, {
      status,
      detail,
    });
  }
  return new LumaError(
    'badRequest',
    said
      ? l10n.t('1min.ai refused the request while {0}: {1}. Check the prompt and options and try again.', step, said)
      : l10n.t('1min.ai refused the request while {0} (HTTP {1}). Check the prompt and options and try again.', step, status),
    { status, detail },
  );
}

/**
 * A 3xx from the API host. Redirects are not followed there, since the key would travel with
 * them; this names where the answer pointed (the host only) and the setting that is likely wrong.
 */
export function redirectError(status: number, location: unknown, apiBaseUrl: string, during: string): LumaError {
  let target: string | undefined;
  try {
    target = typeof location === 'string' && location.trim() !== '' ? new URL(location.trim(), apiBaseUrl).host : undefined;
  } catch {
    target = undefined;
  }
  const redirected = target
    ? l10n.t('The 1min.ai address redirected the request (HTTP {0}) to {1} while {2}.', status, target, doing(during))
    : l10n.t('The 1min.ai address redirected the request (HTTP {0}) without saying where to while {1}.', status, doing(during));
  const advice = l10n.t(
    'Redirects are not followed, so your API key was not sent there. ' +
      'Check the "lumaVideo.apiBaseUrl" setting: it should be the API\'s own address, https://api.1min.ai.',
  );
  return new LumaError('redirect', `${redirected} ${advice}`, {
    status,
    detail: `HTTP ${status} while ${during}; Location host: ${target ?? 'none'}`,
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_BAD_RESPONSE',
  'ERR_NETWORK',
]);

/** Any failure of a request as a LumaError: a cancel stays a cancel, anything else says it is the network's. */
export function toLumaError(error: unknown, during: string, secrets: readonly string[]): LumaError {
  if (error instanceof LumaError) return error;
  if (axios.isCancel(error) || (error as { code?: string })?.code === 'ERR_CANCELED') return cancelled();
  const axiosError = error as AxiosError;
  const code = axiosError?.code ?? '';
  const message = redactSecrets(String(axiosError?.message ?? error), secrets);
  if (NETWORK_CODES.has(code) || /socket hang up|aborted|ECONNRESET|timeout/i.test(message)) {
    return new LumaError('network', l10n.t('Could not reach 1min.ai while {0}. Check your connection and try again.', doing(during)), {
      detail: `${code || 'network'}: ${message}`,
      code,
    });
  }
  return new LumaError('network', l10n.t('Something went wrong while {0}. Try again.', doing(during)), { detail: message });
}

/**
 * Runs a public method of the client so that whatever it throws is a LumaError whose text holds
 * no secret: the last line of defence behind redacting every body and message where it is read.
 */
export async function guarded<T>(during: string, secrets: readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const failure = toLumaError(error, during, secrets);
    const message = redactSecrets(failure.message, secrets);
    const detail = failure.detail === undefined ? undefined : redactSecrets(failure.detail, secrets);
    if (message === failure.message && detail === failure.detail) throw failure;
    const { remedy, status, code, saysMoney } = failure;
    throw new LumaError(failure.kind, message, { remedy, status, detail, code, saysMoney });
  }
}

/**
 * The step a request was in, as the person reads it. `during` stays English (the log's details
 * say it too); the message gets it in the language of the moment.
 */
export function doing(during: string): string {
  switch (during) {
    case 'uploading the image':
      return l10n.t('uploading the image');
    case 'asking for the video':
      return l10n.t('asking for the video');
    case 'checking on the video':
      return l10n.t('checking on the video');
    case 'downloading the video':
      return l10n.t('downloading the video');
    default:
      return during;
  }
}
