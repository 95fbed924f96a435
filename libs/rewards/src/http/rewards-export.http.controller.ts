import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags, IntersectionType, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Access, Actor, CurrentActor } from '@app/access';
import { Endpoint, ReadAt, ReadSelector } from '@app/platform';
import { requestedRange } from '../read/rewards.queries';
import { EntitlementsQuery, LeaderboardQuery, MyEntitlementsQuery } from './rewards.http.controller';
import { attachmentDisposition, EXPORT_FORMATS, EXPORT_LANGS, EXPORT_MEDIA, ExportFormat, ExportLang, MAX_EXPORT_ROWS, renderExport } from './exports';
import { ExportFile, RewardsExports } from './rewards-exports';

export class ExportOptionsQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv', description: 'csv: UTF-8 with BOM, CRLF, RFC 4180; xlsx: one sheet, bold frozen header, yuan 0.00, rates 0.00%' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
  @ApiPropertyOptional({ enum: EXPORT_LANGS, default: 'zh', description: 'Column headers (and the UTF-8 file name) in Chinese or English' }) @IsOptional() @IsIn(EXPORT_LANGS) lang?: ExportLang;
}

export class LeaderboardExportQuery extends IntersectionType(LeaderboardQuery, ExportOptionsQuery) {}
export class EntitlementsExportQuery extends IntersectionType(OmitType(EntitlementsQuery, ['limit', 'offset'] as const), ExportOptionsQuery) {}
export class MyEntitlementsExportQuery extends IntersectionType(OmitType(MyEntitlementsQuery, ['limit', 'offset'] as const), ExportOptionsQuery) {}

export const EXPORT_DOCS = {
  media: [EXPORT_MEDIA.csv, EXPORT_MEDIA.xlsx],
  problems: ['export-too-large' as const],
  headers: {
    'Content-Disposition': {
      description: 'attachment, with an ASCII filename (e.g. leaderboard-member-2026-02.xlsx) and filename* in UTF-8 in the requested language',
      schema: { type: 'string', example: 'attachment; filename="leaderboard-member-2026-02.xlsx"; filename*=UTF-8\'\'%E7%A7%AF%E5%88%86%E6%A6%9C-%E4%B8%AA%E4%BA%BA-2026-02.xlsx' },
    },
  },
};
const EVERY_ROW = `Every matching row, up to ${MAX_EXPORT_ROWS.toLocaleString('en')} (more is 422 export-too-large: narrow the request). Money in yuan (fen / 100). X-Read-Build exports a what-if or as-of build the same way (its id ends the file name).`;

/**
 * The leaderboard and the statements as CSV or XLSX for the office's monthly bulletin (issue 10 item 8), each with
 * the permission of its JSON endpoint and the same query parameters (no paging: the whole result).
 */
@ApiTags('rewards')
@Controller('v1/rewards')
export class RewardsExportHttpController {
  constructor(private readonly exports: RewardsExports) {}

  @Get('leaderboard/export')
  @Access('rewards.leaderboard')
  @Endpoint({ summary: 'The leaderboard as CSV or XLSX (rank, name, points, yuan, items submitted, adopted, instructed, 采用率)', description: `${EVERY_ROW} With limit, the first limit rows.`, ...EXPORT_DOCS })
  async leaderboard(@Query() q: LeaderboardExportQuery, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.exports.leaderboard({ subject: q.subject ?? 'member', by: q.by ?? 'points', range: requestedRange(q), limit: q.limit, label: label(q) }, read);
    return sendExport(res, file, q);
  }

  @Get('entitlements/export')
  @Access('rewards.entitlements')
  @Endpoint({ summary: 'Entitlement lines as CSV or XLSX (date, item, payee, family, policy@version/rule, reason, points, yuan), filtered as GET /v1/rewards/entitlements', description: EVERY_ROW, ...EXPORT_DOCS })
  async entitlements(@Query() q: EntitlementsExportQuery, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.exports.statement(
      { payeeId: q.payeeId, unitId: q.unitId, draftId: q.draftId, family: q.family, range: requestedRange(q) },
      { ascii: `entitlements-${label(q)}`, zh: `奖励明细-${label(q)}`, sheet: { zh: '奖励明细', en: 'Entitlements' } },
      read,
    );
    return sendExport(res, file, q);
  }

  @Get('my-entitlements/export')
  @Access('rewards.mine')
  @Endpoint({ summary: 'My statement as CSV or XLSX: my entitlement lines (as payee) for a period', description: EVERY_ROW, ...EXPORT_DOCS })
  async mine(@CurrentActor() actor: Actor, @Query() q: MyEntitlementsExportQuery, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.exports.statement(
      { payeeId: actor.memberId, draftId: q.draftId, family: q.family, range: requestedRange(q) },
      { ascii: `statement-${label(q)}`, zh: `我的奖励明细-${label(q)}`, sheet: { zh: '我的奖励明细', en: 'Statement' } },
      read,
    );
    return sendExport(res, file, q);
  }
}

/** The period as asked (2026-02, 2026-Q1), or from_to. */
function label(q: { period?: string; from?: string; to?: string }): string {
  return q.period ?? `${q.from ?? ''}_${q.to ?? ''}`;
}

/** Renders an export in the requested format and language and sets its Content-Type and Content-Disposition. */
export async function sendExport(res: Response, file: ExportFile, q: { format?: ExportFormat; lang?: ExportLang }): Promise<StreamableFile> {
  const format = q.format ?? 'csv';
  const lang = q.lang ?? 'zh';
  const body = await renderExport(file.table(lang), format, lang);
  const build = file.buildId ? `-${file.buildId.split(':').pop()!}` : '';
  res.setHeader('Content-Type', EXPORT_MEDIA[format]);
  res.setHeader('Content-Disposition', attachmentDisposition(`${file.ascii}${build}.${format}`, `${lang === 'zh' ? file.zh : file.ascii}${build}.${format}`));
  return new StreamableFile(body, { length: body.length });
}
