import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** Drives `url` with autocannon in-process; each request gets a body/path from `next`. */
export async function drive(opts: {
  url: string;
  connections: number;
  durationS: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  request: (i: number) => { path?: string; body?: string };
}): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationS,
    method: opts.method ?? 'POST',
    headers: opts.headers ?? {},
    requests: [
      {
        setupRequest: (req) => {
          const r = opts.request(i++);
          return { ...req, ...(r.path ? { path: r.path } : {}), ...(r.body !== undefined ? { body: r.body } : {}) };
        },
      },
    ],
  });
  const ok2xx = result['2xx'] + result['3xx'];
  return {
    requestsPerSecond: Math.round(ok2xx / opts.durationS),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx - result['3xx'],
    total: result.requests.total,
  };
}
