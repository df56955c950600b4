import { configOrExit } from '@ensemble/shared';
import { startScheduler } from './bootstrap.js';
import { schedulerEnvSchema } from './config.js';

const config = configOrExit('scheduler', schedulerEnvSchema);
const scheduler = await startScheduler(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void scheduler.close().then(() => process.exit(0)));
}
