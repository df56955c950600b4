import { CliError, EXIT } from './cli-error.js';

export interface ApiOptions {
  url: string;
  token: string;
  operator: string;
  timeoutMs: number;
}

/** The ops API over HTTP; every failure becomes a CliError with a one-line reason. */
export class OpsApi {
  readonly base: string;

  constructor(private readonly opts: ApiOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  get<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.call<T>('GET', path, undefined, timeoutMs);
  }
  post<T>(path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    return this.call<T>('POST', path, body, timeoutMs);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }
  delete<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.call<T>('DELETE', path, undefined, timeoutMs);
  }

  /** Opens a streaming GET (the event stream); the caller reads and closes the body. */
  async stream(path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send('GET', path, undefined, signal, { accept: 'text/event-stream' });
    if (!res.ok || !res.body) throw await failure(res);
    return res.body;
  }

  private async call<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const res = await this.send(method, path, body, AbortSignal.timeout(timeoutMs ?? this.opts.timeoutMs));
    if (!res.ok) throw await failure(res);
    try {
      return (await res.json()) as T;
    } catch {
      throw new CliError(`${method} ${path}: the gateway answered ${res.status} without JSON`);
    }
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.opts.token}`,
      'x-ensemble-operator': this.opts.operator,
      ...extra,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers,
        signal,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new CliError(`cannot reach the gateway at ${this.base}: ${why}`, EXIT.unreachable);
    }
  }
}

async function failure(res: Response): Promise<CliError> {
  let code = `http-${res.status}`;
  let message = res.statusText || 'request failed';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not our JSON error shape: keep the status
  }
  const oneLine = message.replace(/\s+/g, ' ').slice(0, 300);
  if (res.status === 401)
    return new CliError(`unauthorized: ${oneLine} (check OPS_TOKEN or --token)`, EXIT.unauthorized);
  return new CliError(`${code}: ${oneLine}`, EXIT.api);
}
