import { configOrExit } from '@ensemble/shared';
import { startProvisioner } from './bootstrap.js';
import { provisionerEnvSchema } from './config.js';

const config = configOrExit('provisioner', provisionerEnvSchema);
const provisioner = await startProvisioner(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void provisioner.close().then(() => process.exit(0)));
}
