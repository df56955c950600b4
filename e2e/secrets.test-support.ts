/**
 * The whole-scenario secret search: outputs kept by channel, every secret looked for in
 * every channel, with the few places a secret may legitimately appear named up front.
 */

/** What a channel holds: answers, SSE frames, NATS messages, log lines, CLI output... */
export type Channels = Record<string, string[]>;

/** A secret, and the channels it may appear in (its one legitimate way to its owner). */
export interface Secret {
  value: string;
  allowedIn?: readonly string[];
}

/** Every `<secret> in <channel>` found where it is not allowed. */
export function findSecrets(channels: Channels, secrets: Record<string, Secret>): string[] {
  const found: string[] = [];
  for (const [channel, texts] of Object.entries(channels)) {
    for (const [name, { value, allowedIn = [] }] of Object.entries(secrets)) {
      if (allowedIn.includes(channel)) continue;
      const at = texts.find((t) => t.includes(value));
      if (at !== undefined) found.push(`${name} in ${channel}: ${excerpt(at, value)}`);
    }
  }
  return found;
}

function excerpt(text: string, value: string): string {
  const i = text.indexOf(value);
  return text.slice(Math.max(0, i - 80), i + value.length + 40);
}

/** An answer as searched: status line, every header, the body. */
export async function answerText(res: Response): Promise<{ text: string; setCookie: string[] }> {
  const setCookie = res.headers.getSetCookie();
  const headers = [...res.headers].filter(([k]) => k !== 'set-cookie').map(([k, v]) => `${k}: ${v}`);
  return { text: `${res.status}\n${headers.join('\n')}\n\n${await res.text()}`, setCookie };
}

/**
 * Reads a Server-Sent Events answer for real, frame by frame, until `stop()`. A stream
 * that fails (not by our stop) or ends early is an error `stop()` rethrows: an unread
 * stream cannot pass as a clean one.
 */
export class SseRecorder {
  readonly frames: string[] = [];
  headers = '';
  private readonly abort = new AbortController();
  private reading: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  async open(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, { headers, signal: this.abort.signal });
    this.headers = `${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
    if (res.status !== 200 || !res.body) throw new Error(`event stream: HTTP ${res.status} ${await res.text()}`);
    this.reading = this.read(res.body).catch((e: unknown) => {
      if (!this.abort.signal.aborted) this.failure = e instanceof Error ? e : new Error(String(e));
    });
  }

  /** Stops reading; throws when the stream failed or closed before it was stopped. */
  async stop(): Promise<void> {
    const early = this.failure;
    this.abort.abort();
    await this.reading;
    if (early) throw new Error(`event stream failed: ${early.message}`);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        this.frames.push(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
    if (!this.abort.signal.aborted) throw new Error('the server closed the stream');
  }
}
