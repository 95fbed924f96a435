import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import type { CommandResult } from '@app/event-store';
import type { Response } from 'express';
import { COMMAND_POSITION_DESCRIPTION, commandPosition, etag, IsCalendarDate, IsTextMap, ValidateNestedObjects } from '@app/platform';
import type { DraftContent } from '../domain/draft.types';

export class AttachmentRequest {
  @ApiProperty({ example: '现场照片.jpg' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'image/jpeg' }) @IsString() @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mediaType must be a media type such as image/jpeg' }) mediaType!: string;
  @ApiProperty() @IsInt() @Min(0) @Max(100 * 1024 * 1024) size!: number;
  @ApiProperty({ description: 'SHA-256 (hex) as returned by POST /v1/attachments' }) @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 hex digits' }) sha256!: string;
}

/** The 信息稿件 with its 报送表 fields. */
export class DraftContentRequest {
  @ApiProperty({ example: '我局开展夏季治安打击整治行动' }) @IsString() @Length(1, 200) title!: string;
  @ApiProperty() @IsString() @Length(1, 50_000) body!: string;
  @ApiProperty({ example: 'dynamic', description: 'A content type of the policy in force (动态/综合/调研/经验/问题建议/简讯/新闻/图片 …)' })
  @Matches(/^[a-z][a-z0-9_-]{0,49}$/, { message: 'contentType must be a content type key such as dynamic' })
  contentType!: string;
  @ApiProperty({ enum: ['original', 'repost'], description: '原创 / 转载' }) @IsIn(['original', 'repost']) source!: 'original' | 'repost';
  @ApiPropertyOptional({ description: 'The original outlet, required for reposts' })
  @ValidateIf((o: DraftContentRequest) => o.source === 'repost')
  @IsString()
  @Length(1, 200)
  originalOutlet?: string;
  @ApiProperty({ enum: ['exclusive', 'published_elsewhere'], description: '独家首发 / 基层或个人等其他媒体已刊载' })
  @IsIn(['exclusive', 'published_elsewhere'])
  firstRelease!: 'exclusive' | 'published_elsewhere';
  @ApiProperty({ example: ['wechat'] }) @IsArray() @ArrayMaxSize(10) @Matches(/^[a-z][a-z0-9_-]{0,29}$/, { each: true, message: 'each target platform must be a key such as wechat' }) targetPlatforms!: string[];
  @ApiProperty({ description: 'Ordered member ids; the first author receives individual rewards' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  authors!: string[];
  @ApiPropertyOptional({ description: 'Member who recommended a repost' }) @IsOptional() @IsUUID() recommenderId?: string;
  @ApiPropertyOptional({ example: '2026-03-01', description: 'When the reported event happened' }) @IsOptional() @IsCalendarDate() eventDate?: string;
  @ApiProperty({ enum: ['general', 'important'] }) @IsIn(['general', 'important']) importance!: 'general' | 'important';
  @ApiProperty({ enum: ['internal', 'external'] }) @IsIn(['internal', 'external']) destination!: 'internal' | 'external';
  @ApiPropertyOptional({ description: 'Marked long-form (lifts e.g. the Weibo 140-character limit)' }) @IsOptional() @IsBoolean() longForm?: boolean;
  @ApiPropertyOptional({ type: [AttachmentRequest] }) @IsOptional() @ValidateNestedObjects(() => AttachmentRequest) @ArrayMaxSize(30) attachments?: AttachmentRequest[];
  @ApiPropertyOptional({ description: 'Further 报送表 fields the policy defines', example: { providingDepartment: '宣传科' } })
  @IsOptional()
  @IsTextMap({ maxKeys: 30, maxLength: 2000 })
  formFields?: Record<string, string>;
}

export function toContent(r: DraftContentRequest): DraftContent {
  return {
    title: r.title.trim(),
    body: r.body,
    contentType: r.contentType,
    source: r.source,
    originalOutlet: r.source === 'repost' ? (r.originalOutlet ?? null) : null,
    firstRelease: r.firstRelease,
    targetPlatforms: [...new Set(r.targetPlatforms)],
    authors: [...new Set(r.authors)],
    recommenderId: r.recommenderId ?? null,
    eventDate: r.eventDate ?? null,
    importance: r.importance,
    destination: r.destination,
    longForm: r.longForm ?? false,
    attachments: (r.attachments ?? []).map((a) => ({ ...a, storageKey: a.sha256 })),
    formFields: Object.fromEntries(Object.entries(r.formFields ?? {}).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, String(v).trim()])),
  };
}

export class DraftCommandResponse {
  @ApiProperty() draftId!: string;
  @ApiProperty({ description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
  @ApiProperty({ description: 'Types of the events the command recorded' }) events!: string[];
}

export function draftResponse(draftId: string, result: CommandResult, res: Response): DraftCommandResponse {
  res.setHeader('ETag', etag(result.revision));
  return { draftId, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
}
