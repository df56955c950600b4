import { createHash } from 'node:crypto';
import { RecordingsRepository, type Recording, type RunningGateway } from '@ensemble/gateway-api';

/** A recording of the room's BBB meeting (`web-<roomId>`) as the transfer would index it. */
export async function seedRecording(
  gateway: RunningGateway,
  roomId: string,
  startTime: number,
  over: Partial<Omit<Recording, 'formats' | 'tenant'>> = {},
): Promise<Omit<Recording, 'formats' | 'tenant'>> {
  const meetingId = `web-${roomId}`;
  const recordId = `${createHash('sha1').update(meetingId).digest('hex')}-${startTime}`;
  const recording: Omit<Recording, 'formats' | 'tenant'> = {
    recordId,
    meetingId,
    internalMeetingId: recordId,
    name: `Lecture of ${new Date(startTime).toISOString()}`,
    state: 'published',
    startTime,
    endTime: startTime + 3_723_000,
    participants: 7,
    metadata: {},
    nodeId: 'bbb-1',
    ...over,
  };
  const digest = 'd'.repeat(64);
  await gateway.app.get(RecordingsRepository).index(recording, {
    format: 'presentation',
    digest,
    prefix: `recordings/${recordId}/presentation/${digest}/`,
    sizeBytes: 12_345,
    fileCount: 3,
    playbackPath: `/playback/presentation/2.3/${recordId}`,
    processingTimeMs: 100,
    lengthMs: 3_600_000,
  });
  return recording;
}

/** The state the index holds, deleted ones included. */
export const stateOf = async (gateway: RunningGateway, recordId: string) =>
  (await gateway.app.get(RecordingsRepository).get(recordId))?.state;
