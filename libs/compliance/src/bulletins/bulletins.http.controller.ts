import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext, newId, ValidationFailed } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, Endpoint, ReadAt, ReadSelector } from '@app/platform';
import { attachmentDisposition, EXPORT_MEDIA, ExportLang, renderExport } from '@app/rewards';
import { PERIOD_KEY, periodDates, REPORT_PERIODS, ReportPeriod } from '../appraisal/appraisal-periods';
import { bulletinDecider, bulletinStream } from './bulletin.decider';
import { bulletinHtml, bulletinTable } from './bulletin-render';
import { issueBulletinCommand } from './issue-bulletin.command';
import { BulletinRead, BulletinsService } from './bulletins.service';
import { BulletinIssuedResponse, BulletinListResponse, BulletinResponse } from './bulletins.responses';

const KEY_MESSAGE = 'key is a year (2026), half year (2026-H1), quarter (2026-Q1) or month (2026-03) of the period';
const FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
type BulletinFormat = (typeof FORMATS)[number];

/** period and key as a pair: the key must be of the period's form (2026-03 for a month). */
function checkedPeriod(period: string, key: string, fields = { period: 'period', key: 'key' }): { period: ReportPeriod; key: string } {
  if (!(REPORT_PERIODS as readonly string[]).includes(period)) throw new ValidationFailed([{ field: fields.period, message: `period is one of ${REPORT_PERIODS.join(', ')}` }]);
  if (!periodDates(period as ReportPeriod, key)) throw new ValidationFailed([{ field: fields.key, message: KEY_MESSAGE }]);
  return { period: period as ReportPeriod, key };
}

export class IssueBulletinRequest {
  @ApiProperty({ enum: REPORT_PERIODS, example: 'month' }) @IsIn(REPORT_PERIODS) period!: ReportPeriod;
  @ApiProperty({ example: '2026-03' }) @Matches(PERIOD_KEY, { message: KEY_MESSAGE }) key!: string;
}

export class BulletinListQuery {
  @ApiPropertyOptional({ enum: REPORT_PERIODS }) @IsOptional() @IsIn(REPORT_PERIODS) period?: ReportPeriod;
  @ApiPropertyOptional({ example: '2026-03' }) @IsOptional() @Matches(PERIOD_KEY, { message: KEY_MESSAGE }) key?: string;
}

export class BulletinReadQuery {
  @ApiPropertyOptional({ enum: ['issued', 'fresh'], default: 'issued', description: 'issued: the stored content of the latest edition (or `edition`), checksum verified; fresh: recomputed from the log now' })
  @IsOptional()
  @IsIn(['issued', 'fresh'])
  as?: 'issued' | 'fresh';
  @ApiPropertyOptional({ enum: FORMATS, default: 'json', description: 'json; csv (UTF-8 with BOM) and xlsx: the unit table; html: the printable A4 page' }) @IsOptional() @IsIn(FORMATS) format?: BulletinFormat;
  @ApiPropertyOptional({ enum: ['zh', 'en'], default: 'zh', description: 'CSV / XLSX column headers' }) @IsOptional() @IsIn(['zh', 'en']) lang?: ExportLang;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'An earlier edition (as=issued only)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) edition?: number;
}

const PARAMS = [
  { name: 'period', schema: { type: 'string' as const, enum: [...REPORT_PERIODS] } },
  { name: 'key', description: 'The period key: 2026, 2026-H1, 2026-Q1, 2026-03', schema: { type: 'string' as const, pattern: PERIOD_KEY.source } },
];

/**
 * Bulletins (通报, issue 11 item 6, R4.36-R4.42): a period's units ranked by points with items submitted and
 * adopted, adoption rate, named shortfalls and escalations (R4.37), late or concealed reports and the grade. Issuing
 * appends BulletinIssued (content, checksum, the position it was built at) to `bulletin-<period>-<key>`; a second
 * issue of a period is its next edition. docs/compliance.md "Bulletins (通报)".
 */
@ApiTags('bulletins')
@Controller('v1/bulletins')
export class BulletinsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly bulletins: BulletinsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Access('bulletins.issue')
  @CommandEndpoint({ summary: 'Issue the bulletin of a period: its content as the log stands now, with a sha256 checksum, as the next edition', response: BulletinIssuedResponse, status: 201, problems: ['bulletin-period-not-offered', 'read-not-caught-up'] })
  async issue(@Body() body: IssueBulletinRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext) {
    const { period, key } = checkedPeriod(body.period, body.key);
    const command = await issueBulletinCommand(this.bulletins, { bulletinId: newId(), period, key, actorId: actor.memberId, now: this.clock.now().toISOString() });
    const result = await runDecider(this.commands, bulletinStream(period, key), bulletinDecider, command, context);
    const issued = result.events[0] as { data: { bulletinId: string; edition: number; checksum: string; position: string } } | undefined;
    const stored = issued ? issued.data : await this.bulletins.issued(period, key);
    return { bulletinId: stored.bulletinId!, period, key, edition: stored.edition!, checksum: stored.checksum, builtAt: stored.position, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Get()
  @Access('bulletins.read')
  @Endpoint({ summary: 'The bulletins issued (every edition), the latest first', response: BulletinListResponse })
  list(@Query() q: BulletinListQuery, @ReadAt() read: ReadSelector) {
    return this.bulletins.list(q, read);
  }

  @Get(':period/:key')
  @Access('bulletins.read')
  @Endpoint({
    summary: 'A period\'s bulletin as issued (the stored content, checksum verified) or fresh (recomputed now), as JSON, CSV, XLSX or a printable A4 HTML page',
    response: BulletinResponse,
    media: ['application/json', EXPORT_MEDIA.csv, EXPORT_MEDIA.xlsx, 'text/html; charset=utf-8'],
    params: PARAMS,
    problems: ['bulletin-period-not-offered', 'not-found', 'read-not-caught-up'],
  })
  async read(@Param('period') periodParam: string, @Param('key') keyParam: string, @Query() q: BulletinReadQuery, @Res({ passthrough: true }) res: Response) {
    const { period, key } = checkedPeriod(periodParam, keyParam);
    if (q.as === 'fresh' && q.edition !== undefined) throw new ValidationFailed([{ field: 'edition', message: 'edition is for as=issued' }]);
    let bulletin: BulletinRead;
    if (q.as === 'fresh') {
      const built = await this.bulletins.fresh(period, key);
      bulletin = { period, key, as: 'fresh', edition: null, bulletinId: null, issuedBy: null, issuedAt: null, ...built };
    } else {
      bulletin = await this.bulletins.issued(period, key, q.edition);
    }
    const format = q.format ?? 'json';
    if (format === 'json') return bulletin;
    const name = `bulletin-${period}-${key}${bulletin.edition === null ? '-fresh' : `-${bulletin.edition}`}`;
    if (format === 'html') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.send(bulletinHtml(bulletin.content, bulletin));
      return undefined;
    }
    const lang = q.lang ?? 'zh';
    const body = await renderExport(bulletinTable(bulletin.content, lang), format, lang);
    res.setHeader('Content-Type', EXPORT_MEDIA[format]);
    res.setHeader('Content-Disposition', attachmentDisposition(`${name}.${format}`, `${lang === 'zh' ? `通报-${period}-${key}` : name}.${format}`));
    res.send(body);
    return undefined;
  }
}
