import { Inject, Injectable } from '@nestjs/common';
import { isRelearning } from '@ensemble/contracts';
import { CONFIG, LOGGER, METRICS, type Logger, type Metrics } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { failed, xmlAnswer, type BbbAnswer } from './bbb-answer.js';
import { checkBbbChecksum } from './bbb-checksum.js';
import { BbbFleetService } from './bbb-fleet.service.js';
import { BbbRecordingsService } from './bbb-recordings.service.js';
import { MeetingCallsService, type XmlBody } from './meeting-calls.service.js';
import { versionXml } from './answer-xml.js';
import { bbbFailureOf } from '../meetings/bbb-failure.js';
import { returncodeOf } from '../meetings/node-answer.js';
import { withRecordingReadyRestored } from '../callbacks/recording-ready-param.js';

export const BBB_CALLS = [
  'create',
  'join',
  'isMeetingRunning',
  'getMeetingInfo',
  'getMeetings',
  'end',
  'insertDocument',
  'getRecordings',
  'publishRecordings',
  'updateRecordings',
  'deleteRecordings',
] as const;
const SUPPORTED = new Set<string>(BBB_CALLS);

export interface BbbRequest {
  /** The call name; '' for the API root. */
  call: string;
  /** The query string exactly as received, without '?'. */
  rawQuery: string;
  /** A form-encoded POST body as received, '' otherwise. */
  rawForm: string;
  /** An XML POST body (create's pre-upload slides, insertDocument). */
  xml: XmlBody | undefined;
  /** `http(s)://host` the client used, for join error redirects without logoutURL. */
  origin: string;
}

/** The BBB API: checks the call, dispatches it, and answers BBB's XML whatever happens. */
@Injectable()
export class BbbApiService {
  private readonly secrets: string[];
  private readonly requests;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    private readonly meetings: MeetingCallsService,
    private readonly fleet: BbbFleetService,
    private readonly recordings: BbbRecordingsService,
  ) {
    this.secrets = [...new Set([config.BBB_API_SECRET, ...config.BBB_API_SECRETS].filter((s) => s !== undefined))];
    if (this.secrets.length === 0) logger.warn('no BBB_API_SECRET: every BBB API call but the root fails its checksum');
    this.requests = metrics.counter('ensemble_bbb_api_requests_total', 'BBB API calls answered', [
      'call',
      'returncode',
    ]);
  }

  async handle(req: BbbRequest): Promise<BbbAnswer> {
    const call = req.call === '' ? 'root' : SUPPORTED.has(req.call) ? req.call : 'unsupported';
    const answer = await this.answer(req);
    // Nodes hold the recording-ready URL under Ensemble's name; integrations see theirs.
    answer.body = withRecordingReadyRestored(answer.body);
    const returncode =
      answer.status === 302 ? 'redirect' : (returncodeOf(answer.body) ?? (answer.status < 400 ? 'other' : 'error'));
    this.requests.inc({ call, returncode });
    return answer;
  }

  private async answer(req: BbbRequest): Promise<BbbAnswer> {
    if (req.call === '') return xmlAnswer(versionXml());
    if (!SUPPORTED.has(req.call)) return failed('unsupportedRequest');
    // Only what the verified checksum covers is used or forwarded (none when it fails).
    const { result: checksum, params } = checkBbbChecksum(
      req.call,
      req.rawQuery,
      req.rawForm,
      this.secrets,
      this.config.BBB_API_CHECKSUM_ALGORITHMS,
    );
    try {
      if (req.call === 'join') return await this.meetings.join(params, checksum, req.origin);
      if (checksum !== 'ok') return failed(checksum === 'missing' ? 'checksumMissing' : 'checksumError');
      switch (req.call) {
        case 'create':
          return await this.meetings.create(params, req.xml);
        case 'isMeetingRunning':
          return await this.meetings.isMeetingRunning(params);
        case 'getMeetingInfo':
          return await this.meetings.getMeetingInfo(params);
        case 'end':
          return await this.meetings.end(params);
        case 'insertDocument':
          return await this.meetings.insertDocument(params, req.xml);
        case 'getMeetings':
          return await this.fleet.getMeetings();
        case 'getRecordings':
          return await this.recordings.getRecordings(params, req.origin);
        default:
          return await this.recordings.change(req.call, params);
      }
    } catch (e) {
      const failure = bbbFailureOf(e);
      // Rooms being re-learned after a Redis loss is expected, told by the scheduler (decision 091).
      if (failure === 'internalError' && !isRelearning(e)) {
        this.logger.error('bbb api call failed', { call: req.call, error: e instanceof Error ? e.message : String(e) });
      }
      return failed(failure);
    }
  }
}
