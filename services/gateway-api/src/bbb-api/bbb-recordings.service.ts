import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, LOGGER, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { RecordingProtection } from '../playback/recording-protection.js';
import { RecordingsRepository, type Recording } from '../recordings/recordings.repository.js';
import { recordingsXml } from './answer-xml.js';
import { failed, xmlAnswer, type BbbAnswer } from './bbb-answer.js';
import { BbbFleetService, meetingIdOfItem } from './bbb-fleet.service.js';
import { BbbParams } from './bbb-params.js';
import type { TenantScope } from '../tenants/tenant-scope.js';
import { recordingXml } from './recording-xml.js';
import { commaList, metaParams, recordingsRequest } from './recordings-params.js';
import { nodeOnly } from './recordings-merge.js';
import { xmlElement as el } from '@ensemble/contracts';

/** The parameters with the meetingIDs (a comma list) the nodes and the index know them by. */
function withNodeMeetingIds(params: BbbParams, scope: TenantScope): BbbParams {
  const ids = commaList(params.text('meetingID'));
  return ids.length ? params.with('meetingID', ids.map((id) => scope.nodeMeetingId(id)).join(',')) : params;
}

/** Rows read per statement when a call without `limit` lists every match. */
const UNPAGED_CHUNK = 1000;

/**
 * The BBB API's recordings calls (decision 104): answered from the index, with the
 * recordings still on their nodes (not transferred yet) merged in, and changes applied to
 * the index and forwarded to the nodes that still hold them.
 */
@Injectable()
export class BbbRecordingsService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly repo: RecordingsRepository,
    private readonly fleet: BbbFleetService,
    private readonly protection: RecordingProtection,
  ) {}

  /** The tenant's recordings only (decision 110): its meetingIDs are namespaced on the nodes and in the index. */
  async getRecordings(incoming: BbbParams, origin: string, scope: TenantScope): Promise<BbbAnswer> {
    const params = withNodeMeetingIds(incoming, scope);
    const req = recordingsRequest(params);
    req.filter = { ...req.filter, tenant: scope.name };
    const base = this.config.PUBLIC_URL ?? origin;
    // The nodes page by themselves since 2.6: asked for every match, the merge pages.
    const [nodeItems, first] = await Promise.all([
      // The index answers even when the fleet cannot be asked (the scheduler down).
      this.fleet
        .recordingItems(params.without('offset', 'limit'))
        .then((items) => items.filter((i) => scope.owns(meetingIdOfItem(i))))
        .catch((e: unknown) => {
          this.logger.warn('recordings of the nodes left out', { error: (e as Error).message });
          return [];
        }),
      this.repo.list({ ...req.filter, ...(req.page ?? { offset: 0, limit: UNPAGED_CHUNK }) }),
    ]);
    const extra = await nodeOnly(nodeItems, (ids) => this.indexed(ids));
    // A token on the links of the tenant's protected recordings only (decision 116).
    const xml = (r: Recording) => recordingXml(r, base, this.protection.linkQuery(r));
    if (!req.page) {
      const all = [...first.recordings];
      while (all.length < first.total) {
        const next = await this.repo.list({ ...req.filter, offset: all.length, limit: UNPAGED_CHUNK });
        if (next.recordings.length === 0) break;
        all.push(...next.recordings);
      }
      return xmlAnswer(recordingsXml([...all.map(xml), ...extra]));
    }
    // Index first (its stable order), then the recordings only nodes hold, counted in the total.
    const { offset, limit } = req.page;
    const room = limit - first.recordings.length;
    const from = Math.max(0, offset - first.total);
    const tail = room > 0 ? extra.slice(from, from + room) : [];
    return xmlAnswer(recordingsXml([...first.recordings.map(xml), ...tail], first.total + extra.length));
  }

  /** publishRecordings, updateRecordings, deleteRecordings: on the tenant's recordings only. */
  async change(call: string, params: BbbParams, scope: TenantScope): Promise<BbbAnswer> {
    const ids = commaList(params.text('recordID'));
    if (ids.length === 0) return failed('missingParamRecordID');
    const publish = params.text('publish');
    if (call === 'publishRecordings' && !publish) return failed('missingParamPublish');
    const known = (await this.repo.list({ tenant: scope.name, recordIds: ids, offset: 0, limit: ids.length }))
      .recordings;
    let answer: string;
    if (call === 'publishRecordings') {
      // A deleted recording stays deleted (BBB moves only published and unpublished ones).
      const live = known.filter((r) => r.state !== 'deleted').map((r) => r.recordId);
      if (live.length) await this.repo.setState(live, publish === 'true' ? 'published' : 'unpublished');
      answer = el('published', publish === 'true');
    } else if (call === 'updateRecordings') {
      // BBB: meta_x=value sets x, an empty value removes it.
      const meta = metaParams(params);
      const set = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== ''));
      const remove = Object.keys(meta).filter((k) => meta[k] === '');
      if (known.length)
        await this.repo.updateMeta(
          known.map((r) => r.recordId),
          set,
          remove,
        );
      answer = el('updated', true);
    } else {
      if (known.length)
        await this.repo.setState(
          known.map((r) => r.recordId),
          'deleted',
        );
      answer = el('deleted', true);
    }
    // Nodes are told only of the tenant's own recordings they hold (another tenant's record id changes nothing).
    const held = await this.heldOnNodes(ids, scope);
    const onNodes =
      held.length > 0 && (await this.fleet.changeRecordings(call, params.with('recordID', held.join(','))));
    if (known.length === 0 && !onNodes) return failed('recordingsNotFound');
    return xmlAnswer(`<response>\n${el('returncode', 'SUCCESS')}\n${answer}\n</response>\n`);
  }

  /** Of these record ids, the ones the tenant's meetings recorded that some node still holds. */
  private async heldOnNodes(ids: readonly string[], scope: TenantScope): Promise<string[]> {
    const items = await this.fleet.recordingItems(
      BbbParams.of([
        ['recordID', ids.join(',')],
        ['state', 'any'],
      ]),
    );
    const held = new Set(
      items.filter((i) => scope.owns(meetingIdOfItem(i))).map((i) => /<recordID>([^<]*)<\/recordID>/.exec(i)?.[1]),
    );
    return ids.filter((id) => held.has(id));
  }

  /** Of these record ids, the ones the index holds (in any state: a deleted one stays hidden). */
  private async indexed(ids: readonly string[]): Promise<Set<string>> {
    const page = await this.repo.list({ recordIds: ids, offset: 0, limit: ids.length });
    return new Set(page.recordings.map((r) => r.recordId));
  }
}
