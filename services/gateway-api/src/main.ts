import { configOrExit } from '@ensemble/shared';
import { startGateway } from './bootstrap.js';
import { gatewayEnvSchema } from './config.js';

const config = configOrExit('gateway-api', gatewayEnvSchema);
const gateway = await startGateway(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void gateway.close().then(() => process.exit(0)));
}
