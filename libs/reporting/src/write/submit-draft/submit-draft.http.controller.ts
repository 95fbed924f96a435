import { Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, RuleViolation } from '@app/kernel';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, UuidParamPipe } from '@app/platform';
import { REPORTING_POLICY, ReportingPolicy } from '../../domain/reporting-policy.port';
import { DraftCommands } from '../draft-commands';
import { DraftCommandResponse, draftResponse } from '../draft-content.request';
import { OrgLookups } from '../org-lookups';
import { EDITABLE_DRAFT_PROBLEMS } from '../reporting-command.responses';

@ApiTags('reporting')
@Controller('v1/drafts')
export class SubmitDraftHttpController {
  constructor(
    private readonly drafts: DraftCommands,
    private readonly lookups: OrgLookups,
    @Inject(REPORTING_POLICY) private readonly policy: ReportingPolicy,
  ) {}

  @Post(':draftId/submit')
  @HttpCode(200)
  @Access('drafts.write')
  @CommandEndpoint({
    summary: '报送: submit the draft; the policy in force picks the review chain and checks form, limits and timeliness',
    description: 'Hard limits (length, one event per report) are 422 naming the rule; soft rules come back as warnings on the draft.',
    response: DraftCommandResponse,
    problems: [...EDITABLE_DRAFT_PROBLEMS, 'draft-unit-dissolved', 'no-review-chain', 'review-chain-tie', 'content-type-unknown'],
    policyRules: true,
  })
  async submit(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.write', async (state, acting) => {
      const unit = await this.lookups.unit(state.unitId);
      if (!unit?.active) throw new RuleViolation('draft-unit-dissolved', 'The draft\'s unit is dissolved: it no longer submits');
      const now = this.drafts.now();
      const ctx = { unitId: unit.unitId, unitType: unit.unitType, submittedAt: now };
      const rules = await this.policy.evaluateSubmission(state.content!, ctx);
      const inForce = await this.policy.policiesInForce(ctx);
      return { type: 'SubmitDraft', ...rules, release: inForce.release, policiesInForce: inForce.policies, actor: acting, now };
    });
    return draftResponse(draftId, result, res);
  }
}
