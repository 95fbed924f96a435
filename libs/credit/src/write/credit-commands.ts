import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Clock, CLOCK, CommandContext, fold, NotFound } from '@app/kernel';
import { CommandResult, CommandRunner, runDecider } from '@app/event-store';
import { AccessPolicy, Actor, BusinessDates, Permission } from '@app/access';
import { unitDecider, unitStream } from '@app/organization';
import { WorkCalendar } from '@app/policies';
import { CreditRecordCommand, creditRecordDecider, CreditRecordState, DueInput, LiveCreditRecord } from '../domain/credit-record.decider';
import { creditRecordStream, CreditRecordStreamEvent } from '../domain/credit-record.events';
import { CREDIT_CONFIG, CreditConfig } from '../credit-config';

/**
 * Runs credit record commands through the CommandBus: checks the permission against the record's unit, passes
 * `now`, the business date and the due times in (working days of the default holiday calendar, as configured:
 * R6.06 gives no numbers). The decider decides.
 */
@Injectable()
export class CreditCommands {
  private readonly calendar = new WorkCalendar();

  constructor(
    private readonly bus: CommandBus,
    private readonly runner: CommandRunner,
    private readonly access: AccessPolicy,
    private readonly dates: BusinessDates,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CREDIT_CONFIG) private readonly config: CreditConfig,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  today(now: string): string {
    return this.dates.of(new Date(now));
  }

  /** The review due of a submission round (CREDIT_REVIEW_WORKING_DAYS), null when disabled. */
  reviewDue(now: string): DueInput | null {
    return this.dueAfter(now, this.config.reviewWorkingDays);
  }

  /** The upload due of a record (CREDIT_UPLOAD_WORKING_DAYS from its first submission), null when disabled. */
  uploadDue(now: string): DueInput | null {
    return this.dueAfter(now, this.config.uploadWorkingDays);
  }

  private dueAfter(now: string, days: number): DueInput | null {
    if (days <= 0) return null;
    const d = this.calendar.deadline(new Date(now), { unit: 'working_days', amount: days });
    return { dueAt: d.at.toISOString(), provisional: d.provisional?.reason ?? null };
  }

  /** Whether the unit exists and is active (its stream: the write model). */
  async unitActive(unitId: string): Promise<boolean> {
    const events = await this.runner.store.readStream(unitStream(unitId));
    if (events.length === 0) return false;
    return (fold(unitDecider, events as never[]) as { status: string }).status === 'active';
  }

  create(recordId: string, command: CreditRecordCommand, context: CommandContext): Promise<CommandResult<CreditRecordStreamEvent>> {
    return runDecider(this.bus, creditRecordStream(recordId), creditRecordDecider, command, context);
  }

  run(recordId: string, context: CommandContext, actor: Actor, permission: Permission, build: (state: LiveCreditRecord, now: string) => CreditRecordCommand): Promise<CommandResult<CreditRecordStreamEvent>> {
    return runDecider(
      this.bus,
      creditRecordStream(recordId),
      creditRecordDecider,
      async (state: CreditRecordState) => {
        if (state.status === 'none') throw new NotFound('Credit record', recordId);
        await this.access.assert(actor, permission, state.unitId);
        return build(state, this.now());
      },
      context,
    );
  }
}
