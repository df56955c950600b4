export * from './bootstrap.js';
export * from './config.js';
/** The recordings index, for tests and tools that seed it (e2e, bench). */
export { RecordingsRepository, type Recording, type RecordingFormat } from './recordings/recordings.repository.js';
export { EMPTY_POLICY, parameterPolicySchema } from './bbb-api/parameter-policy.js';
