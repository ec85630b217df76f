// Which endpoint a request is for, from its method and target, as the service's router matches them.

import type { Endpoint } from './types';

export function splitTarget(target: string): { pathname: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { pathname: target, query: '' } : { pathname: target.slice(0, q), query: target.slice(q + 1) };
}

export function route(method: string, pathname: string): { name: Endpoint; uuid?: string } | undefined {
  // Express-style matching: a trailing slash is tolerated.
  const p = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  if (method === 'POST' && p === '/api/assets') return { name: 'upload' };
  if (method === 'POST' && p === '/api/features') return { name: 'features' };
  const m = /^\/api\/results\/([^/]+)$/.exec(p);
  if (method === 'GET' && m) {
    let uuid = m[1];
    try {
      uuid = decodeURIComponent(uuid);
    } catch {
      // keep it raw: it will simply not be found
    }
    return { name: 'result', uuid };
  }
  return undefined;
}
