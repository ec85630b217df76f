// The names the simulator's public surface shares with its parts: endpoints, what it records of
// each request, and what it tells of each job.

export type Endpoint = 'upload' | 'features' | 'result' | 'download';

export interface SeenRequest {
  server: 'api' | 'storage';
  method: string;
  /** The request target as sent, query included (a presigned link's X-Amz-* shows here). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  endpoint?: Endpoint;
  json?: unknown;
  multipart?: { field: string; filename?: string; contentType?: string; size: number }[];
  /** 0 while unanswered, and for hangs and resets. */
  status: number;
  at: number;
}

export interface JobInfo {
  uuid: string;
  status: string;
  createdAt: number;
  finishedAt?: number;
  prompt: string;
}
