import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Clock, CLOCK, CommandContext, fold, NotFound, RuleViolation } from '@app/kernel';
import { CommandRunner, CommandResult, runDecider } from '@app/event-store';
import { AccessPolicy, Actor, BusinessDates, Permission, UNIT_TREE, UnitTree } from '@app/access';
import { unitDecider, unitStream } from '@app/organization';
import { CompiledPolicy, compilePolicy, PolicyCatalog } from '@app/policies';
import { IncidentCommand, incidentDecider, IncidentState } from '../domain/incident.decider';
import { incidentStream, IncidentStreamEvent } from '../domain/incident.events';

type Open = Exclude<IncidentState, { status: 'none' }>;

/**
 * Runs incident commands through the CommandBus: resolves the policy (in force for the reporting unit's type at
 * occurredAt for a first report; the version the incident recorded for every later step), checks the permission
 * against the incident's unit, and passes `now` in. The decider decides.
 */
@Injectable()
export class IncidentCommands {
  constructor(
    private readonly bus: CommandBus,
    private readonly runner: CommandRunner,
    private readonly access: AccessPolicy,
    private readonly catalog: PolicyCatalog,
    private readonly dates: BusinessDates,
    @Inject(UNIT_TREE) private readonly tree: UnitTree,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  lineage(unitId: string): Promise<readonly string[]> {
    return this.tree.lineage(unitId);
  }

  /** The reporting unit (type, active?) from its stream (the write model). */
  async unit(unitId: string): Promise<{ unitType: string; active: boolean } | null> {
    const events = await this.runner.store.readStream(unitStream(unitId));
    if (events.length === 0) return null;
    const state = fold(unitDecider, events as never[]) as { status: string; unitType?: string };
    return { unitType: state.unitType ?? 'unknown', active: state.status === 'active' };
  }

  /** The first policy in force (precedence order) with incident rules, for the unit type on the business date of `at`. */
  async policyInForce(unitType: string, at: string): Promise<CompiledPolicy> {
    const date = this.dates.of(new Date(at));
    const policy = (await this.catalog.published()).find(unitType, date, (p) => p.document.rules.incidentRules !== undefined);
    if (!policy) throw new RuleViolation('incident-no-policy', `No policy in force on ${date} for a ${unitType} has incident rules`, { unitType, date });
    return policy;
  }

  /** The policy version the incident was reported under (its later steps follow the same version). */
  async policyOf(state: Open): Promise<CompiledPolicy> {
    const doc = (await this.catalog.published()).documents().find((d) => d.id === state.policy.policyId && d.version === state.policy.policyVersion);
    if (!doc) throw new RuleViolation('incident-no-policy', `Policy ${state.policy.policyId} v${state.policy.policyVersion} is not published`, { policyId: state.policy.policyId });
    return compilePolicy(doc);
  }

  create(incidentId: string, command: IncidentCommand, context: CommandContext): Promise<CommandResult<IncidentStreamEvent>> {
    return runDecider(this.bus, incidentStream(incidentId), incidentDecider, command, context);
  }

  run(
    incidentId: string,
    context: CommandContext,
    actor: Actor,
    permission: Permission,
    build: (state: Open, now: string) => IncidentCommand | Promise<IncidentCommand>,
  ): Promise<CommandResult<IncidentStreamEvent>> {
    return runDecider(
      this.bus,
      incidentStream(incidentId),
      incidentDecider,
      async (state: IncidentState) => {
        if (state.status === 'none') throw new NotFound('Incident', incidentId);
        await this.access.assert(actor, permission, state.unitId);
        return build(state, this.now());
      },
      context,
    );
  }
}
