import { configOrExit } from '@ensemble/shared';
import { startLoadCollector } from './bootstrap.js';
import { loadCollectorEnvSchema } from './config.js';

const config = configOrExit('load-collector', loadCollectorEnvSchema);
const collector = await startLoadCollector(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void collector.close().then(() => process.exit(0)));
}
