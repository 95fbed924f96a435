import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, deterministicUuid, entityIdFor, ProblemCode, RuleViolation } from '@app/kernel';
import type { CommandResult } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, etag, UuidParamPipe } from '@app/platform';
import type { Casualties, IncidentStreamEvent } from '../domain/incident.events';
import { IncidentCommands } from './incident-commands';
import {
  CaseReportRequest,
  CaseRequest,
  CasualtiesRequest,
  CloseRequest,
  EscalationRequest,
  ExternalApprovalRequest,
  FinalReportRequest,
  FollowUpRequest,
  IncidentCommandResponse,
  InstructionFollowUpRequest,
  InstructionRequest,
  ReportIncidentRequest,
  WrittenReportRequest,
} from './incident.requests';

const EXISTING: ProblemCode[] = ['not-found', 'incident-closed', 'incident-no-policy'];
const iso = (s: string) => new Date(s).toISOString();
const casualties = (c: CasualtiesRequest | null | undefined): Casualties | null => (c ? { deaths: c.deaths, injured: c.injured, hospitalisedDays: c.hospitalisedDays } : null);

/**
 * 突发事件 (regulations §5): the first report, then its written, follow-up (续报), case and final (终报) reports,
 * the leader's approval of an external report (统一口径), escalation up the chain, instructions (批示) and their
 * follow-up, closure. Every number (deadlines, thresholds, required elements, escalation) comes from the policy in
 * force for the reporting unit's type at the incident's occurrence.
 */
@ApiTags('incidents')
@Controller('v1/incidents')
export class IncidentsHttpController {
  constructor(private readonly incidents: IncidentCommands) {}

  private answer(incidentId: string, result: CommandResult<IncidentStreamEvent>, res: Response, extra: Record<string, unknown> = {}) {
    res.setHeader('ETag', etag(result.revision));
    return { incidentId, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate, ...extra };
  }

  @Post()
  @HttpCode(201)
  @Access('incidents.report', { body: 'unitId' })
  @CommandEndpoint({
    summary: 'First report of an incident (首报): severity from the policy\'s thresholds, the first report\'s verdict, and the deadlines registered (written report, reminders)',
    response: IncidentCommandResponse,
    status: 201,
    location: '/v1/incidents/{incidentId}',
    problems: ['incident-exists', 'incident-no-policy', 'incident-unit-unknown', 'incident-category-unknown', 'incident-elements-missing', 'incident-times-out-of-order'],
  })
  async report(@Body() body: ReportIncidentRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const incidentId = entityIdFor(body.incidentId, context, 'incident');
    const unit = await this.incidents.unit(body.unitId);
    if (!unit?.active) throw new RuleViolation('incident-unit-unknown', `Unit ${body.unitId} does not exist or is dissolved`, { field: 'unitId', unitId: body.unitId });
    const now = this.incidents.now();
    const occurredAt = iso(body.occurredAt);
    const policy = await this.incidents.policyInForce(unit.unitType, occurredAt);
    const result = await this.incidents.create(
      incidentId,
      {
        type: 'ReportIncident',
        incidentId,
        unitId: body.unitId,
        title: body.title,
        categoryKey: body.categoryKey,
        occurredAt,
        discoveredAt: body.discoveredAt ? iso(body.discoveredAt) : occurredAt,
        reportedAt: body.reportedAt ? iso(body.reportedAt) : now,
        channel: body.channel,
        place: body.place ?? null,
        unitsInvolved: body.unitsInvolved ?? [],
        peopleInvolved: body.peopleInvolved ?? [],
        course: body.course ?? null,
        casualties: casualties(body.casualties),
        directLossYuan: body.directLossYuan ?? null,
        cause: body.cause ?? null,
        measures: body.measures ?? null,
        signer: body.signer ?? null,
        contact: body.contact ? { name: body.contact.name, phone: body.contact.phone } : null,
        policy,
        actorId: actor.memberId,
        now,
      },
      context,
    );
    res.setHeader('Location', `/v1/incidents/${incidentId}`);
    return this.answer(incidentId, result, res);
  }

  @Post(':incidentId/written-report')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({ summary: 'File the written report (书面报告): judged against its due; withdraws its deadline and reminder', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-written-report-filed', 'incident-elements-missing'] })
  async written(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: WrittenReportRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', async (state, now) => ({
      type: 'FileWrittenReport',
      policy: await this.incidents.policyOf(state),
      course: body.course,
      casualties: casualties(body.casualties),
      directLossYuan: body.directLossYuan ?? null,
      cause: body.cause,
      measures: body.measures,
      signer: body.signer,
      actorId: actor.memberId,
      now,
    }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/follow-ups')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({ summary: '续报: progress, measures, cause and consequences, lessons (R5.26)', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-final-report-filed'] })
  async followUp(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: FollowUpRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', async (state, now) => ({
      type: 'ReportFollowUp',
      policy: await this.incidents.policyOf(state),
      progress: body.progress,
      measures: body.measures,
      causeAndConsequences: body.causeAndConsequences ?? null,
      lessons: body.lessons ?? null,
      casualties: casualties(body.casualties),
      directLossYuan: body.directLossYuan ?? null,
      actorId: actor.memberId,
      now,
    }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/external-approval')
  @HttpCode(200)
  @Access('incidents.approve')
  @CommandEndpoint({ summary: 'The leader approves the external report with one unified wording (统一口径, R5.27)', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-wording-required'] })
  async approve(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: ExternalApprovalRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.approve', async (state, now) => ({ type: 'ApproveExternalReport', policy: await this.incidents.policyOf(state), wording: body.wording, actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/escalations')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({
    summary: 'Escalate up the chain: to the parent of the current level, or (where the policy allows it, in an emergency) skipping levels; without toUnitId the report leaves the institution',
    response: IncidentCommandResponse,
    problems: [...EXISTING, 'incident-escalation-not-upward', 'incident-escalation-skips-levels', 'incident-escalation-recipient-required', 'incident-external-approval-required', 'incident-level-changed'],
  })
  async escalate(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: EscalationRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', async (state, now) => ({
      type: 'Escalate',
      policy: await this.incidents.policyOf(state),
      lineage: await this.incidents.lineage(state.levelUnitId),
      toUnitId: body.toUnitId ?? null,
      recipient: body.recipient ?? null,
      emergency: body.emergency ?? false,
      reason: body.reason ?? null,
      actorId: actor.memberId,
      now,
    }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/instructions')
  @HttpCode(200)
  @Access('incidents.instruct')
  @CommandEndpoint({ summary: 'A leader\'s instruction (批示) on the incident', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-instruction-exists'] })
  async instruct(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: InstructionRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const instructionId = body.instructionId ?? deterministicUuid('incident-instruction', context.commandId);
    const result = await this.incidents.run(id, context, actor, 'incidents.instruct', (_state, now) => ({ type: 'GiveInstruction', instructionId, text: body.text, actorId: actor.memberId, now }));
    return this.answer(id, result, res, { instructionId });
  }

  @Post(':incidentId/instructions/:instructionId/follow-up')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({ summary: 'What was done about an instruction (落实情况)', response: IncidentCommandResponse, problems: EXISTING })
  async answerInstruction(
    @Param('incidentId', new UuidParamPipe()) id: string,
    @Param('instructionId', new UuidParamPipe()) instructionId: string,
    @Body() body: InstructionFollowUpRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', (_state, now) => ({ type: 'FollowUpInstruction', instructionId, response: body.response, actorId: actor.memberId, now }));
    return this.answer(id, result, res, { instructionId });
  }

  @Post(':incidentId/case')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({ summary: '立案: a case is filed; the case report is due within the policy\'s caseReport (R4.28: 3 days)', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-case-already-filed', 'incident-times-out-of-order'] })
  async fileCase(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: CaseRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', async (state, now) => ({
      type: 'FileCase',
      policy: await this.incidents.policyOf(state),
      caseNumber: body.caseNumber,
      filedAt: body.filedAt ? iso(body.filedAt) : now,
      actorId: actor.memberId,
      now,
    }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/case-report')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({ summary: 'The case report, judged against its due', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-case-not-filed', 'incident-case-already-reported'] })
  async caseReport(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: CaseReportRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', (_state, now) => ({ type: 'ReportCase', summary: body.summary, actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/final-report')
  @HttpCode(200)
  @Access('incidents.report')
  @CommandEndpoint({ summary: '终报: the final report; follow-ups are no longer due', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-final-report-filed'] })
  async finalReport(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: FinalReportRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.report', (_state, now) => ({
      type: 'FileFinalReport',
      summary: body.summary,
      cause: body.cause,
      consequences: body.consequences,
      lessons: body.lessons,
      casualties: casualties(body.casualties),
      directLossYuan: body.directLossYuan ?? null,
      actorId: actor.memberId,
      now,
    }));
    return this.answer(id, result, res);
  }

  @Post(':incidentId/close')
  @HttpCode(200)
  @Access('incidents.approve')
  @CommandEndpoint({ summary: 'Close the incident (after its final report); withdraws every deadline still registered', response: IncidentCommandResponse, problems: [...EXISTING, 'incident-final-report-missing'] })
  async close(@Param('incidentId', new UuidParamPipe()) id: string, @Body() body: CloseRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.incidents.run(id, context, actor, 'incidents.approve', (_state, now) => ({ type: 'CloseIncident', reason: body.reason ?? null, actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }
}
