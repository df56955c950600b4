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
import { TenantDirectory } from '../tenants/tenant-directory.js';
import { TenantMetrics } from '../tenants/tenant-metrics.js';
import { tenantNamed } from '../tenants/tenant-route.js';
import { TenantScope } from '../tenants/tenant-scope.js';
import { CallbackUrls } from '../callbacks/callback-urls.js';

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
  /** The path without the query (`/t/<tenant>/…` names a tenant) and the Host header (`<tenant>.<base domain>`). */
  path: string;
  host: string;
  /** The query string exactly as received, without '?'. */
  rawQuery: string;
  /** A form-encoded POST body as received, '' otherwise. */
  rawForm: string;
  /** An XML POST body (create's pre-upload slides, insertDocument). */
  xml: XmlBody | undefined;
  /** `http(s)://host` the client used, for join error redirects without logoutURL. */
  origin: string;
}

/**
 * The BBB API: finds the call's tenant (decision 110), checks the call against that tenant's
 * secrets, dispatches it within the tenant, and answers BBB's XML whatever happens. An
 * unknown tenant is answered as a wrong secret is: no tenant can be told to exist or not.
 */
@Injectable()
export class BbbApiService {
  private readonly requests;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    private readonly meetings: MeetingCallsService,
    private readonly fleet: BbbFleetService,
    private readonly recordings: BbbRecordingsService,
    private readonly tenants: TenantDirectory,
    private readonly tenantMetrics: TenantMetrics,
    private readonly callbacks: CallbackUrls,
  ) {
    if (!config.BBB_API_SECRET && config.BBB_API_SECRETS.length === 0) {
      logger.warn(
        "no BBB_API_SECRET: the default tenant's BBB API calls fail their checksum unless it is given a secret",
      );
    }
    this.requests = metrics.counter('ensemble_bbb_api_requests_total', 'BBB API calls answered', [
      'call',
      'returncode',
    ]);
  }

  async handle(req: BbbRequest): Promise<BbbAnswer> {
    const call = req.call === '' ? 'root' : SUPPORTED.has(req.call) ? req.call : 'unsupported';
    const named = tenantNamed(req.path, req.host, this.config.TENANT_BASE_DOMAIN);
    const tenant = this.tenants.get(named);
    const scope = tenant ? new TenantScope(tenant) : undefined;
    const answer = await this.answer(req, scope);
    // Nodes hold Ensemble's callback URLs (decision 113) and namespaced meetingIDs (decision
    // 110); integrations see theirs, and only their own tenant's.
    if (scope) answer.body = scope.shown(this.callbacks.restore(answer.body, scope.name));
    const returncode =
      answer.status === 302 ? 'redirect' : (returncodeOf(answer.body) ?? (answer.status < 400 ? 'other' : 'error'));
    this.requests.inc({ call, returncode });
    this.tenantMetrics.request(named, call, returncode);
    return answer;
  }

  private async answer(req: BbbRequest, scope: TenantScope | undefined): Promise<BbbAnswer> {
    if (req.call === '') return xmlAnswer(versionXml());
    if (!SUPPORTED.has(req.call)) return failed('unsupportedRequest');
    // Only what the verified checksum covers is used or forwarded (none when it fails).
    const { result: checksum, params } = checkBbbChecksum(
      req.call,
      req.rawQuery,
      req.rawForm,
      scope?.tenant.secrets ?? [],
      this.config.BBB_API_CHECKSUM_ALGORITHMS,
    );
    try {
      if (req.call === 'join') return await this.meetings.join(params, checksum, req.origin, scope);
      if (checksum !== 'ok' || !scope) return failed(checksum === 'missing' ? 'checksumMissing' : 'checksumError');
      switch (req.call) {
        case 'create':
          return await this.meetings.create(params, req.xml, scope, req.origin);
        case 'isMeetingRunning':
          return await this.meetings.isMeetingRunning(params, scope);
        case 'getMeetingInfo':
          return await this.meetings.getMeetingInfo(params, scope);
        case 'end':
          return await this.meetings.end(params, scope);
        case 'insertDocument':
          return await this.meetings.insertDocument(params, req.xml, scope);
        case 'getMeetings':
          return await this.fleet.getMeetings(scope);
        case 'getRecordings':
          return await this.recordings.getRecordings(params, req.origin, scope);
        default:
          return await this.recordings.change(req.call, params, scope);
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
