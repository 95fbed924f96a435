import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ValidationFailed } from '@app/kernel';
import { BUILD_ID_PATTERN, Endpoint, POSITION_PATTERN } from '@app/platform';
import { Access, Actor, CurrentActor } from '@app/access';
import { BuildView, ShadowBuilds } from '../shadow-builds';
import { BuildResponse } from './builds.responses';
import { BuildIdParamPipe } from './build-id.pipe';

const PROJECTION_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const BUILD_ID_PARAMETER = { name: 'buildId', description: 'A build id (`<projection>:v<version>:<6 hex>`)', schema: { type: 'string' as const, pattern: BUILD_ID_PATTERN.source, maxLength: 80 } };

export class StartShadowBuildRequest {
  @ApiProperty({ example: 'policies', description: 'The projection to build (GET /v1/ops/projections lists them)' })
  @IsString()
  @Matches(PROJECTION_NAME, { message: 'projection must be a projection name such as policies or reporting' })
  projection!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Build parameters, by key; a projection takes only the keys it declares (policies: `policies` = { treatAsPublished?: policy documents to treat as published, ignoreVersions?: [{ policyId, version }] to treat as never published }). An unknown key or a refused value is 422 build-parameter-unknown or build-parameter-invalid naming it.',
    example: { policies: { ignoreVersions: [{ policyId: 'law-enforcement-bureau', version: 1 }] } },
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '5000', description: 'Stop at this log position (an as-of build); omitted: follow the head' })
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN, { message: 'targetPosition must be a log position (decimal string)' })
  targetPosition?: string;

  @ApiPropertyOptional({ example: 'what-if: 2026 points under draft policy v3', description: 'Why the build exists (shown in the list)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  purpose?: string;

  @ApiPropertyOptional({ default: 86400, description: 'Dropped when nobody reads it for this long (from its start or its last read)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  ttlSeconds?: number;
}

export class ListBuildsQuery {
  @ApiPropertyOptional({ description: 'Only builds of this projection' })
  @IsOptional()
  @Matches(PROJECTION_NAME, { message: 'projection must be a projection name' })
  @Length(1, 63)
  projection?: string;
}

/**
 * Shadow builds (docs/adr/0013, 0016): builds with parameters and/or a target position that never go live; read
 * them through the ordinary GET endpoints with X-Read-Build.
 */
@ApiTags('ops')
@Controller('v1/ops/builds')
export class BuildsHttpController {
  constructor(private readonly builds: ShadowBuilds) {}

  @Post()
  @Access('ops.manage')
  @HttpCode(201)
  @Endpoint({
    summary: 'Start a shadow build: parameters (what-if) and/or a target position (as-of), in its own schema, never live',
    description: 'Read it with X-Read-Build: <buildId> on the GET endpoints of its projection; it is dropped after ttlSeconds without a read.',
    response: BuildResponse,
    status: 201,
    problems: ['not-found', 'build-parameter-unknown', 'build-parameter-invalid', 'build-target-invalid', 'build-ttl-invalid'],
  })
  start(@Body() body: StartShadowBuildRequest, @CurrentActor() actor: Actor): Promise<BuildView> {
    let targetPosition: bigint | undefined;
    if (body.targetPosition !== undefined) {
      targetPosition = BigInt(body.targetPosition);
      if (targetPosition > 2n ** 63n - 1n) throw new ValidationFailed([{ field: 'targetPosition', message: 'targetPosition is beyond the bigint range' }]);
    }
    return this.builds.start({ projection: body.projection, parameters: body.parameters, targetPosition, purpose: body.purpose, ttlSeconds: body.ttlSeconds, createdBy: actor.memberId });
  }

  @Get()
  @Access('ops.read')
  @Endpoint({ summary: 'Shadow builds with their parameters, progress and expiry', response: BuildResponse, isArray: true })
  list(@Query() q: ListBuildsQuery): Promise<BuildView[]> {
    return this.builds.list(q);
  }

  @Get(':buildId')
  @Access('ops.read')
  @Endpoint({ summary: 'One build (shadow, live or rebuilding) with its progress: position, target, events done, rate, reached target', response: BuildResponse, params: [BUILD_ID_PARAMETER], problems: ['not-found'] })
  get(@Param('buildId', new BuildIdParamPipe()) buildId: string): Promise<BuildView> {
    return this.builds.get(buildId);
  }

  @Delete(':buildId')
  @Access('ops.manage')
  @Endpoint({ summary: 'Drop a shadow build (its schema and its row); answers the build as it was when dropped', response: BuildResponse, params: [BUILD_ID_PARAMETER], problems: ['not-found', 'build-not-shadow'] })
  drop(@Param('buildId', new BuildIdParamPipe()) buildId: string): Promise<BuildView> {
    return this.builds.drop(buildId);
  }
}
