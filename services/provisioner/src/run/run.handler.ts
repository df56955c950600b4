import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contracts } from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import { AutoscaleRepository } from '../autoscale/autoscale.repository.js';
import { ProvisionService } from './provision.service.js';
import { RunsRepository } from './runs.repository.js';

/** NATS edge of provisioning: scale-out/in requests and run queries (with the autoscale decisions). */
@Injectable()
export class RunHandler implements OnApplicationBootstrap {
  constructor(
    private readonly provision: ProvisionService,
    private readonly runs: RunsRepository,
    private readonly autoscale: AutoscaleRepository,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve(contracts.scaleOut, (req) => this.provision.scaleOut(req));
    this.bus.serve(contracts.scaleIn, (req) => this.provision.scaleIn(req));
    this.bus.serve(contracts.listRuns, async (req) => {
      const [runs, decisions] = await Promise.all([this.runs.list(req.limit), this.autoscale.decisions(req.limit)]);
      return { runs, decisions };
    });
    this.bus.serve(contracts.getRun, (req) => this.runs.get(req.runId));
  }
}
