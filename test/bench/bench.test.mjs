// The benchmark is not a timed test: this only checks that it runs and prints every figure.
// A quick configuration (one round, a 20 MB video, jobs finishing within 10 s, 50 planned jobs,
// one video played, one picture converted) keeps it short.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const FIGURES = [
  'bundle_kb',
  'webview_bundle_kb',
  'vsix_kb',
  'upload_ratio_vs_curl',
  'upload_client_ms',
  'upload_curl_ms',
  'download_ratio_vs_curl',
  'download_client_ms',
  'download_curl_ms',
  'download_peak_rss_mb',
  'download_peak_rss_mb_plain_node',
  'poll_detect_delay_realtime_fixed_ms',
  'poll_interval_at_finish_ms',
  'poll_noticed_within_interval_pct',
  'poll_requests_per_minute',
  'poll_interval_cap_ms',
  'poll_detect_delay_ms',
  'poll_detect_delay_fixed_ms',
  'poll_detect_delay_ratio_vs_fixed',
  'poll_requests_per_job',
  'poll_requests_per_job_fixed',
  'poll_requests_ratio_vs_fixed',
  'poll_max_requests_in_60s',
  'eta_error_pct',
  'ready_to_playing_ms',
  'ready_to_playing_detect_ms',
  'ready_to_playing_after_detect_ms',
  'upload_source_mb',
  'upload_bytes_ratio',
  'convert_ms',
  'activate_ms',
  'form_open_ms',
  'queue_50_total_s',
  'queue_50_videos_landed',
  'queue_concurrency_limit',
  'queue_concurrency_peak',
  'command_median_ms_during_queue',
  'command_p95_ms_during_queue',
  'command_max_ms_during_queue',
];

describe('npm run bench', () => {
  it('runs and prints every figure as a `name: number` line', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts/bench.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        BENCH_ROUNDS: '1',
        BENCH_VIDEO_MB: '20',
        BENCH_POLL_SPREAD_S: '5',
        BENCH_POLL_JOBS: '3',
        BENCH_PLAN_JOBS: '50',
        BENCH_PLAYING_ROUNDS: '1',
        BENCH_CONVERT_ROUNDS: '1',
      },
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    for (const name of FIGURES)
      assert.match(result.stdout, new RegExp(`^${name}: -?\\d+(\\.\\d+)?$`, 'm'), `${name} missing in:\n${result.stdout}`);
    assert.match(result.stdout, /^queue_50_videos_landed: 50$/m);
  });
});
