import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Clock, CLOCK, CommandContext } from '@app/kernel';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint, Endpoint, IsCalendarDate, IsOnOrAfter, UuidParamPipe } from '@app/platform';
import { RewardComparisons } from './comparisons.service';
import { ComparisonResponse, ComparisonStartedResponse } from './comparisons.responses';

class RangeRequest {
  @ApiPropertyOptional({ format: 'date', description: 'First business date the diff covers (included); absent: all' }) @IsOptional() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Last business date the diff covers (included); absent: all' }) @IsOptional() @IsCalendarDate() @IsOnOrAfter('from') to?: string;
  @ApiPropertyOptional({ example: '2027 revision: 150 yuan per WeChat item' }) @IsOptional() @IsString() @Length(1, 500) purpose?: string;
}

export class StartWhatIfRequest extends RangeRequest {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The what-if: { treatAsPublished?: PolicyDocument[] (draft versions, at most 20), ignoreVersions?: { policyId, version }[] } (docs/rewards.md)',
    example: { treatAsPublished: [{ id: 'city-police-new-media-rewards', version: 2, '…': '…' }] },
  })
  @IsObject()
  policies!: Record<string, unknown>;
}

export class StartRecomputationRequest extends RangeRequest {
  @ApiProperty({ example: 'city-police-new-media-rewards' }) @Matches(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: 'policyId is a policy id' }) policyId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000 }) @IsInt() @Min(1) @Max(100_000) version!: number;
}

const range = (q: RangeRequest) => ({ from: q.from ?? null, to: q.to ?? null, purpose: q.purpose ?? null });

/**
 * What-if runs (a draft policy against the history, never touching live read models) and recomputations (what a
 * published version changed), each two shadow builds of `rewards` as of one position and their diff.
 */
@ApiTags('rewards')
@Controller('v1/rewards/comparisons')
export class RewardComparisonsHttpController {
  constructor(
    private readonly comparisons: RewardComparisons,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('what-if')
  @HttpCode(202)
  @Access('rewards.whatif')
  @CommandEndpoint({
    summary: 'Run a what-if: the rewards as they are against the rewards with draft policy versions treated as published (or published ones ignored), both as of the head; recorded in the log; poll GET …/{runId} for progress and the diff',
    response: ComparisonStartedResponse,
    status: 202,
    problems: ['build-parameter-invalid'],
  })
  whatIf(@Body() body: StartWhatIfRequest, @CommandCtx() context: CommandContext) {
    return this.comparisons.whatIf({ policies: body.policies, ...range(body) }, context, this.clock.now().toISOString());
  }

  @Post('recomputation')
  @HttpCode(202)
  @Access('rewards.whatif')
  @CommandEndpoint({
    summary: 'What publishing a version changed: the rewards as of just before its publication against as of it; recorded in the log; poll GET …/{runId}',
    response: ComparisonStartedResponse,
    status: 202,
    problems: ['policy-version-not-published'],
  })
  recomputation(@Body() body: StartRecomputationRequest, @CommandCtx() context: CommandContext) {
    return this.comparisons.recomputation({ policyId: body.policyId, version: body.version, ...range(body) }, context, this.clock.now().toISOString());
  }

  @Get(':runId')
  @Access('rewards.whatif.read')
  @Endpoint({
    summary: 'A what-if or recomputation: who ran it, when, for what; the progress of its two builds; once both reached their position, the diff per payee and month (delta points, yuan, rank, the rules behind each change)',
    response: ComparisonResponse,
    problems: ['not-found'],
  })
  get(@Param('runId', new UuidParamPipe()) runId: string) {
    return this.comparisons.get(runId);
  }
}
