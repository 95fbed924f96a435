import { Injectable } from '@nestjs/common';
import { fold } from '@app/kernel';
import { CommandRunner } from '@app/event-store';
import { ORG_CONFIG_STREAM, OrgConfigState, orgConfigDecider } from '../domain/orgconfig.decider';
import { UnitFacts, unitDecider, UnitState, unitStream } from '../domain/unit.decider';

/** What organization decisions need from other streams, read from the event store (never from read models). */
@Injectable()
export class OrgReads {
  constructor(readonly runner: CommandRunner) {}

  async unit(unitId: string): Promise<UnitState> {
    return fold(unitDecider, (await this.runner.store.readStream(unitStream(unitId))) as never[]);
  }

  async unitFacts(unitId: string): Promise<UnitFacts> {
    const unit = await this.unit(unitId);
    return { exists: unit.status !== 'none', dissolved: unit.status === 'dissolved' };
  }

  /** The unit and its ancestors up to the root, following parent links in the unit streams. */
  async lineage(unitId: string): Promise<string[]> {
    const lineage: string[] = [];
    for (let current: string | null = unitId; current !== null && !lineage.includes(current); ) {
      lineage.push(current);
      const unit = await this.unit(current);
      current = unit.status === 'none' ? null : unit.parentId;
    }
    return lineage;
  }

  async config(): Promise<OrgConfigState> {
    return fold(orgConfigDecider, (await this.runner.store.readStream(ORG_CONFIG_STREAM)) as never[]);
  }
}
