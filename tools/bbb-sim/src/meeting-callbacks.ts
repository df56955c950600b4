import { hmacJwt } from '@ensemble/shared';
import type { Meeting } from './meeting-store.js';

/** One HTTP request a node made to a callback URL, as its logs would tell it. */
export interface NodeCallbackCall {
  /** end-callback (meta_endCallbackUrl), meeting-ended (meetingEndedURL), analytics (meta_analytics-callback-url). */
  callback: 'end-callback' | 'meeting-ended' | 'analytics';
  method: 'GET' | 'POST';
  url: string;
  /** The HTTP status, or the error's code. */
  answered: number | string;
  at: number;
}

export interface MeetingCallbacksOptions {
  /** Waits before the 2nd..5th attempt of a meeting-ended callback; default BBB's 30 s, 1, 2, 5 min. */
  retryDelaysMs?: readonly number[];
}

const BBB_RETRY_DELAYS_MS = [30_000, 60_000, 120_000, 300_000];
const TIMEOUT_MS = 5_000;

/**
 * The callbacks a BBB node makes when a meeting ends, as BBB makes them:
 * - bbb-web's MeetingService.meetingEnded (not for breakout rooms): `meta_endCallbackUrl`
 *   with `recordingmarks=true|false` then `meetingID=<meetingID>` added
 *   (`URIBuilder.addParameter`), and `meetingEndedURL` as given; both through
 *   CallbackUrlService: a GET to check for redirects (HttpURLConnection, must answer 200),
 *   then the GET that counts (2xx). So a receiver sees each twice. A failure is retried
 *   after 30 s, 1, 2 and 5 min, then given up.
 * - post_events_analytics_callback.rb, once the meeting's events are archived (record=true
 *   or meetingKeepEvents=true): one POST of the meeting's summary as JSON with
 *   `Authorization: Bearer` an HS512 JWT `{ exp: now + 24 h }` signed with the node's secret;
 *   never retried.
 */
export class MeetingCallbacks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly calls: NodeCallbackCall[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly secret: string,
    private readonly opts: MeetingCallbacksOptions = {},
  ) {}

  ended(m: Readonly<Meeting>, now = Date.now()): void {
    if (m.isBreakout) return;
    const end = m.metadata['endcallbackurl'];
    if (end) {
      let url: string | undefined;
      try {
        const u = new URL(end);
        u.searchParams.append('recordingmarks', m.recordingMarks ? 'true' : 'false');
        u.searchParams.append('meetingID', m.meetingID);
        url = u.toString();
      } catch {
        // BBB logs "Error in callback url" and calls nothing.
      }
      if (url) this.endCallback('end-callback', url, 1);
    }
    const ended = m.params['meetingEndedURL'];
    if (ended) this.endCallback('meeting-ended', ended, 1);
    const analytics = m.metadata['analytics-callback-url'];
    if (analytics && (m.recording || m.params['meetingKeepEvents'] === 'true')) {
      this.track(this.analytics(analytics, m, now));
    }
  }

  /** Every callback request made so far, oldest first. */
  made(): readonly NodeCallbackCall[] {
    return structuredClone(this.calls);
  }

  /** Resolves once the requests under way have ended (retries waiting on a timer are not waited for). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private endCallback(callback: 'end-callback' | 'meeting-ended', url: string, attempt: number): void {
    this.track(
      (async () => {
        if (await this.fetchCallbackUrl(callback, url)) return;
        const delays = this.opts.retryDelaysMs ?? BBB_RETRY_DELAYS_MS;
        const wait = delays[attempt - 1];
        if (wait === undefined) return; // callback_failed_give_up
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.endCallback(callback, url, attempt + 1);
        }, wait);
        t.unref();
        this.timers.add(t);
      })(),
    );
  }

  /** CallbackUrlService.fetchCallbackUrl: followRedirect's GET (200 only), then the GET itself. */
  private async fetchCallbackUrl(callback: 'end-callback' | 'meeting-ended', url: string): Promise<boolean> {
    const first = await this.request(callback, 'GET', url);
    if (first !== 200) return false;
    const second = await this.request(callback, 'GET', url);
    return typeof second === 'number' && second >= 200 && second < 300;
  }

  private async analytics(url: string, m: Readonly<Meeting>, now: number): Promise<void> {
    const token = hmacJwt({ exp: Math.floor(now / 1000) + 24 * 3600 }, this.secret, 'HS512');
    await this.request('analytics', 'POST', url, JSON.stringify(analyticsPayload(m, now)), {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'user-agent': 'BigBlueButton Analytics Callback',
    });
  }

  private async request(
    callback: NodeCallbackCall['callback'],
    method: 'GET' | 'POST',
    url: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<number | string> {
    let answered: number | string;
    try {
      const res = await fetch(url, {
        method,
        headers: { 'user-agent': 'Mozilla', ...headers },
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.arrayBuffer();
      answered = res.status;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      answered = err.cause?.code ?? err.name;
    }
    this.calls.push({ callback, method, url, answered, at: Date.now() });
    return answered;
  }

  private track(p: Promise<void>): void {
    const job = p.catch(() => undefined).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }
}

/**
 * The analytics body (`version` 1.0): the meetingID as the node knows it, the internal id and
 * a summary of the meeting in bbbevents' shape (a subset: metadata, times, attendees). As the
 * script does: `gl_` metadata and `meeting_id` left out, keys snake_cased.
 */
function analyticsPayload(m: Readonly<Meeting>, now: number): unknown {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.metadata)) {
    if (k.startsWith('gl_')) continue;
    metadata[k.replace(/-/g, '_')] = v;
  }
  metadata['meeting_name'] = m.meetingName;
  metadata['is_breakout'] = String(m.isBreakout);
  const start = m.startTime || m.createTime;
  return {
    version: '1.0',
    meeting_id: m.meetingID,
    internal_meeting_id: m.internalMeetingID,
    data: {
      metadata,
      duration: Math.max(0, Math.round((now - start) / 1000)),
      start: new Date(start).toISOString(),
      finish: new Date(now).toISOString(),
      attendees: m.attendees.map((a) => ({
        ext_user_id: a.userID,
        name: a.fullName,
        moderator: a.role === 'MODERATOR',
      })),
      files: [],
      polls: [],
    },
  };
}
