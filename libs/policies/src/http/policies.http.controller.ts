import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import * as yaml from 'js-yaml';
import type { Pool } from 'pg';
import { Clock, CLOCK, CommandContext, NotFound, RuleViolation, ValidationFailed } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, Endpoint, etag, guardInput, IntParamPipe, PG_POOL, ReadAt, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { diffPolicies } from '../domain/diff-policies';
import type { PolicyDocument } from '../domain/policy-document';
import { POLICY_SCHEMA } from '../domain/policy.schema';
import { policyDecider, policyStream } from '../domain/policy.decider';
import { validatePolicy } from '../domain/validate-policy';
import { JsonSchemaResponse, POLICY_DOCUMENT_BODY, POLICY_ID_PARAMETER, PolicyDiffResponse, PolicyDraftedResponse, PolicyPublishedResponse, PolicyValidationResponse, PolicyVersionDetailResponse, PolicyVersionResponse } from './policies.responses';
import { PolicyCatalog } from '../read/policy-catalog';

export class DiffQuery {
  @ApiPropertyOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647) from!: number;
  @ApiPropertyOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647) to!: number;
}

/** A policy document from a JSON body, or YAML (Content-Type application/yaml or text/yaml). */
function documentFrom(req: Request, body: unknown): unknown {
  if (typeof body === 'string') {
    let parsed: unknown;
    try {
      parsed = yaml.load(body);
    } catch (error) {
      throw new ValidationFailed([{ field: 'body', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
    }
    // YAML is decoded here, after the input guard saw only its text: the same rules apply to what it holds.
    body = guardInput(parsed, '');
  }
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailed([{ field: 'body', message: `expected a policy document (JSON object or YAML), got ${req.headers['content-type'] ?? 'no content type'}` }]);
  }
  return body;
}

const VERSION_COLUMNS = `policy_id AS "policyId", version, title, source, status, to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom",
  to_char(effective_to, 'YYYY-MM-DD') AS "effectiveTo", unit_types AS "unitTypes", problems, drafted_at AS "draftedAt",
  published_at AS "publishedAt", retroactive, superseded_by AS "supersededBy"`;

@ApiTags('policies')
@Controller('v1/policies')
export class PoliciesHttpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly catalog: PolicyCatalog,
    private readonly readModels: ReadModels,
  ) {}

  @Get('schema')
  @Access('policies.read')
  @Endpoint({ summary: 'The JSON Schema of policy documents (point your editor at it for completion)', response: JsonSchemaResponse })
  schema() {
    return POLICY_SCHEMA;
  }

  @Post('validate')
  @HttpCode(200)
  @Access('policies.read')
  @Endpoint({ summary: 'Dry run: validate a document (JSON or YAML); problems point at JSON paths; nothing is stored', response: PolicyValidationResponse })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ schema: POLICY_DOCUMENT_BODY })
  validate(@Req() req: Request, @Body() body: unknown) {
    const problems = validatePolicy(documentFrom(req, body));
    return { valid: problems.length === 0, problems };
  }

  @Post()
  @HttpCode(201)
  @Access('policies.manage')
  @CommandEndpoint({ summary: 'Draft a policy version (the next version number of its id); invalid documents are 422 with JSON paths', response: PolicyDraftedResponse,
    status: 201,
    location: '/v1/policies/{policyId}/versions/{version}',
    problems: ['policy-invalid', 'policy-version-published', 'policy-version-sequence'] })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ schema: POLICY_DOCUMENT_BODY })
  async draft(@Req() req: Request, @Body() body: unknown, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const document = documentFrom(req, body);
    const problems = validatePolicy(document);
    if (problems.length > 0) throw new RuleViolation('policy-invalid', `${problems.length} problem(s): ${problems[0]!.path} ${problems[0]!.message}`, { problems });
    const doc = document as PolicyDocument;
    const result = await runDecider(this.commands, policyStream(doc.id), policyDecider, { type: 'DraftPolicy', document: doc, actorId: actor.memberId, now: this.clock.now().toISOString() }, context);
    res.setHeader('ETag', etag(result.revision));
    res.setHeader('Location', `/v1/policies/${doc.id}/versions/${doc.version}`);
    return { policyId: doc.id, version: doc.version, status: 'draft', revision: String(result.revision), position: commandPosition(result), duplicate: result.duplicate };
  }

  @Post(':policyId/versions/:version/publish')
  @HttpCode(200)
  @Access('policies.manage')
  @CommandEndpoint({ summary: 'Publish a draft version; a past effectiveFrom is allowed (retroactive) and supersedes overlapping versions; a review chain that would tie with another policy\'s is 422 policy-chain-tie', response: PolicyPublishedResponse,
    params: [POLICY_ID_PARAMETER],
    problems: ['not-found', 'policy-version-unknown', 'policy-version-published', 'policy-invalid', 'policy-chain-tie'] })
  async publish(
    @Param('policyId') policyId: string,
    @Param('version', new IntParamPipe()) version: number,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    // what the tie check needs from other policies is fetched here and passed in (the decider stays pure)
    const published = (await this.catalog.published()).documents();
    const result = await runDecider(
      this.commands,
      policyStream(policyId),
      policyDecider,
      (state) => {
        if (state.versions.size === 0) throw new NotFound('Policy', policyId);
        return { type: 'PublishPolicy' as const, version, actorId: actor.memberId, now: this.clock.now().toISOString(), published };
      },
      context,
    );
    res.setHeader('ETag', etag(result.revision));
    return { policyId, version, events: result.events.map((e) => e.type), revision: String(result.revision), position: commandPosition(result), duplicate: result.duplicate };
  }

  @Get()
  @Access('policies.read')
  @Endpoint({ summary: 'Every policy version with its status and effective dates', response: PolicyVersionResponse, isArray: true })
  async list(@ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['policy_versions']);
    return (await this.pool.query(`SELECT ${VERSION_COLUMNS} FROM ${r.t('policy_versions')} ORDER BY policy_id, version`)).rows;
  }

  @Get(':policyId/versions/:version')
  @Access('policies.read')
  @Endpoint({ summary: 'One version: the document and its status', response: PolicyVersionDetailResponse, params: [POLICY_ID_PARAMETER], problems: ['not-found'] })
  async get(@Param('policyId') policyId: string, @Param('version', new IntParamPipe()) version: number, @ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['policy_versions']);
    const row = await this.pool.query(`SELECT ${VERSION_COLUMNS}, document FROM ${r.t('policy_versions')} WHERE policy_id = $1 AND version = $2`, [policyId, version]);
    if (!row.rows[0]) throw new NotFound('Policy version', `${policyId} v${version}`);
    return row.rows[0];
  }

  @Get(':policyId/diff')
  @Access('policies.read')
  @Endpoint({ summary: 'Which parameters changed between two versions (JSON pointers, before and after)', response: PolicyDiffResponse, params: [POLICY_ID_PARAMETER], problems: ['not-found'] })
  async diff(@Param('policyId') policyId: string, @Query() q: DiffQuery, @ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['policy_versions']);
    const docs = await this.pool.query<{ version: number; document: PolicyDocument }>(
      `SELECT version, document FROM ${r.t('policy_versions')} WHERE policy_id = $1 AND version = ANY($2::int[])`,
      [policyId, [q.from, q.to]],
    );
    const from = docs.rows.find((r) => r.version === q.from);
    const to = docs.rows.find((r) => r.version === q.to);
    if (!from) throw new NotFound('Policy version', `${policyId} v${q.from}`);
    if (!to) throw new NotFound('Policy version', `${policyId} v${q.to}`);
    return { policyId, from: q.from, to: q.to, changes: diffPolicies(from.document, to.document) };
  }
}
