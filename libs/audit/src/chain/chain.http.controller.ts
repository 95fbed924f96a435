import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { CLOCK, Clock, DomainError, RuleViolation, ValidationFailed } from '@app/kernel';
import { Endpoint, PG_POOL, POSITION_PATTERN } from '@app/platform';
import { Access, Actor, CurrentActor } from '@app/access';
import { ChainBroken, ChainService, Checkpoint, VerifyReport } from './chain.service';
import type { ChainBreak } from './chain-walk';
import { writeAuditBundle } from './audit-bundle';
import { AsOfReports } from '../as-of/as-of-reports';

export class PositionRangeQuery {
  @ApiPropertyOptional({ example: '0', description: 'Events strictly after this position (default 0: from the first)' })
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN, { message: 'after must be a log position (decimal string)' })
  after?: string;

  @ApiPropertyOptional({ example: '5000', description: 'Up to and including this position (default and at most: the settled head)' })
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN, { message: 'upTo must be a log position (decimal string)' })
  upTo?: string;
}

export class BundleQuery extends PositionRangeQuery {
  @ApiPropertyOptional({ enum: ['month', 'quarter', 'year'], description: 'With key: put the period\'s reports as of upTo in reports/ (leaderboards, payout ledger, compliance, bulletin)' })
  @IsOptional()
  @IsIn(['month', 'quarter', 'year'])
  period?: 'month' | 'quarter' | 'year';

  @ApiPropertyOptional({ example: '2026-02', description: 'The period key (2026, 2026-Q1, 2026-02)' })
  @IsOptional()
  @Matches(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, { message: 'key must be a year, quarter (2026-Q1) or month (2026-02)' })
  key?: string;
}

export class ChainBreakResponse {
  @ApiProperty({ example: '1234' }) position!: string;
  @ApiProperty({ enum: ['hash-mismatch', 'link-broken', 'hole', 'checkpoint-mismatch', 'checkpoint-missing', 'checkpoint-signature', 'truncated'] }) kind!: string;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional({ type: String }) expected?: string;
  @ApiPropertyOptional({ type: String }) actual?: string;
}

export class ChainHoleResponse {
  @ApiProperty({ example: '17' }) from!: string;
  @ApiProperty({ example: '18' }) to!: string;
  @ApiProperty({ description: 'prev_hash of the event after the hole' }) nextPrevHash!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The checkpoint that attests the hole (null: not attested, so a break)' }) attestedBy!: number | null;
}

export class CheckpointRef {
  @ApiProperty() sequence!: number;
  @ApiProperty({ example: '5000' }) position!: string;
}

export class VerifyReportResponse {
  @ApiProperty({ example: '0' }) after!: string;
  @ApiProperty({ example: '5000' }) upTo!: string;
  @ApiProperty({ example: '5000' }) headPosition!: string;
  @ApiProperty() headHash!: string;
  @ApiProperty() eventsChecked!: number;
  @ApiProperty({ description: 'No break in the range and among the checkpoints' }) ok!: boolean;
  @ApiProperty({ type: ChainBreakResponse, nullable: true, description: 'The break at the lowest position' }) firstBreak!: ChainBreakResponse | null;
  @ApiProperty({ type: ChainBreakResponse, isArray: true, description: 'Up to 100 breaks, by position' }) breaks!: ChainBreakResponse[];
  @ApiProperty() breakCount!: number;
  @ApiProperty({ type: ChainHoleResponse, isArray: true }) holes!: ChainHoleResponse[];
  @ApiProperty({ description: 'Checkpoints whose signature verifies (database and checkpoint file)' }) checkpointsVerified!: number;
  @ApiProperty({ type: CheckpointRef, nullable: true }) latestCheckpoint!: CheckpointRef | null;
}

export class CheckpointResponse {
  @ApiProperty() sequence!: number;
  @ApiProperty({ example: '5000' }) position!: string;
  @ApiProperty() hash!: string;
  @ApiProperty({ example: '4998' }) events!: string;
  @ApiProperty({ type: ChainHoleResponse, isArray: true, description: 'Holes attested by this checkpoint' }) holes!: ChainHoleResponse[];
  @ApiProperty({ description: 'sha256 of the previous checkpoint\'s payload' }) previous!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'The signed text' }) payload!: string;
  @ApiProperty({ description: 'Ed25519 signature of the payload, base64' }) signature!: string;
}

export class ChainStatusResponse {
  @ApiProperty({ example: '5000' }) headPosition!: string;
  @ApiProperty() headHash!: string;
  @ApiProperty({ type: CheckpointResponse, nullable: true }) latestCheckpoint!: CheckpointResponse | null;
  @ApiProperty({ description: 'Id of the checkpoint signing key (GET /v1/audit/chain/public-key)' }) keyId!: string;
  @ApiProperty({ description: 'The Ed25519 public key, PEM' }) publicKey!: string;
}

export class CheckpointOutcome {
  @ApiProperty({ description: 'false: the head has not moved since the last checkpoint (or another instance was signing one)' }) created!: boolean;
  @ApiProperty({ type: CheckpointResponse, nullable: true }) checkpoint!: CheckpointResponse | null;
}

/** The hash chain over HTTP (docs/audit.md): status, verification, checkpoints, audit bundles. */
@ApiTags('audit')
@Controller('v1/audit')
export class ChainHttpController {
  constructor(
    private readonly chain: ChainService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly asOf: AsOfReports,
  ) {}

  @Get('chain')
  @Access('audit.read')
  @Endpoint({ summary: 'The hash chain: the settled head and its hash, the latest signed checkpoint, the signing key', response: ChainStatusResponse })
  async status(): Promise<ChainStatusResponse> {
    const [head, checkpoints] = await Promise.all([this.chain.head(), this.chain.checkpoints()]);
    const latest = checkpoints.at(-1);
    return { headPosition: head.position.toString(), headHash: head.hash, latestCheckpoint: latest ? checkpointResponse(latest) : null, keyId: this.chain.key.keyId, publicKey: this.chain.key.publicKeyPem };
  }

  @Get('chain/verify')
  @Access('audit.read')
  @Endpoint({
    summary: 'Walk the hash chain over a range (default: all of it) and check the signed checkpoints; reports the first break',
    description: 'Recomputes every event\'s hash from the event as stored, checks each link, that holes are attested, each checkpoint\'s signature and hash, and that the log reaches the latest checkpoint. A whole log of a million events takes tens of seconds: for that, use `npm run cli -- audit verify` (a progress bar), or verify from the last checkpoint (`after`).',
    response: VerifyReportResponse,
    problems: ['position-range-invalid'],
  })
  async verify(@Query() q: PositionRangeQuery, @Req() req: Request): Promise<VerifyReportResponse> {
    return verifyResponse(await this.chain.verify({ ...range(q), signal: abortedWith(req) }));
  }

  @Get('chain/checkpoints')
  @Access('audit.read')
  @Endpoint({ summary: 'The signed checkpoints of the chain, oldest first', response: CheckpointResponse, isArray: true })
  async checkpoints(): Promise<CheckpointResponse[]> {
    return (await this.chain.checkpoints()).map(checkpointResponse);
  }

  @Post('chain/checkpoints')
  @Access('ops.manage')
  @HttpCode(200)
  @Endpoint({ summary: 'Sign a checkpoint of the head now (after checking the chain since the last one)', response: CheckpointOutcome, problems: ['chain-broken'] })
  async checkpoint(): Promise<CheckpointOutcome> {
    try {
      const c = await this.chain.checkpoint();
      return { created: c !== undefined, checkpoint: c ? checkpointResponse(c) : null };
    } catch (error) {
      if (error instanceof ChainBroken) throw new DomainError('conflict', 'chain-broken', error.message, { breaks: error.breaks.slice(0, 100).map(breakResponse) });
      throw error;
    }
  }

  @Get('chain/public-key')
  @Access('audit.read')
  @Endpoint({ summary: 'The Ed25519 public key of the checkpoints (PEM), for openssl pkeyutl -verify', media: 'application/x-pem-file' })
  publicKey(@Res({ passthrough: true }) res: Response): string {
    res.setHeader('Content-Type', 'application/x-pem-file');
    return this.chain.key.publicKeyPem;
  }

  @Get('bundle')
  @Access('audit.read')
  @Endpoint({
    summary: 'An audit bundle of a range of the log (tar.gz): the events as hashed, the chain, the checkpoints, the public key and verify.sh',
    description: 'Verifiable offline with bash, coreutils and openssl (docs/audit.md, "Verifying a bundle offline"): `tar xzf bundle.tar.gz && cd baosong-audit-* && bash verify.sh`. With period and key, reports/ holds that period\'s reports as of upTo (as-of builds: the first export of a position waits for them).',
    media: 'application/gzip',
    problems: ['position-range-invalid', 'as-of-parameter-missing', 'as-of-build-failed'],
    headers: { 'Content-Disposition': { description: 'attachment; filename="baosong-audit-<after>-<upTo>.tar.gz"' } },
  })
  async bundle(@Query() q: BundleQuery, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const signal = abortedWith(req);
    const { after, upTo } = range(q);
    if ((q.period === undefined) !== (q.key === undefined)) throw new ValidationFailed([{ field: q.period === undefined ? 'period' : 'key', message: 'give period and key together' }]);
    // one position for the events and the reports: the one asked for, else the settled head now
    const at = upTo ?? (await this.chain.head()).position;
    const reports = q.period && q.key ? await this.asOf.periodReports(at, q.period, q.key, { reader: actor, createdBy: actor.memberId, signal }) : undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baosong-bundle-http-'));
    const file = path.join(dir, 'bundle.tar.gz');
    try {
      const summary = await writeAuditBundle(this.pool, this.chain, { after: after ?? 0n, upTo: at, createdBy: actor.memberId, createdAt: this.clock.now().toISOString(), reports, signal }, fs.createWriteStream(file));
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('Content-Disposition', `attachment; filename="${summary.name}.tar.gz"`);
      const stream = fs.createReadStream(file);
      stream.on('close', () => fs.rmSync(dir, { recursive: true, force: true }));
      return new StreamableFile(stream, { length: fs.statSync(file).size });
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
}

/** Aborted when the client goes away before the answer: a long walk or export stops instead of running on. */
function abortedWith(req: Request): AbortSignal {
  const controller = new AbortController();
  // the response closes before it finished: the client went away
  req.res?.on('close', () => {
    if (!req.res!.writableFinished) controller.abort();
  });
  return controller.signal;
}

function range(q: PositionRangeQuery): { after?: bigint; upTo?: bigint } {
  const after = q.after !== undefined ? BigInt(q.after) : undefined;
  const upTo = q.upTo !== undefined ? BigInt(q.upTo) : undefined;
  if (upTo !== undefined && upTo <= (after ?? 0n)) {
    throw new RuleViolation('position-range-invalid', `upTo (${upTo}) must be above after (${after ?? 0n})`, { field: 'upTo', after: (after ?? 0n).toString(), upTo: upTo.toString() });
  }
  return { after, upTo };
}

function breakResponse(b: ChainBreak): ChainBreakResponse {
  return { position: b.position.toString(), kind: b.kind, detail: b.detail, ...(b.expected !== undefined ? { expected: b.expected } : {}), ...(b.actual !== undefined ? { actual: b.actual } : {}) };
}

export function verifyResponse(r: VerifyReport): VerifyReportResponse {
  return {
    after: r.after.toString(),
    upTo: r.upTo.toString(),
    headPosition: r.headPosition.toString(),
    headHash: r.headHash,
    eventsChecked: r.eventsChecked,
    ok: r.ok,
    firstBreak: r.firstBreak ? breakResponse(r.firstBreak) : null,
    breaks: r.breaks.map(breakResponse),
    breakCount: r.breakCount,
    holes: r.holes.map((h) => ({ from: h.from.toString(), to: h.to.toString(), nextPrevHash: h.nextPrevHash, attestedBy: h.attestedBy ?? null })),
    checkpointsVerified: r.checkpoints.verified,
    latestCheckpoint: r.checkpoints.latest ? { sequence: r.checkpoints.latest.sequence, position: r.checkpoints.latest.position.toString() } : null,
  };
}

function checkpointResponse(c: Checkpoint): CheckpointResponse {
  return {
    sequence: c.sequence,
    position: c.position.toString(),
    hash: c.hash,
    events: c.events.toString(),
    holes: c.holes.map((h) => ({ from: h.from.toString(), to: h.to.toString(), nextPrevHash: h.nextPrevHash, attestedBy: c.sequence })),
    previous: c.previous,
    createdAt: c.createdAt,
    keyId: c.keyId,
    payload: c.payload,
    signature: c.signature,
  };
}
