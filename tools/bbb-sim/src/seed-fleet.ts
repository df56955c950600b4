import type { SeedMeeting } from './meeting-store.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same fleet. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Realistic meetings for one node: `min..max` meetings, sizes heavy-tailed
 * (most 2-10, a few up to 150), some video and voice.
 */
export function realisticMeetings(nodeId: string, min: number, max: number, random: () => number): SeedMeeting[] {
  const count = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: count }, (_, i) => {
    const heavy = random() < 0.05;
    const participants = heavy ? 40 + Math.floor(random() * 110) : 2 + Math.floor(random() * 9);
    return {
      meetingID: `${nodeId}-seeded-${i}`,
      name: `Seeded meeting ${i}`,
      participants,
      moderators: Math.max(1, Math.floor(participants / 20)),
      videoCount: Math.floor(participants * random() * 0.3),
      voiceParticipantCount: Math.floor(participants * 0.6),
    };
  });
}
